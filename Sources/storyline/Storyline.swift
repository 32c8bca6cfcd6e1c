import ArgumentParser
import StorylineCore
import StorylineDaemon

@main
struct Storyline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storyline",
        abstract: "Recognise near-duplicate news articles and group articles into stories.",
        discussion: """
            Storyline reads article files (.json with "text", or UTF-8 .txt/.md), finds near-duplicates by \
            shingle hashing (MinHash + LSH, every candidate verified exactly) and groups the rest into \
            stories. It writes a timeline: one JSON object per line (see docs/timeline.md).
            """,
        subcommands: [Ingest.self, Explain.self]
    )
}

private let defaults = EngineConfiguration()

/// The engine's tunables, shared by every subcommand that runs the engine; defaults come from
/// `EngineConfiguration`.
struct EngineOptions: ParsableArguments {
    @Option(help: "Words per shingle.")
    var shingleSize = defaults.shingleSize
    @Option(help: "MinHash slots per signature.")
    var signatureSlots = defaults.signatureSlots
    @Option(help: "LSH bands (bands × rows must not exceed the slots).")
    var bands = defaults.bands
    @Option(help: "Slots per LSH band.")
    var rows = defaults.rows
    @Option(help: "Exact Jaccard at or above which two texts are near-duplicates.")
    var jaccardThreshold = defaults.jaccardThreshold
    @Option(help: "Share of the shorter text found in the longer at or above which they are near-duplicates.")
    var containmentThreshold = defaults.containmentThreshold
    @Option(help: "Similarity to a story at or above which an article joins it.")
    var storyThreshold = defaults.storyThreshold
    @Option(help: "Days of coverage gap after which a story takes no new articles.")
    var storyWindowDays = defaults.storyWindowDays
    @Option(help: "Days after which coverage leaves the index.")
    var horizonDays = defaults.horizonDays
    @Option(help: "Largest article file read, in bytes.")
    var maxFileBytes = ArticleFile.defaultSizeLimit

    var engineConfiguration: EngineConfiguration {
        var configuration = EngineConfiguration()
        configuration.shingleSize = shingleSize
        configuration.signatureSlots = signatureSlots
        configuration.bands = bands
        configuration.rows = rows
        configuration.jaccardThreshold = jaccardThreshold
        configuration.containmentThreshold = containmentThreshold
        configuration.storyThreshold = storyThreshold
        configuration.storyWindowDays = storyWindowDays
        configuration.horizonDays = horizonDays
        return configuration
    }

    func validate() throws {
        do { try engineConfiguration.validate() } catch { throw ValidationError(error.description) }
        guard maxFileBytes >= 1 else { throw ValidationError("invalid max-file-bytes = \(maxFileBytes): use a positive number of bytes") }
    }
}

extension Ingestor.Order: ExpressibleByArgument {}

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the engine over files once and write their timeline.",
        discussion: "Every file gets exactly one line: story_started, story_extended, duplicate, or rejected with a reason."
    )

    @Option(help: ArgumentHelp("Write the timeline to this new file instead of standard output.", valueName: "file"))
    var timeline: String?
    @Option(help: "given: the order of the arguments; published: by the published field (unknown first), ties by file name.")
    var order: Ingestor.Order = .given
    @OptionGroup var engine: EngineOptions
    @Argument(help: "Article files.")
    var files: [String]

    func run() throws {
        var ingestor = try Ingestor(configuration: engine.engineConfiguration, sizeLimit: engine.maxFileBytes)
        let writer: TimelineWriter
        do {
            writer = try timeline.map { path throws(SystemCallError) in try TimelineWriter(creating: path) } ?? TimelineWriter()
        } catch {
            throw ValidationError("cannot create the timeline: \(error). Choose a new file name; an existing timeline is never overwritten.")
        }
        _ = try ingestor.run(paths: files, order: order, timeline: writer)
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how the engine compares two article files, and what it decides.",
        discussion: "Shingle counts, exact and estimated Jaccard, containment both ways, story similarity, and the decision."
    )

    @OptionGroup var engine: EngineOptions
    @Argument(help: "The earlier article file.")
    var fileA: String
    @Argument(help: "The later article file.")
    var fileB: String

    func run() throws {
        func load(_ path: String) throws -> (name: String, article: ParsedArticle, sha256: String) {
            do {
                let file = try ArticleFile.read(path: path, sizeLimit: engine.maxFileBytes)
                return (path, try ArticleParser.parse(file.bytes, fileName: file.name), file.sha256)
            } catch {
                throw ValidationError("\(path) is not an article: \(error.reason) (\(error.code.rawValue))")
            }
        }
        let explanation: Explanation
        do {
            explanation = try Explanation(load(fileA), load(fileB), configuration: engine.engineConfiguration)
        } catch let rejection as ArticleRejection {
            throw ValidationError("not an article: \(rejection.reason) (\(rejection.code.rawValue))")
        }
        print(explanation.text, terminator: "")
    }
}
