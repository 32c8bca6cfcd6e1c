import StorylineCore

extension Ingestor {
    /// An ingestor with the engine and the file size limit of `settings`.
    ///
    /// - Throws: `ConfigurationError` when the engine settings cannot work (never, once validated).
    public init(settings: DaemonConfiguration) throws(ConfigurationError) {
        try self.init(configuration: settings.engine, sizeLimit: settings.maxFileBytes)
    }

    /// The timeline `storyline ingest` writes: a new file at `path` (an existing one is never
    /// overwritten), or standard output.
    ///
    /// - Throws: `IngestTimelineError` saying what to do.
    public static func timeline(at path: String?) throws(IngestTimelineError) -> TimelineWriter {
        guard let path else { return TimelineWriter() }
        do { return try TimelineWriter(creating: path) } catch { throw IngestTimelineError(cause: error) }
    }
}

/// The timeline file of `storyline ingest` cannot be made: it exists, or its directory refuses.
public struct IngestTimelineError: Error, Sendable, CustomStringConvertible {
    public var cause: SystemCallError

    public var description: String {
        "cannot create the timeline: \(cause). Choose a new file name; an existing timeline is never overwritten."
    }
}
