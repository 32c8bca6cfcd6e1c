/// The order in which a backlog is judged: by `published` time (files that give none first), then by
/// file name.
///
/// A feed delivers coverage as it is published; a backfill (an archive dropped at once, the inbox after
/// an outage) delivers it all together. Judging a backfill in this order gives the timeline that the
/// same files fed one at a time as they were published would have given, so a story is started by its
/// first report, not by whichever file sorts first by name.
public enum PublishedOrder {
    /// Whether an item published at `left` and named `leftName` is judged before one at `right`, `rightName`.
    public static func precedes<Name: Comparable>(
        _ left: Timestamp?, _ leftName: Name, _ right: Timestamp?, _ rightName: Name
    ) -> Bool {
        switch (left, right) {
        case let (x?, y?) where x != y: return x < y
        case (nil, _?): return true
        case (_?, nil): return false
        default: return leftName < rightName
        }
    }
}
