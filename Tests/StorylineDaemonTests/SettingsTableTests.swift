import Foundation
import Testing
import StorylineCore
@testable import StorylineDaemon

/// The settings table: every tunable in it once, each reachable, each checked.
@Suite struct SettingsTableTests {
    /// `horizonDays` as `horizon_days`.
    func key(ofProperty name: String) -> String {
        name.reduce(into: "") { key, character in
            key += character.isUppercase ? "_" + character.lowercased() : String(character)
        }
    }

    @Test func keysAreUniqueAndFlagsAreTheKeysWithDashes() {
        let keys = DaemonConfiguration.settings.map(\.key)
        #expect(Set(keys).count == keys.count)
        for setting in DaemonConfiguration.settings {
            #expect(setting.flag == setting.key.replacing("_", with: "-"))
        }
        #expect(Set(DaemonConfiguration.articleSettings.map(\.key)).union(DaemonConfiguration.serviceSettings.map(\.key))
            == Set(keys))
    }

    @Test func everyPropertyOfTheEngineConfigurationIsASetting() {
        let properties = Mirror(reflecting: EngineConfiguration()).children.compactMap(\.label).map(key(ofProperty:))
        #expect(properties == EngineConfiguration.settings.map(\.key))
    }

    /// Every one but `fields`, the mapping only a file gives (`DaemonConfiguration.apply(file:)`).
    @Test func everyPropertyOfTheDaemonConfigurationIsASetting() {
        let properties = Mirror(reflecting: DaemonConfiguration()).children.compactMap(\.label)
            .filter { $0 != "engine" && $0 != "fields" }.map(key(ofProperty:))
        #expect(Set(properties) == Set(DaemonConfiguration.serviceSettings.map(\.key) + ["max_file_bytes"]))
    }

    @Test func defaultsAreTheInitialValuesAndPassTheirOwnRules() throws {
        let defaults = DaemonConfiguration()
        for setting in DaemonConfiguration.settings {
            try setting.check(defaults, defaults: defaults)
        }
        #expect(DaemonConfiguration.setting("shingle_size")?.defaultText(in: defaults) == "5")
        #expect(DaemonConfiguration.setting("story_window_days")?.defaultText(in: defaults) == "2")
        #expect(DaemonConfiguration.setting("story_half_life_days")?.defaultText(in: defaults) == "0.7")
        #expect(DaemonConfiguration.setting("inbox")?.defaultText(in: defaults) == "./inbox")
        #expect(DaemonConfiguration.setting("retention_days")?.defaultText(in: defaults) == "horizon_days + 7")
    }

    @Test func everySettingCanBeSetAndReadBack() {
        for setting in DaemonConfiguration.settings {
            let value: SettingValue = switch setting.kind {
            case .path: .text("/somewhere/else")
            case .wholeNumber: .wholeNumber(3)
            case .number: .number(0.5)
            }
            var configuration = DaemonConfiguration()
            setting.set(value, in: &configuration)
            #expect(setting.value(in: configuration) == value, "\(setting.key)")
        }
    }

    @Test func everyNumberRefusesInfinityNotANumberAndTheLargest() {
        for setting in DaemonConfiguration.settings where setting.kind != .path {
            let values: [SettingValue] = setting.kind == .number
                ? [.number(.infinity), .number(-.infinity), .number(.nan), .number(1e300)]
                : [.wholeNumber(.max), .wholeNumber(.min)]
            for value in values {
                var configuration = DaemonConfiguration()
                setting.set(value, in: &configuration)
                let error = #expect(throws: DaemonConfigurationError.self, "\(setting.key) = \(value)") {
                    try configuration.validate()
                }
                #expect(error?.key == setting.key, "\(error?.description ?? "")")
            }
        }
    }

    @Test func helpSaysWhatTheSettingDoesItsRangeAndItsDefault() {
        let defaults = DaemonConfiguration()
        #expect(DaemonConfiguration.setting("shingle_size")?.help(defaults: defaults)
            == "Content words per shingle; 1 to 16 (default 5).")
        #expect(DaemonConfiguration.setting("story_half_life_days")?.help(defaults: defaults)
            == "Beyond the window, days in which a story's similarity halves; above 0, at most 3650 (default 0.7).")
        #expect(DaemonConfiguration.setting("inbox")?.help(defaults: defaults)
            == "Directory watched for article files (default ./inbox).")
    }

    /// A file of the repository, read as text.
    func repositoryFile(_ path: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(path)
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// docs/configuration.md's table lists exactly the settings, in their order, with their defaults.
    @Test func theDocumentationListsExactlyTheSettings() throws {
        let text = try repositoryFile("docs/configuration.md")
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { line in
            line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let documented = rows.map { $0[0].trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
        #expect(documented == DaemonConfiguration.settings.map(\.key))

        let defaults = DaemonConfiguration()
        for (row, setting) in zip(rows, DaemonConfiguration.settings) {
            let shown = row[1].split(separator: "`").first.map(String.init) ?? ""
            #expect(shown == setting.defaultText(in: defaults), "the default of \(setting.key)")
        }
    }

    /// deploy/storyline.yaml shows every setting once, commented out, in the same order; each with its
    /// default but the paths (the packaged ones) and retention (a figure for the default horizon).
    @Test func theExampleFileShowsEverySettingWithItsDefault() throws {
        let lines = try repositoryFile("deploy/storyline.yaml").split(separator: "\n")
            .filter { $0.wholeMatch(of: /# [a-z_]+: \S+/) != nil }
            .map { $0.dropFirst(2).split(separator: ": ").map(String.init) }
        #expect(lines.map { $0[0] } == DaemonConfiguration.settings.map(\.key))
        let defaults = DaemonConfiguration()
        for (line, setting) in zip(lines, DaemonConfiguration.settings) where setting.kind != .path && setting.key != "retention_days" {
            #expect(line[1] == setting.defaultText(in: defaults), "the default of \(setting.key)")
        }
    }
}
