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

    static func vendorList(vendors: [any VendorAPI], seeds: [VendorSeed], stores: [UserStore]) -> HTTPResponse {
        var writer = JSONWriter(capacity: 2048)
        writer.object { object in
            object.value("vendors", .array(zip(vendors, zip(seeds, stores)).map { vendor, pair in
                let (seed, store) = pair
                var members: [(String, JSONValue)] = [
                    ("id", .string(vendor.id)),
                    ("name", .string(vendor.displayName)),
                    ("paths", .array([.string(vendor.listPath), .string("/\(vendor.id)\(vendor.listPath)")])),
                    ("auth", .string(vendor.authScheme)),
                    ("credentials", .array(seed.credentials.map {
                        .object([("authorization", .string($0.authorization)), ("role", .string($0.role.rawValue))])
                    })),
                ]
                if !seed.accounts.isEmpty { members.append(("accounts", .array(seed.accounts.map { .string($0) }))) }
                let count = store.snapshot().count
                members.append(("userCount", .number(Double(count), text: String(count))))
                return .object(members)
            }))
        }
        return HTTPResponse(status: .ok, body: writer.bytes)
    }
}
