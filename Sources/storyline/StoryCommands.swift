import ArgumentParser
import Foundation
import StorylineCore
import StorylineDaemon

// What consumers ask of the stories without replaying the timeline: read from the state, read-only,
// while the daemon runs or not (docs/timeline.md, "Stories from the state").

/// Opens the state of `paths` read-only; a failure is one line on standard error, status 1 (78 for a
/// state written by a newer build, as `run` exits).
private func openState(_ paths: StatePaths) throws -> StateReader {
    do {
        return try StateReader(state: paths.maintenance().state)
    } catch let exit as ExitCode {
        throw exit
    } catch let error as NewerStateError {
        printError("storyline: \(error)")
        throw ExitCode(NewerStateError.exitStatus)
    } catch {
        throw runtimeError("storyline: \(error)")
    }
}

/// Runs `body` on the open state; a failure to read it is one line on standard error, status 1.
private func reading<Result>(_ state: StateReader, _ body: (StateReader) throws -> Result) throws -> Result {
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
