import StorylineCore

/// File -> article -> judgement or rejection: the one way a file meets the engine, for `storyline run`,
/// `ingest` and `explain` alike.
///
/// `read` does what needs only the file (read, parse, fold, analyse; see `PreparedArticle`), so a daemon can do
/// it ahead of judging; `StateStore.Batch.add(_:named:seq:at:engine:)` then judges what was read, in
/// order, into the batch the state commits.
public enum Intake {
    /// A file as read: ready for judgement, or already known not to be an article; with which file it
    /// was (nil when it could not be examined, or was named by a path).
    public enum Read: Sendable {
        case article(PreparedArticle, bytes: Int, version: FileVersion?)
        case rejected(ArticleRejection, version: FileVersion?)
        /// Not read: this process may not open the file (`ArticleFile.Failure.denied`). It gets no line
        /// and stays in the inbox until it can be read.
        case denied(String)

        /// The time it is judged by, nil for a rejection and for an article without a believed date.
        public var published: Timestamp? {
            if case let .article(prepared, _, _) = self { return prepared.believedPublished }
            return nil
        }

        /// The file's bytes, 0 for a rejection.
        public var bytes: Int {
            if case let .article(_, bytes, _) = self { return bytes }
            return 0
        }

        public var version: FileVersion? {
            switch self {
            case let .article(_, _, version), let .rejected(_, version): return version
            case .denied: return nil
            }
        }
    }

    /// Reads and prepares the inbox file `name`.
    ///
    /// - Parameters:
    ///   - arrival: when it was read: its time when it gives no believed publication time.
    ///   - names: where a JSON file's fields are, beyond the common names (the `fields:` setting).
    static func read(
        _ name: FileName, in directory: String, sizeLimit: Int, arrival: Timestamp, analyzer: inout ArticleAnalyzer,
        names: FieldNames = FieldNames()
    ) -> Read {
        let file: ArticleFile
        do throws(ArticleFile.Failure) {
            file = try ArticleFile.read(name, in: directory, sizeLimit: sizeLimit)
        } catch {
            switch error {
            case let .rejected(rejection):
                // Not read (a link, a directory, too large): which file it was comes from the name.
                return .rejected(rejection, version: (try? FileVersion.current(of: name, in: directory)) ?? nil)
            case let .denied(reason):
                return .denied(reason)
            }
        }
        return prepare(file, arrival: arrival, analyzer: &analyzer, names: names)
    }

    /// Reads and prepares the file at `path` (`ingest` and `explain`).
    public static func read(path: String, sizeLimit: Int, arrival: Timestamp, analyzer: inout ArticleAnalyzer) -> Read {
        do throws(ArticleRejection) {
            return prepare(try ArticleFile.read(path: path, sizeLimit: sizeLimit), arrival: arrival, analyzer: &analyzer)
        } catch {
            return .rejected(error, version: nil)
        }
    }

    private static func prepare(
        _ file: ArticleFile, arrival: Timestamp, analyzer: inout ArticleAnalyzer, names: FieldNames = FieldNames()
    ) -> Read {
        do throws(ArticleRejection) {
            return .article(try PreparedArticle(file, arrival: arrival, analyzer: &analyzer, names: names), bytes: file.bytes.count,
                            version: file.version)
        } catch {
            return .rejected(error, version: file.version)
        }
    }
}

extension StateStore.Batch {
    /// Adds what a file read comes to: its judgement and the stories it closed
    /// (`judge(_:named:version:seq:at:engine:)`), or its rejection, as the lines and events the state
    /// records.
    ///
    /// - Parameter seq: the last line's place in the timeline; advanced past the events added.
    /// - Returns: the events, the file's first, for the timeline, the log and the counts.
    public mutating func add(
        _ read: Intake.Read, named name: FileName, seq: inout Int, at time: Timestamp, engine: inout Engine
    ) -> [TimelineEvent] {
        let rejection: ArticleRejection
        switch read {
        case let .article(prepared, _, version):
            do throws(ArticleRejection) {
                return try judge(prepared, named: name, version: version, seq: &seq, at: time, engine: &engine)
            } catch {
                rejection = error
            }
        case let .rejected(error, _):
            rejection = error
        case let .denied(reason):
            preconditionFailure("a file that was not read has no line: \(reason)")
        }
        seq += 1
        let event = TimelineEvent(seq: seq, time: time, rejectedFile: name.description, rejection: rejection)
        events.append(StateStore.EventRow(seq: seq, line: event.jsonLine, file: name, version: read.version,
                                          sha256: nil, disposition: .rejected))
        return [event]
    }
}
