import StorylineCore

extension Explanation {
    /// Compares two article files as `storyline explain` does: read and parsed as `ingest` would, then
    /// explained with the engine settings of `settings`, and the term weights `learned` when given.
    ///
    /// - Throws: `ExplanationError` naming the file that is not an article and why.
    public init(files earlier: String, _ later: String, settings: DaemonConfiguration,
                learned: DocumentFrequencies? = nil) throws(ExplanationError) {
        var analyzer = ArticleAnalyzer(configuration: settings.engine)
        func load(_ path: String) throws(ExplanationError) -> (name: String, article: ParsedArticle, sha256: String) {
            // Read as the daemon and `ingest` read a file; the arrival time plays no part in the comparison.
            switch Intake.read(path: path, sizeLimit: settings.maxFileBytes, arrival: Timestamp(millisecondsSinceEpoch: 0),
                               analyzer: &analyzer) {
            case let .article(prepared, _, _):
                return (path, prepared.article, prepared.submission.sha256)
            case let .rejected(error, _):
                throw ExplanationError(message: "\(path) is not an article: \(error.reason) (\(error.code.rawValue))")
            case let .denied(reason):
                throw ExplanationError(message: "\(path) cannot be read: \(reason)")
            }
        }
        let (first, second) = (try load(earlier), try load(later))
        do {
            try self.init(first, second, configuration: settings.engine, learned: learned)
        } catch let rejection as ArticleRejection {
            throw ExplanationError(message: "not an article: \(rejection.reason) (\(rejection.code.rawValue))")
        } catch {
            throw ExplanationError(message: "\(error)")
        }
    }
}

/// Two files `storyline explain` cannot compare: which one, and why.
public struct ExplanationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
