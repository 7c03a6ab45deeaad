// swift-tools-version: 6.0
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "understudy",
    platforms: [.macOS(.v15)],  // Synchronization.Mutex
    products: [
        .executable(name: "understudy", targets: ["UnderstudyCLI"]),
        .library(name: "Understudy", targets: ["Understudy"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .target(name: "CEventPoll"),
        // Seeds/ and Specs/ compiled in as C arrays (Scripts/embed_data.py says why not Swift literals).
        .target(name: "CEmbeddedData"),
        // HTTP/2 framing, HPACK and flow control; the one system package the project needs.
        .systemLibrary(name: "CNghttp2", pkgConfig: "libnghttp2", providers: [.apt(["libnghttp2-dev"])]),
        .target(
            name: "HTTPCore",
            dependencies: ["CEventPoll", "CNghttp2", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Understudy",
            dependencies: ["HTTPCore", "CEmbeddedData", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "UnderstudyCLI",
            dependencies: [
                "Understudy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // A blocking socket client shared by the live tests; never shipped in a product.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strictSettings),
        .testTarget(name: "HTTPCoreTests", dependencies: ["HTTPCore", "CNghttp2", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "UnderstudyTests", dependencies: ["Understudy", "HTTPCore", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "UnderstudyCLITests", dependencies: ["UnderstudyCLI"], swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)
