import Testing
@testable import HTTPCore

/// The metadata keeps two fields inline and the rest in a dictionary; a lookup must find a key
/// wherever it lives, and `nil` once it is removed.
@Suite struct HTTPLogMetadataTests {
    @Test func lookups_findInlineAndOverflowFields() {
        var metadata: HTTPLogMetadata = ["operation": "listUsers", "vendor": "openai"]
        metadata["fault"] = "rate-limited"  // a third field goes to the dictionary
        #expect(metadata["operation"] == "listUsers")
        #expect(metadata["vendor"] == "openai")
        #expect(metadata["fault"] == "rate-limited")
        #expect(metadata["admin"] == nil)
        #expect(metadata.dictionary == ["operation": "listUsers", "vendor": "openai", "fault": "rate-limited"])
    }

    @Test func removedAndReplacedFields_areSeenByLookups() {
        var metadata: HTTPLogMetadata = ["wrote": "openai", "vendor": "openai"]
        metadata["wrote"] = nil
        #expect(metadata["wrote"] == nil)
        #expect(metadata["vendor"] == "openai")
        metadata["session"] = "s1"  // takes the freed inline slot
        metadata["vendor"] = "slack"
        #expect(metadata["session"] == "s1")
        #expect(metadata["vendor"] == "slack")
        #expect(HTTPLogMetadata()["vendor"] == nil)
        #expect(HTTPLogMetadata().isEmpty)
    }
}
