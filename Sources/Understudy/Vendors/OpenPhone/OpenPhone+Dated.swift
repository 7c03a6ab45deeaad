public import HTTPCore

/// Quo 2026-03-30: `GET /users` and `GET /users/{userId}` with `Quo-Api-Version: 2026-03-30`
/// (vendor-notes/users-resource/openphone-quo.md, "2026-03-30").
extension OpenPhone {
    static let versionHeader = "Quo-Api-Version"
    static let versionHeaderPath = "/headers/quo-api-version"
    static let limitPath = "/query/limit"
    static let afterPath = "/query/after"

    /// `GET /users` → `{data, nextCursor}` (no `totalItems`).
    public func listUsersDated(_ request: VendorRequest) -> HTTPResponse {
        do {
            return try pageDated(request)
        } catch {
            return error.response(.dated, request: request)
        }
    }

    /// `GET /users/{userId}` → `{"data": user}`.
    public func getUserDated(_ request: VendorRequest) -> HTTPResponse {
        do {
            try Self.checkVersionHeader(request)
            try Self.authorize(request)
            return Self.single(try Self.readUser(request))
        } catch {
            return error.response(.dated, request: request)
        }
    }

    private func pageDated(_ request: VendorRequest) throws(Failure) -> HTTPResponse {
        try Self.checkVersionHeader(request)
        try Self.authorize(request)
        let limit = try Self.readPageSize(request.http.queryValues("limit"), path: Self.limitPath)
        let after = try Self.readToken(request.http.queryValues("after"), path: Self.afterPath)
        let users = request.users
        let start = try after.map { cursor throws(Failure) in users.firstIndex(after: try Self.decodeCursor(cursor, in: users)) } ?? 0
        let (indices, hasMore) = users.page(from: start, limit: limit)

        var writer = JSONWriter(capacity: 64 + indices.count * 256)
        writer.raw(#"{"data":["#)
        for (position, index) in indices.enumerated() {
            if position > 0 { writer.comma() }
            users.appendJSON(at: index, to: &writer)
        }
        writer.raw(#"],"nextCursor":"#)
        // Both keys are required; `null` means there are no more pages (docs).
        writer.optionalString(hasMore ? indices.last.map { Self.encodeCursor(lastID: users.id(at: $0)) } : nil)
        writer.raw("}")
        return .json(.ok, writer.bytes)
    }

    /// "there is no default": the header is required and must name a version that exists (quickstart).
    static func checkVersionHeader(_ request: VendorRequest) throws(Failure) {
        guard let raw = request.http.headers[versionHeader] else {
            throw .validation(FieldError(path: versionHeaderPath, message: "must have required property 'quo-api-version'", value: nil, type: "string"))
        }
        let value = VendorRequest.trimmingSpaces(raw)
        guard value == datedVersion else {
            throw .validation(FieldError(path: versionHeaderPath, message: "must be equal to one of the allowed values", value: quoted(value), type: "string"))
        }
    }

    // MARK: - Cursors

    /// The docs' format: base64url, no padding, of `{"lastId":"<id>"}` (`eyJsYXN0SWQiOiJVU211a09NaXBhIn0`).
    static func encodeCursor(lastID: String) -> String {
        var writer = JSONWriter(capacity: lastID.utf8.count + 16)
        writer.object { cursor in cursor.string("lastId", lastID) }
        return Base64.encode(writer.bytes, urlSafe: true)
    }

    /// The sequence of the user a cursor names, present or deleted. The cursor must re-encode to itself
    /// (no padding, no `+/`, no other JSON spelling) and name an id this store has held.
    static func decodeCursor(_ cursor: String, in users: UserStore.Snapshot) throws(Failure) -> UInt64 {
        guard let bytes = Base64.decode(cursor),
              let json = try? JSONValue.parse(bytes),
              case .object(let members) = json, members.count == 1, members[0].0 == "lastId",
              case .string(let lastID) = members[0].1,
              encodeCursor(lastID: lastID) == cursor,
              let sequence = users.sequence(ofID: lastID)
        else { throw .invalidCursor }
        return sequence
    }
}
