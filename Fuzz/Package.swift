// swift-tools-version: 6.0
// Coverage-guided fuzz targets (libFuzzer) for the request decoder and the JSON parser. A
// separate package, so the normal `swift build` / `swift test` never compile it.
// Run with `Fuzz/run DecoderFuzz 120` or `Fuzz/run JSONFuzz 120` (Linux; needs -sanitize=fuzzer).
import PackageDescription

let fuzzFlags: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "understudy-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "understudy", path: "..")],
    targets: [
        .executableTarget(
            name: "DecoderFuzz",
            dependencies: [.product(name: "Understudy", package: "understudy")],
            swiftSettings: fuzzFlags
        ),
        .executableTarget(
            name: "JSONFuzz",
            dependencies: [.product(name: "Understudy", package: "understudy")],
            swiftSettings: fuzzFlags
        ),
    ],
    swiftLanguageModes: [.v6]
)
