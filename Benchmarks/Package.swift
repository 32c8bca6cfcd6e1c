// swift-tools-version: 6.1
import PackageDescription

// Engine micro-benchmarks, kept out of the root package so that building or testing Storyline never
// fetches ordo-one/benchmark. Run from the repository root:
//     swift package --package-path Benchmarks benchmark
let package = Package(
    name: "StorylineBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Storyline", path: ".."),
        // ordo-one/package-benchmark, renamed; the plugin warns about the old identifier. Naming a trait
        // replaces the package's default traits, which leaves out its Linux ARC runtime interposer (a
        // package the build machines do not have).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // A deterministic, generated news corpus: no article text is stored in the repository.
        .target(name: "NewsCorpus", dependencies: [.product(name: "StorylineCore", package: "Storyline")]),
        // The same pass with nothing else in the process, for profilers: `swift run -c release engine-profile`.
        .executableTarget(
            name: "engine-profile",
            dependencies: ["NewsCorpus", .product(name: "StorylineCore", package: "Storyline")],
            path: "Sources/EngineProfile"
        ),
        // Builds the state the daemon would leave after N files, through its own state code, for
        // `make bench`'s scale phase: `swift build -c release --product state-fill` builds only this.
        .executableTarget(
            name: "state-fill",
            dependencies: [
                "NewsCorpus",
                .product(name: "StorylineCore", package: "Storyline"),
                .product(name: "StorylineDaemon", package: "Storyline"),
            ],
            path: "Sources/StateFill"
        ),
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                "NewsCorpus",
                .product(name: "StorylineCore", package: "Storyline"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)

// The root package's strict settings, for the targets written here.
for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    target.swiftSettings = settings
}
