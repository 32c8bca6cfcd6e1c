/// Which timeline lines a reader wants: by story, by event, or all of them.
///
/// Values given for one field are alternatives (`--event duplicate --event rejected`); the fields
/// together must all match (`--story s4 --event duplicate`: the duplicates of story s4). A line without
/// the field (a `rejected` line has no `story`) does not match a filter on it.
public struct TimelineLineFilter: Sendable, Equatable {
    public var stories: Set<String>
    public var events: Set<String>

    public init(stories: Set<String> = [], events: Set<String> = []) {
        self.stories = stories
        self.events = events
    }

    /// Whether every line passes.
    public var isEmpty: Bool { stories.isEmpty && events.isEmpty }

    /// Whether `line` (one JSON object, with or without its newline) passes the filter.
    public func matches(_ line: ArraySlice<UInt8>) -> Bool {
        guard !isEmpty else { return true }
        var keys: Set<String> = []
        if !stories.isEmpty { keys.insert("story") }
        if !events.isEmpty { keys.insert("event") }
        let values = TimelineLine.topLevelValues(keys, in: line)
        return Self.accepts(values["story"], from: stories) && Self.accepts(values["event"], from: events)
    }

    private static func accepts(_ value: TimelineLine.Value?, from wanted: Set<String>) -> Bool {
        guard !wanted.isEmpty else { return true }
        guard case let .string(bytes) = value else { return false }
        return wanted.contains(String(decoding: bytes, as: UTF8.self))
    }
}
