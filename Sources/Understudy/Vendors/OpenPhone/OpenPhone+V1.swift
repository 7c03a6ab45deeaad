public import HTTPCore

/// OpenPhone v1: `GET /v1/users` and `GET /v1/users/{userId}` (vendor-docs/openphone-list-users.md).
extension OpenPhone {
    /// Scope of page tokens: vendor, account (the workspace is implied by the key), filter (none).
    static let tokenScope = "openphone||"
    static let maxResultsPath = "/query/maxResults"
    static let pageTokenPath = "/query/pageToken"

    /// `GET /v1/users` → `{data, totalItems, nextPageToken}`.
    public func listUsersV1(_ request: VendorRequest) -> HTTPResponse {
        do {
            return try pageV1(request)
        } catch {
            return error.response(.v1, request: request)
        }
    }

    /// `GET /v1/users/{userId}` → `{"data": user}`; unknown id → 404 code `1100404`.
    public func getUserV1(_ request: VendorRequest) -> HTTPResponse {
        do {
            try Self.authorize(request)
            return Self.single(try Self.readUser(request))
        } catch {
            return error.response(.v1, request: request)
        }
    }

    private func pageV1(_ request: VendorRequest) throws(Failure) -> HTTPResponse {
        // Authentication comes before query validation.
        try Self.authorize(request)
        // Per the users-resource note: the live API does not enforce `required: true`; default 10.
        let maxResults = try Self.readPageSize(request.http.queryValues("maxResults"), path: Self.maxResultsPath)
        let token = try Self.readToken(request.http.queryValues("pageToken"), path: Self.pageTokenPath)
        let users = request.users
        let start = try token.map { token throws(Failure) in users.firstIndex(after: try Self.decodePageToken(token)) } ?? 0
        let (indices, hasMore) = users.page(from: start, limit: maxResults)

        var writer = JSONWriter(capacity: 96 + indices.count * 256)
        writer.raw(#"{"data":["#)
        for (position, index) in indices.enumerated() {
            if position > 0 { writer.comma() }
            users.appendJSON(at: index, to: &writer)
        }
        writer.raw(#"],"totalItems":"#)
        writer.int(users.count)
        writer.raw(#","nextPageToken":"#)
        // The docs make `nextPageToken` required and nullable: `null` on the last page (v1.1.2 changelog).
        writer.optionalString(hasMore ? indices.last.map { Self.encodePageToken(sequence: users.sequence(at: $0)) } : nil)
        writer.raw("}")
        return .json(.ok, writer.bytes)
    }

    // MARK: - Page tokens

    /// base64url without padding, in the spirit of the opaque strings the vendor hands out.
    static func encodePageToken(sequence: UInt64) -> String {
        PageToken.text(sequence: sequence, scope: tokenScope, urlSafe: true)
    }

    /// The sequence of the last user the previous page returned. Re-encoding must give the input back,
    /// so padding, the `+/` alphabet and flipped unused trailing bits are rejected too.
    static func decodePageToken(_ token: String) throws(Failure) -> UInt64 {
        guard let sequence = PageToken.decode(base64: token, urlSafe: true, scope: tokenScope) else { throw .invalidPageToken }
        return sequence
    }
}
