import Foundation
import Testing
import StorylineCore
@testable import StorylineDaemon

/// The one layering function: defaults, then the file, then the flags, then validation.
@Suite struct ConfigurationSourcesTests {
    func makeFile(_ text: String, in directory: TemporaryDirectory) throws -> String {
        try directory.write("storyline.yaml", text)
    }

    @Test func nothingGivenIsTheDefaults() throws {
        #expect(try ConfigurationSources().resolve() == DaemonConfiguration())
    }

    @Test func theFileOverridesTheDefaults() throws {
        let directory = try TemporaryDirectory()
        let file = try makeFile("horizon_days: 20\nbatch_size: 100\ninbox: /srv/inbox\n", in: directory)

        let configuration = try ConfigurationSources(file: file).resolve()

        #expect(configuration.engine.horizonDays == 20)
        #expect(configuration.batchSize == 100)
        #expect(configuration.inbox == "/srv/inbox")
        #expect(configuration.engine.shingleSize == EngineConfiguration().shingleSize)
    }

    @Test func aFlagOverridesTheFile() throws {
        let directory = try TemporaryDirectory()
        let file = try makeFile("horizon_days: 20\nbatch_size: 100\n", in: directory)

        let configuration = try ConfigurationSources(file: file, flagTexts: ["horizon_days": "40"]).resolve()

        #expect(configuration.engine.horizonDays == 40)
        #expect(configuration.batchSize == 100)
    }

    @Test func settingsThatOnceHadNoFlagOrNoKeyHaveBoth() throws {
        let directory = try TemporaryDirectory()
        let file = try makeFile("containment_sampling: 8\nminimum_containment_shingles: 30\nboilerplate_stories: 5\n",
                                in: directory)
        let fromFile = try ConfigurationSources(file: file).resolve()
        #expect(fromFile.engine.containmentSampling == 8)
        #expect(fromFile.engine.minimumContainmentShingles == 30)
        #expect(fromFile.engine.boilerplateStories == 5)

        let fromFlags = try ConfigurationSources(flagTexts: [
            "containment_sampling": "4", "minimum_containment_shingles": "40", "boilerplate_stories": "6",
        ]).resolve()
        #expect(fromFlags.engine.containmentSampling == 4)
        #expect(fromFlags.engine.minimumContainmentShingles == 40)
        #expect(fromFlags.engine.boilerplateStories == 6)
    }

    @Test func anInvalidFlagIsRefusedWithTheKeyTheRangeAndTheDefault() throws {
        let error = #expect(throws: DaemonConfigurationError.self) {
            try ConfigurationSources(flagTexts: ["horizon_days": "1e20"]).resolve()
        }
        #expect(error?.key == "horizon_days")
        #expect(error?.description == "horizon_days must be a finite number of days from 1 to 36500 (got 1e+20); 30 is the default")
    }

    @Test func anInvalidValueInTheFileIsRefusedLikeAFlag() throws {
        let directory = try TemporaryDirectory()
        let file = try makeFile("horizon_days: .inf\n", in: directory)

        let error = #expect(throws: DaemonConfigurationError.self) { try ConfigurationSources(file: file).resolve() }

        #expect(error?.description == "horizon_days must be a finite number of days from 1 to 36500 (got inf); 30 is the default")
    }

    @Test func aFlagThatIsNotAValueOfItsKindIsRefusedBeforeAnythingIsLayered() {
        let error = #expect(throws: DaemonConfigurationError.self) { try ConfigurationSources(flagTexts: ["bands": "many"]) }
        #expect(error?.description == "--bands takes a whole number (got many)")
        #expect(throws: DaemonConfigurationError.self) { try ConfigurationSources(flagTexts: ["batch_size": "1e3"]) }
        #expect(throws: DaemonConfigurationError.self) { try ConfigurationSources(flagTexts: ["colour": "blue"]) }
    }

    @Test func aValidFlagDoesNotExcuseAnInvalidFile() throws {
        let directory = try TemporaryDirectory()
        let file = try makeFile("colour: blue\n", in: directory)

        let error = #expect(throws: DaemonConfigurationError.self) {
            try ConfigurationSources(file: file, flagTexts: ["horizon_days": "40"]).resolve()
        }

        #expect(error?.description.hasPrefix("configuration file \(file): colour is not a setting; the settings are: inbox, ") == true)
    }

    @Test func layeringWithoutValidationKeepsWhatTheDaemonWouldRefuse() throws {
        let directory = try TemporaryDirectory()
        let file = try makeFile("horizon_days: 1e300\nstate: /srv/state\n", in: directory)

        let configuration = try ConfigurationSources(file: file).layered()

        #expect(configuration.state == "/srv/state")
        #expect(throws: DaemonConfigurationError.self) { try configuration.validate() }
    }

    @Test func aReloadResolvesTheSameWayAndReadsTheFileAgain() throws {
        let directory = try TemporaryDirectory()
        let file = try makeFile("horizon_days: 20\nbatch_size: 100\n", in: directory)
        let sources = try ConfigurationSources(file: file, flagTexts: ["batch_size": "50", "state": "/srv/state"])
        let started = try sources.resolve()
        #expect(started.engine.horizonDays == 20)
        #expect(started.batchSize == 50)

        _ = try makeFile("horizon_days: 25\nbatch_size: 200\ninbox: /elsewhere\n", in: directory)
        let (reloaded, pathsChanged) = try Daemon.reloadedConfiguration(sources, current: started)

        #expect(reloaded.engine.horizonDays == 25, "the file is read again")
        #expect(reloaded.batchSize == 50, "the command line still wins")
        #expect(reloaded.inbox == started.inbox && reloaded.state == "/srv/state", "paths stay until a restart")
        #expect(pathsChanged)
        var expected = try sources.resolve()
        expected.inbox = started.inbox
        #expect(reloaded == expected)
    }

    @Test func aReloadRefusesAnInvalidValueWithTheStartUpMessage() throws {
        let directory = try TemporaryDirectory()
        let file = try makeFile("horizon_days: 20\n", in: directory)
        let sources = try ConfigurationSources(file: file)
        let started = try sources.resolve()

        _ = try makeFile("horizon_days: 1e12\n", in: directory)
        let atReload = #expect(throws: DaemonConfigurationError.self) {
            try Daemon.reloadedConfiguration(sources, current: started)
        }
        let atStart = #expect(throws: DaemonConfigurationError.self) { try sources.resolve() }

        #expect(atReload?.description == atStart?.description)
        #expect(atReload?.description.hasPrefix("horizon_days must be a finite number of days from 1 to 36500") == true)
    }
}
