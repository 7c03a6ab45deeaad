import HTTPCore

/// Bodies of understudy's own (non-vendor) responses. They are marked `"understudy": true`
/// so nobody mistakes them for a vendor's envelope.
enum AdminResponses {
    static let health = HTTPResponse(status: .ok, text: #"{"status":"ok"}"#)

    static func error(_ status: HTTPStatus, _ message: String) -> HTTPResponse {
        var writer = JSONWriter()
        writer.object { object in
            object.string("error", status.reasonPhrase)
            object.string("message", message)
            object.bool("understudy", true)
        }
        return HTTPResponse(status: status, body: writer.bytes)
    }

    static func notFound(path: String, served: [String]) -> HTTPResponse {
        var writer = JSONWriter()
        writer.object { object in
            object.string("error", "Not Found")
            object.string("message", "understudy serves no route at \(path)")
            object.bool("understudy", true)
            object.value("paths", .array(served.map { .string($0) }))
        }
        return HTTPResponse(status: .notFound, body: writer.bytes)
    }

    /// `GET /__admin/vendors`: what a black-box test needs to drive every vendor: versions,
    /// operations, credentials, and the vendor's own seed values (workspaces, invites, roles, …).
    static func vendorList(_ session: Session) -> HTTPResponse {
        var writer = JSONWriter(capacity: 8192)
        writer.object { object in
            object.string("session", session.name)
            object.value("vendors", .array(session.records.map(vendorEntry)))
        }
        return HTTPResponse(status: .ok, body: writer.bytes)
    }

    /// Understudy's own answer when a session cannot be used.
    static func sessionRefusal(_ refusal: SessionBook.Refusal) -> HTTPResponse {
        switch refusal {
        case .invalidName: error(.badRequest, sessionRefusalMessage(refusal))
        case .capReached: error(.tooManyRequests, sessionRefusalMessage(refusal))
        case .unknown: error(.notFound, sessionRefusalMessage(refusal))
        }
    }

    static func sessionRefusalMessage(_ refusal: SessionBook.Refusal) -> String {
        switch refusal {
        case .invalidName(let name):
            "invalid session name '\(name)': use 1 to 64 letters, digits, '.', '_' or '-'"
        case .capReached(let cap):
            "at most \(cap) sessions may exist at once (serve --max-sessions); delete some with DELETE /__admin/sessions/{name} or wait for idle ones to expire"
        case .unknown(let name):
            "no session named '\(name)'"
        }
    }

    /// `POST /__admin/sessions`: the session's name and, per vendor, one credential per role.
    static func sessionCredentials(_ session: Session) -> JSONValue {
        .object([
            ("name", .string(session.name)),
            ("credentials", .object(session.records.map { record in
                (record.id, .array((session.credentials[record.id] ?? []).map {
                    .object([("authorization", .string($0.authorization)), ("role", .string($0.role.rawValue))])
                }))
            })),
        ])
    }

    private static func vendorEntry(_ record: VendorRecord) -> JSONValue {
        let vendor = record.api
        var paths: [String] = []
        for operation in record.operations where !paths.contains(operation.path) { paths.append(operation.path) }
        var members: [(String, JSONValue)] = [
            ("id", .string(vendor.id)),
            ("name", .string(vendor.displayName)),
            ("paths", .array(paths.flatMap { [JSONValue.string($0), .string("/\(vendor.id)\($0)")] })),
            ("auth", .string(vendor.authScheme)),
            ("versions", .array(vendor.versions.enumerated().map { position, version in
                .object([
                    ("id", .string(version.id)),
                    ("selector", .string(version.selector)),
                    ("default", .bool(position == 0)),
                    ("spec", .string("/__admin/specs/\(vendor.id)/\(version.id)")),
                ])
            })),
            ("operations", .array(record.operations.map { operation in
                .object([
                    ("name", .string(operation.name)),
                    ("method", .string(operation.method)),
                    ("path", .string(operation.path)),
                    ("version", .string(operation.version)),
                    ("writes", .bool(operation.writes)),
                ])
            })),
            ("credentials", .array(record.seed.credentials.map {
                .object([("authorization", .string($0.authorization)), ("role", .string($0.role.rawValue))])
            })),
        ]
        if !record.seed.accounts.isEmpty { members.append(("accounts", .array(record.seed.accounts.map { .string($0) }))) }
        // Derived from the seed, in the documented order (the app's lookup table is built the same way).
        members.append(("magicCredentials", .array(MagicCredential.all(for: record.seed).map(\.listing))))
        let users = record.store.snapshot()
        let count = users.count
        members.append(("userCount", .number(Double(count), text: String(count))))
        members += vendor.adminSummary(seed: record.seed, state: record.state, users: users)
        return .object(members)
    }
}
