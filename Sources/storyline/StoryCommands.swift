import ArgumentParser
import Foundation
import StorylineCore
import StorylineDaemon

// What consumers ask of the stories without replaying the timeline: read from the state, read-only,
// while the daemon runs or not (docs/timeline.md, "Stories from the state").

/// Opens the state of `paths` read-only (`openState(inState:command:)`).
func openState(_ paths: StatePaths) throws -> StateStore {
    try openState(inState: paths.maintenance().state)
}

/// Opens the state under `directory` read-only; a failure is one line on standard error, named by
/// `command`, status 1 (78 for a state written by a newer build, as `run` exits).
func openState(inState directory: String, command: String = "storyline") throws -> StateStore {
    do {
        return try StateStore(readingOnly: StateStore.databasePath(inState: directory))
    } catch let error as NewerStateError {
        printError("\(command): \(error)")
        throw ExitCode(NewerStateError.exitStatus)
    } catch let error as StateReadError {
        throw runtimeError("\(command): \(error)")
    } catch {
        throw runtimeError("\(command): cannot read the state under \(directory): \(error)")
    }
}

/// Runs `body` on the open state; a failure to read it is one line on standard error, status 1.
func reading<Result>(_ state: StateStore, _ body: (StateStore) throws -> Result) throws -> Result {
    do { return try body(state) } catch { throw runtimeError("storyline: cannot read \(state.path): \(error)") }
}

/// One story as a line of text: id, open or closed, counts, coverage, label.
private func describeStory(_ story: StorySummary) -> String {
    let duplicates = story.duplicates == 1 ? "1 duplicate" : "\(story.duplicates) duplicates"
    let articles = story.articles == 1 ? "1 article" : "\(story.articles) articles"
    let span = story.first == story.last ? minutes(story.first) : "\(minutes(story.first)) to \(minutes(story.last))"
    return "\(TimelineEvent.storyID(story.story))\t\(story.closed ? "closed" : "open")\t\(articles), \(duplicates)\t\(span)\t\(story.label)"
}

/// `2026-03-14 17:45`: coverage times to the minute, UTC.
private func minutes(_ time: Timestamp) -> String {
    let text = time.description
    return text.prefix(10) + " " + text.dropFirst(11).prefix(5)
}

/// One story as a JSON object: `{"story": ..., "story_data": {...}}`.
private func storyObject(_ story: StorySummary) -> String {
    "{\"story\":\"\(TimelineEvent.storyID(story.story))\",\"story_data\":\(story.jsonObject)}"
}

struct Stories: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the stories the state holds: id, open or closed, counts, coverage and label.",
        discussion: """
            One story a line, by id, tab-separated: id, open/closed, articles and duplicates, first to last \
            coverage (UTC), label. --json prints each as {"story": ID, "story_data": {...}}, the object the \
            timeline's lines carry. Reads the state read-only, so it works while the daemon runs; stories \
            whose articles retention pruned are gone. A story closes only when a later article shows its time \
            has passed, so after a quiet spell stories stay open until the next article arrives.
            """)
    @OptionGroup var paths: StatePaths
    @Flag(help: "Only the stories still open (not closed).") var active = false
    @Flag(help: "JSON Lines instead of text.") var json = false

    func run() throws {
        let state = try openState(paths)
        for story in try reading(state, { try $0.stories(openOnly: active) }) {
            print(json ? storyObject(story) : describeStory(story))
        }
    }
}

struct Story: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one story and its articles in the order they were judged.",
        discussion: """
            The story as `storyline stories` shows it, then one line per article: seq, event, article id, \
            file, title. --json prints the story's object, then the timeline lines of its articles as they \
            were written. Exits 1 when the state holds no such story.
            """)
    @OptionGroup var paths: StatePaths
    @Argument(help: ArgumentHelp("The story's id, as the timeline writes it (s12).", valueName: "id")) var id: String
    @Flag(help: "JSON Lines instead of text.") var json = false

    func run() throws {
        guard let number = TimelineEvent.storyNumber(id) else {
            throw runtimeError("storyline: \(id) is not a story id: story ids are written s1, s2, ...")
        }
        let state = try openState(paths)
        guard let story = try reading(state, { try $0.story(number) }) else {
            throw runtimeError("storyline: the state \(state.path) holds no story \(id) (never made, or pruned by retention)")
        }
        let lines = try reading(state) { try $0.articleLines(ofStory: number) }
        print(json ? storyObject(story) : describeStory(story))
        for line in lines {
            if json { print(line); continue }
            print(Self.describe(line: line))
        }
    }

    /// An article's timeline line as text: seq, event, article id, file, title.
    static func describe(line: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let seq = object["seq"] as? Int, let event = object["event"] as? String,
              let article = object["article"] as? [String: Any] else { return line }
        return ["\(seq)", event, article["id"] as? String ?? "", article["file"] as? String ?? "", article["title"] as? String ?? ""]
            .joined(separator: "\t")
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write every story and its articles as JSON Lines.",
        discussion: """
            Per story, by id: {"type": "story", "story": ID, "story_data": {...}}, then each of its articles \
            as {"type": "article", "story": ID, "line": LINE}, LINE the article's timeline line as it was \
            written, in judgement order. Rejected files are not stories' and are not written. Reads the state \
            read-only, as of one moment, while the daemon runs or not.
            """)
    @OptionGroup var paths: StatePaths

    func run() throws {
        let state = try openState(paths)
        try reading(state) { state in
            try state.export { story, lines in
                let id = TimelineEvent.storyID(story.story)
                print("{\"type\":\"story\",\"story\":\"\(id)\",\"story_data\":\(story.jsonObject)}")
                for line in lines { print("{\"type\":\"article\",\"story\":\"\(id)\",\"line\":\(line)}") }
            }
        }
    }
}

