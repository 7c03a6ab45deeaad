import Testing
@testable import Understudy

struct EmbeddedDataTests {
    static let repositoryRoot: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/")
    }()

    @Test(arguments: ["openphone", "pandadoc", "1password", "openai", "factory"])
    func embeddedSeeds_matchSeedsDirectory(vendor: String) throws {
        let onDisk = try TextFile.read("\(Self.repositoryRoot)/Seeds/\(vendor).json")
        #expect(EmbeddedData.seeds[vendor] == onDisk, "Seeds/\(vendor).json changed: run python3 Scripts/embed_data.py")
    }

    @Test(arguments: ["openphone", "pandadoc", "1password", "openai", "factory"])
    func embeddedSpecs_matchSpecsDirectory(vendor: String) throws {
        let onDisk = try TextFile.read("\(Self.repositoryRoot)/Specs/\(vendor).openapi.json")
        #expect(EmbeddedData.specs[vendor] == onDisk, "Specs/\(vendor).openapi.json changed: run python3 Scripts/embed_data.py")
    }
}
