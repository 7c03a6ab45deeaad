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
    static func vendorList(_ records: [VendorRecord]) -> HTTPResponse {
        var writer = JSONWriter(capacity: 8192)
        writer.object { object in
            object.value("vendors", .array(records.map(vendorEntry)))
        }
        return HTTPResponse(status: .ok, body: writer.bytes)
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
        let users = record.store.snapshot()
        let count = users.count
        members.append(("userCount", .number(Double(count), text: String(count))))
        members += vendor.adminSummary(seed: record.seed, state: record.state, users: users)
        return .object(members)
    }
}
