import HTTPCore
import Testing
@testable import Understudy

/// The vendor layer as declared: every operation routed bare and under its prefix, every version's
/// spec embedded, listings derived from the registry.
struct VendorShapeTests {
    @Test func everyDeclaredOperation_isRoutedBareAndUnderTheVendorPrefix() throws {
        let app = try makeApp()
        for record in app.records {
            #expect(!record.operations.isEmpty, "\(record.id) declares no operation")
            for operation in record.operations {
                #expect(record.api.versions.contains { $0.id == operation.version }, "\(record.id) \(operation.name): unknown version")
                let path = operation.path.replacingPlaceholders()
                for served in [path, "/\(record.id)\(path)"] {
                    // No credentials: the vendor itself answers (401/403/404 in its envelope), never understudy's 404/405.
                    let response = app.handle(.make(served, method: operation.method))
                    #expect(response.status != .methodNotAllowed, "\(operation.method) \(served)")
                    #expect(!response.text.contains(#""understudy":true"#), "\(operation.method) \(served) was not routed to \(record.id)")
                }
            }
        }
    }

    @Test func aWrongMethodOnAVendorPath_isRenderedByThatVendorBareOrPrefixed() throws {
        let app = try makeApp()
        for record in app.records {
            for operation in record.operations {
                let path = operation.path.replacingPlaceholders()
                let methods = Set(record.operations.filter { $0.path == operation.path }.map(\.method))
                guard !methods.contains("PUT") else { continue }
                for served in [path, "/\(record.id)\(path)"] {
                    let response = app.handle(.make(served, method: "PUT"))
                    #expect(!response.text.contains(#""understudy":true"#), "PUT \(served) got understudy's own body")
                    #expect(response.headers["Allow"] != nil, "PUT \(served) has no Allow header")
                    #expect(response.logMetadata["vendor"] == record.id)
                }
            }
        }
    }

    @Test func everyVersion_hasItsSpecEmbeddedAndServed() throws {
        let app = try makeApp()
        for record in app.records {
            for version in record.api.versions {
                #expect(EmbeddedData.spec(version.spec) != nil, "Specs/\(version.spec).openapi.json missing")
                let served = app.handle(.make("/__admin/specs/\(record.id)/\(version.id)"))
                #expect(served.status == .ok)
                #expect(served.text == EmbeddedData.spec(version.spec))
            }
            #expect(app.handle(.make("/__admin/specs/\(record.id)")).text == EmbeddedData.spec(record.api.versions[0].spec))
            #expect(app.handle(.make("/__admin/specs/\(record.id)/no-such-version")).status == .notFound)
        }
    }

    @Test func vendorListing_namesEveryOperationAndVersion() throws {
        let app = try makeApp()
        let listing = try app.handle(.make("/__admin/vendors")).json()
        let vendors = try #require(listing["vendors"]?.arrayValue)
        #expect(vendors.compactMap { $0["id"]?.stringValue } == app.records.map(\.id))
        for (entry, record) in zip(vendors, app.records) {
            let operations = entry["operations"]?.arrayValue ?? []
            #expect(operations.count == record.operations.count)
            #expect(operations.compactMap { $0["path"]?.stringValue } == record.operations.map(\.path))
            #expect(entry["versions"]?.arrayValue?.first?["default"]?.boolValue == true)
        }
    }

    @Test func helperVendorIDs_comeFromTheRegistry() {
        #expect(VendorID.allCases.map(\.rawValue) == VendorRegistry.all.map(\.id))
        #expect(VendorID(rawValue: "openai") == .openai)
        #expect(VendorID(rawValue: "nope") == nil)
    }
}

extension String {
    /// A template path with every `{name}` replaced by a plausible value (`{user}:suspend` → `X1:suspend`).
    func replacingPlaceholders() -> String {
        var result = ""
        var inside = false
        for character in self {
            if character == "{" { inside = true; result += "X1"; continue }
            if character == "}" { inside = false; continue }
            if !inside { result.append(character) }
        }
        return result
    }
}
