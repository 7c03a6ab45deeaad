import Testing
@testable import Understudy
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct EmbeddedDataTests {
    static let repositoryRoot: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/")
    }()

    @Test(arguments: ["openphone", "pandadoc", "1password", "openai", "factory"])
    func embeddedSeeds_matchSeedsDirectory(vendor: String) throws {
        let onDisk = try TextFile.read("\(Self.repositoryRoot)/Seeds/\(vendor).json")
        #expect(EmbeddedData.seed(vendor) == onDisk, "Seeds/\(vendor).json changed: run python3 Scripts/embed_data.py")
    }

    @Test(arguments: ["openphone", "pandadoc", "1password", "openai", "factory"])
    func embeddedSpecs_matchSpecsDirectory(vendor: String) throws {
        let onDisk = try TextFile.read("\(Self.repositoryRoot)/Specs/\(vendor).openapi.json")
        #expect(EmbeddedData.spec(vendor) == onDisk, "Specs/\(vendor).openapi.json changed: run python3 Scripts/embed_data.py")
    }
}

struct EmbeddedDataLookupTests {
    @Test func everySeedFileIsEmbeddedAndNothingElse() throws {
        let names = try directoryEntries("\(EmbeddedDataTests.repositoryRoot)/Seeds").filter { $0.hasSuffix(".json") }
        #expect(!names.isEmpty)
        for name in names {
            #expect(EmbeddedData.hasSeed(String(name.dropLast(".json".count))), "Seeds/\(name) is not embedded")
        }
        #expect(!EmbeddedData.hasSeed("nobody"))
        #expect(EmbeddedData.seed("nobody") == nil)
        // A name is matched whole, not as a prefix of an embedded one.
        #expect(!EmbeddedData.hasSeed("open"))
        #expect(EmbeddedData.spec("1password.v") == nil)
    }

    @Test func everySpecFileIsEmbedded() throws {
        let names = try directoryEntries("\(EmbeddedDataTests.repositoryRoot)/Specs").filter { $0.hasSuffix(".openapi.json") }
        #expect(names.count > 5)
        for name in names {
            let spec = String(name.dropLast(".openapi.json".count))
            let onDisk = try TextFile.read("\(EmbeddedDataTests.repositoryRoot)/Specs/\(name)")
            #expect(EmbeddedData.spec(spec) == onDisk, "Specs/\(name) is not embedded as it is on disk")
        }
    }

    private func directoryEntries(_ path: String) throws -> [String] {
        guard let directory = opendir(path) else { throw TextFile.ReadError(message: "cannot open \(path)") }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names
    }
}
