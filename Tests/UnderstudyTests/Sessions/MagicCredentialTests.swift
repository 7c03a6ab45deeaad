import HTTPCore
import Testing
@testable import Understudy

/// Magic credentials: a fixed failure per key, in the vendor's own envelope, in every session and
/// whatever `--any-key` says.
struct MagicCredentialTests {
    /// The first list operation of each vendor, with a path a client would send.
    private func listTarget(_ record: VendorRecord) -> String {
        let list = record.operations.first { $0.method == "GET" }!
        return list.path.replacingOccurrences(of: "{account_id}", with: record.seed.accounts.first ?? "X")
    }

    @Test(arguments: [false, true])
    func everyVendorsMagicKeys_failAsNamedInTheVendorsEnvelope(anyKey: Bool) throws {
        let app = try UnderstudyApp(configuration: .init(acceptsAnyKey: anyKey))
        for (index, record) in app.records.enumerated() {
            let magic = app.magicCredentials[index]
            #expect(magic.count == MagicCredential.kinds.count, "\(record.id)")
            for credential in magic.values {
                let request = HTTPRequest.make(listTarget(record), authorization: credential.authorization)
                let response = app.handle(request)
                if let status = credential.status {
                    #expect(response.status.code == status, "\(record.id) \(credential.effect)")
                    // The vendor renders it: the same body as an injected fault of that status.
                    let injected = app.handle(.make(listTarget(record) + "?__status=\(status)",
                                                    authorization: record.seed.credentials.first { $0.role == .admin }!.authorization))
                    // (OpenPhone's `trace` hashes the request, so it differs between the two.)
                    #expect(withoutTrace(response) == withoutTrace(injected), "\(record.id) \(credential.effect)")
                } else {
                    // Answered exactly as the vendor's admin key is, only later.
                    let admin = app.handle(.make(listTarget(record), authorization: record.seed.credentials.first { $0.role == .admin }!.authorization))
                    #expect(response.status == admin.status, "\(record.id) \(credential.effect)")
                    #expect(response.status != .unauthorized && response.status != .forbidden)
                    #expect(response.delayMilliseconds == 2000)
                }
                #expect(response.logMetadata["fault"] == "magic-\(credential.effect)")
            }
        }
    }

    private func withoutTrace(_ response: HTTPResponse) -> JSONValue? {
        func strip(_ value: JSONValue) -> JSONValue {
            switch value {
            case .object(let members): .object(members.filter { $0.0 != "trace" }.map { ($0.0, strip($0.1)) })
            case .array(let elements): .array(elements.map(strip))
            default: value
            }
        }
        return (try? response.json()).map(strip)
    }

    @Test func magicKeys_keepTheVendorsKeyShapeAndAreListed() throws {
        let app = try makeApp()
        let openAI = try #require(app.magicCredentials[app.records.firstIndex { $0.id == "openai" }!]["Bearer sk-admin-understudy-magic-429"])
        #expect(openAI.status == 429)
        let listing = try app.handle(.make("/__admin/vendors")).json()
        let vendors = try #require(listing["vendors"]?.arrayValue)
        for vendor in vendors {
            let effects = vendor["magicCredentials"]?.arrayValue?.compactMap { $0["effect"]?.stringValue }
            #expect(effects == MagicCredential.kinds.map(\.0))
        }
    }

    @Test func magicKeys_workInsideASession() throws {
        let app = try makeApp()
        let response = app.handle(.make("/__session/m/v1/organization/users", authorization: "Bearer sk-admin-understudy-magic-503"))
        #expect(response.status.code == 503)
        #expect(response.logMetadata["session"] == "m")
    }
}