struct Why: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say why the daemon judged an article as it did: its line, its original or story, the evidence.",
        discussion: """
            Give an article id (a12) or an input file's name (the latest article read under that name; a file \
            that was rejected gets its rejection; a file named like an id is given with a directory, ./a12). Prints what the line says: for a duplicate, the article it \
            copies, the measure and value, and the original at the root of the copy chain; for an article that \
            joined a story, the similarity, the terms that tied it and the hours from the story's coverage; \
            then the story as it stands. --json prints the article's line, then its root original's line for a \
            duplicate, then the story's object. Reads the state read-only.
            """)
    @OptionGroup var paths: StatePaths
    @Argument(help: ArgumentHelp("An article id (a12) or an input file's name.", valueName: "file-or-id")) var article: String
    @Flag(help: "JSON Lines instead of text.") var json = false

    func run() throws {
        let state = try openState(paths)
        let name = article.split(separator: "/").last.map(String.init) ?? article
        let number = article.first == "a" && !article.contains("/")
            ? Int(article.dropFirst()).flatMap { TimelineEvent.articleID($0) == article ? $0 : nil } : nil
        let found: [String] = try reading(state) { state in
            if let number { return try state.articleLine(number).map { [$0] } ?? [] }
            let lines = try state.articleLines(ofFile: name)
            return lines.isEmpty ? try state.rejectedLines(ofFile: name) : lines
        }
        guard let line = found.first, let event = Self.decode(line) else {
            throw runtimeError("storyline: the state \(state.path) holds no article \(article) (never judged, or pruned by retention)")
        }
        let original = (event["story_data"] as? [String: Any])?["original"] as? String
        let root = try original.flatMap { id in try reading(state) { try $0.articleLine(Int(id.dropFirst()) ?? 0) } }
        let story = try (event["story"] as? String).flatMap(TimelineEvent.storyNumber).flatMap { number in
            try reading(state) { try $0.story(number) }
        }
        if json {
            print(line)
            if let root { print(root) }
            if let story { print(storyObject(story)) }
            return
        }
        if found.count > 1 { print("\(found.count) articles were read under the name \(name); the latest:") }
        print(Self.explain(event, root: root.flatMap(Self.decode)))
        if let story { print("story now: " + describeStory(story).replacingOccurrences(of: "\t", with: "  ")) }
    }

    static func decode(_ line: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }

    /// What a line says, in words.
    static func explain(_ event: [String: Any], root: [String: Any]?) -> String {
        let seq = event["seq"] as? Int ?? 0
        let kind = event["event"] as? String ?? ""
        if kind == "rejected" {
            return "line \(seq): \(event["file"] as? String ?? "") was rejected (\(event["code"] as? String ?? "")): "
                + (event["reason"] as? String ?? "")
        }
        let article = event["article"] as? [String: Any] ?? [:]
        let story = event["story"] as? String ?? ""
        let why = event["why"] as? [String: Any] ?? [:]
        var text = "line \(seq): \(article["id"] as? String ?? "") \(article["file"] as? String ?? "") "
            + "\"\(article["title"] as? String ?? "")\"\n"
        switch kind {
        case "duplicate":
            text += "a duplicate of \(event["duplicate_of"] as? String ?? "") by \(why["measure"] as? String ?? "") "
                + "\(why["value"] as? Double ?? 0), in story \(story)"
            if let root, let original = root["article"] as? [String: Any] {
                text += "\nits original: \(original["id"] as? String ?? "") \(original["file"] as? String ?? "") "
                    + "\"\(original["title"] as? String ?? "")\""
            }
        case "story_extended":
            let terms = (why["terms"] as? [String] ?? []).joined(separator: ", ")
            text += "joined story \(story) at similarity \(event["similarity"] as? Double ?? 0), tied by: \(terms); "
                + "\(why["gap_hours"] as? Int ?? 0) hours from the story's coverage"
        default:
            text += "started story \(story): it copies no earlier article and no open story was similar enough"
        }
        return text
    }
}
