import Foundation
import Testing
import StorylineCore
@testable import StorylineDaemon

@Suite struct DaemonConfigurationTests {
    func makeConfiguration(horizonDays: Double = 30, retentionDays: Double? = nil) -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        configuration.engine.horizonDays = horizonDays
        configuration.retentionDays = retentionDays
        return configuration
    }

    @Test func aReloadNamesEachSettingThatChanged() {
        var fresh = makeConfiguration(horizonDays: 10, retentionDays: 20)
        fresh.batchSize = 64
        #expect(fresh.changes(since: makeConfiguration()) == [
            "batch_size: 512 -> 64", "horizon_days: 30 -> 10", "retention_days: unset -> 20",
        ])
        #expect(makeConfiguration().changes(since: makeConfiguration()).isEmpty)
    }

    @Test func theEffectiveSettingsListEveryKeyOnceWithTheRetentionInForce() {
        let lines = makeConfiguration(horizonDays: 10).effectiveSettings
        #expect(lines.map { $0.prefix { $0 != ":" } } == DaemonConfiguration.settings.map { Substring($0.key) })
        #expect(lines.contains("retention_days: 17") && lines.contains("horizon_days: 10"))
    }

    @Test func retentionDefaultsToTheHorizonPlusAWeek() throws {
        #expect(makeConfiguration().effectiveRetentionDays == 37)
        #expect(makeConfiguration(horizonDays: 10).effectiveRetentionDays == 17)
        #expect(makeConfiguration(horizonDays: 36_500).effectiveRetentionDays == 36_500)
        try makeConfiguration(horizonDays: 36_500).validate()
        #expect(makeConfiguration(retentionDays: 90).effectiveRetentionDays == 90)
    }

    @Test func retentionMayEqualTheHorizonButNotBeShorter() throws {
        try makeConfiguration(retentionDays: 30).validate()
        #expect(throws: DaemonConfigurationError.self) { try makeConfiguration(retentionDays: 29.9).validate() }
    }

    @Test(arguments: [Double.infinity, -.infinity, .nan, 36_501, 0, -1])
    func retentionMustBeAFiniteNumberOfDaysInRange(_ days: Double) {
        do {
            try makeConfiguration(retentionDays: days).validate()
            Issue.record("retention_days = \(days) was accepted")
        } catch {
            #expect(error.key == "retention_days")
            #expect(error.description.hasPrefix(
                "retention_days must be a finite number of days from horizon_days (30) to 36500 (got \(DaemonConfiguration.days(days)))"),
                "\(error)")
        }
    }

    @Test func theFileSetsRetention() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("storyline.yaml", "horizon_days: 20\nretention_days: 45.5\n")
        var configuration = DaemonConfiguration()
        try configuration.apply(file: path)
        #expect(configuration.retentionDays == 45.5)
        #expect(configuration.effectiveRetentionDays == 45.5)
        try configuration.validate()
    }

    @Test func theFileMapsProducersFieldNames() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("storyline.yaml", "fields:\n  title: [hed, meta.headline]\n  url: permalink\n")
        var configuration = DaemonConfiguration()
        try configuration.apply(file: path)
        #expect(configuration.fields[.title] == ["hed", "meta.headline"])
        #expect(configuration.fields[.url] == ["permalink"])
        #expect(configuration.effectiveSettings.last == "fields: {title: [hed, meta.headline], url: [permalink]}")
        #expect(DaemonConfiguration().changes(since: configuration).last == "fields: {title: [hed, meta.headline], url: [permalink]} -> {}")
    }

    @Test(arguments: ["fields: [hed]\n", "fields:\n  heading: hed\n", "fields:\n  title: [hed, 3]\n", "fields:\n  title: ''\n"])
    func aFieldsMappingThatCannotWorkIsRefused(_ text: String) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("storyline.yaml", text)
        var configuration = DaemonConfiguration()
        do {
            try configuration.apply(file: path)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.key == "fields", "\(error)")
        }
    }
}
