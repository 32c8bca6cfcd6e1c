// swift-tools-version: 6.1
import PackageDescription

// The commit `storyline --version` names, from the environment (the Makefile exports STORYLINE_COMMIT
// for every build). Only CLinux is compiled with it, so a new commit recompiles one C file; a define
// given with `-Xcc` would reach every target and rebuild them all, dependencies included. Without it
// (a plain `swift build`) the binary says "unknown".
let commit = Context.environment["STORYLINE_COMMIT"].flatMap { text in
    text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } && !text.isEmpty ? text : nil
}

let package = Package(
    name: "Storyline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "storyline", targets: ["storyline"]),
        .library(name: "StorylineCore", targets: ["StorylineCore"]),
        // For the benchmarks' `state-fill`, which records articles through the daemon's own state code.
        .library(name: "StorylineDaemon", targets: ["StorylineDaemon"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        // libxml2's HTML parser, for .html articles (the core reads the bytes it is given: no network, no files).
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(name: "CLinux", cSettings: commit.map { [.define("STORYLINE_COMMIT", to: "\"\($0)\"")] }),
        .target(name: "StorylineCore", dependencies: ["CLibXML2"]),
        .target(
            name: "StorylineDaemon",
            dependencies: [
                "StorylineCore",
                "CSystemd",
                "CLinux",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "storyline",
            dependencies: [
                "StorylineCore",
                "StorylineDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "StorylineCoreTests", dependencies: ["StorylineCore"]),
        .testTarget(name: "StorylineDaemonTests", dependencies: ["StorylineDaemon", "StorylineCore"]),
    ]
)

// Strict settings for every target, in one place.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    target.swiftSettings = settings
}
