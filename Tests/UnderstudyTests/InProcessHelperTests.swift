import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import Understudy

/// The README's Swift Testing example, run for real: a client (URLSession) against the helper API.
@Suite(.serialized)
struct InProcessHelperTests {
    @Test func helper_startsServesRecordsAndResets() async throws {
        let server = try UnderstudyServer.start()
        #expect(server.credentials(for: .openai).map(\.authorization) == ["Bearer sk-admin-understudy-test", "Bearer sk-proj-understudy-test"])
        let added = try server.addUser(#"{"name":"Grace Hopper","email":"grace@example.com"}"#, to: .openai)
        let faultID = server.armFault(FaultRule(vendor: "openai", effect: FaultEffect(status: 503), times: 1))

        var request = URLRequest(url: URL(string: server.baseURL(for: .openai) + "/v1/organization/users?emails[]=grace@example.com")!)
        request.setValue(server.adminAuthorization(for: .openai), forHTTPHeaderField: "Authorization")
        let (_, unavailable) = try await URLSession.shared.data(for: request)
        #expect((unavailable as? HTTPURLResponse)?.statusCode == 503)
        let (body, ok) = try await URLSession.shared.data(for: request)
        #expect((ok as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self).contains(added["id"]?.stringValue ?? "missing"))

        let recorded = server.requests(vendor: .openai)
        #expect(recorded.map(\.status) == [503, 200])
        #expect(recorded.first?.fault == "status=503")
        #expect(recorded.first?.headers.first { $0.name == "Authorization" }?.value.hasSuffix("test") == true)
        #expect(server.app.faults.firedCount(id: faultID) == 1)

        server.reset()
        #expect(server.requests().isEmpty)
        await server.stop()
    }
}
