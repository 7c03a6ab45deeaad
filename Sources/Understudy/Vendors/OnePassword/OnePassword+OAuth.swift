public import HTTPCore

/// OAuth 2.0 client credentials (RFC 6749 §4.4) and revocation (RFC 7009), per
/// vendor-notes/users-resource/1password.md: `client_secret_basic` only, form bodies, opaque bearer tokens.
/// The order of checks follows Go's common OAuth servers (ory/fosite): unreadable or empty form →
/// invalid_request; missing grant_type → invalid_request; client authentication → invalid_client; grant type →
/// unsupported_grant_type; scope → invalid_scope.
extension OnePassword {
    static let oauthOperations: Set<String> = ["RequestAccessToken", "RevokeAccessToken"]

    /// `POST /v1beta1/users/oauth2/token` and `POST /v1/oauth/token`.
    public func requestAccessToken(_ request: VendorRequest) -> HTTPResponse {
        do throws(OAuthFailure) {
            let form = try Self.form(request.http)
            guard let grantType = form.first("grant_type"), !grantType.isEmpty else {
                throw OAuthFailure.invalidRequest(OAuthFailure.missingGrantType)
            }
            let client = try authenticateClient(request)
            guard grantType == "client_credentials" else { throw OAuthFailure.unsupportedGrantType }
            // Docs: "If included, the scope value must be openid; if omitted … always openid".
            if let scope = form.first("scope"), !scope.split(separator: " ").allSatisfy({ $0 == "openid" }) {
                throw OAuthFailure.invalidScope
            }
            let state = request.state(as: OnePasswordState.self)
            let token = state.issue(clientID: client.id, permissions: client.permissions)
            var writer = JSONWriter(capacity: 128)
            writer.object { root in
                root.string("access_token", token)
                root.string("token_type", "Bearer")
                root.int("expires_in", max(0, state.tokenTTL))
                // [infer] RFC 6749 §5.1 allows echoing the scope; the docs say it is always openid.
                root.string("scope", "openid")
            }
            return .json(.ok, writer.bytes, headers: Self.noStoreHeaders)
        } catch {
            return error.response()
        }
    }

    /// `POST /v1beta1/users/oauth2/revoke` and ([infer]) `POST /v1/oauth/revoke`: 200 with no body, also for
    /// unknown, expired or another client's tokens (docs; RFC 7009 §2.2).
    public func revokeAccessToken(_ request: VendorRequest) -> HTTPResponse {
        do throws(OAuthFailure) {
            let form = try Self.form(request.http)
            let client = try authenticateClient(request)
            guard let token = form.first("token"), !token.isEmpty else {
                throw OAuthFailure.invalidRequest(OAuthFailure.missingToken)
            }
            request.state(as: OnePasswordState.self).revoke(token, clientID: client.id)
            return HTTPResponse(status: .ok, contentType: nil, headers: Self.noStoreHeaders)
        } catch {
            return error.response()
        }
    }

    /// The seeded client named by `Authorization: Basic`, or any client under `--any-key` (with every permission).
    private func authenticateClient(_ request: VendorRequest) throws(OAuthFailure) -> OAuthClient {
        guard let (id, secret) = Self.basicCredentials(request.http) else { throw .invalidClient }
        let state = request.state(as: OnePasswordState.self)
        if let client = state.client(id: id), client.secret == secret { return client }
        if request.acceptsAnyKey, !id.isEmpty {
            return OAuthClient(id: id, secret: secret, permissions: Permission.all)
        }
        throw .invalidClient
    }

    /// Go's `Request.BasicAuth` (scheme in any case, standard base64, split at the first colon), then the
    /// form-decoding of id and secret that RFC 6749 §2.3.1 asks for.
    static func basicCredentials(_ http: HTTPRequest) -> (String, String)? {
        guard let raw = http.headers["Authorization"] else { return nil }
        let header = VendorRequest.trimmingSpaces(raw)
        guard let space = header.utf8.firstIndex(of: UInt8(ascii: " ")), header[..<space].lowercased() == "basic",
              let bytes = Base64.decode(String(header[header.utf8.index(after: space)...])) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        return (formDecoded(text[..<colon]), formDecoded(text[text.utf8.index(after: colon)...]))
    }

    /// One form-encoded value decoded (`%XX`, `+` as a space), like Go's `url.QueryUnescape`.
    static func formDecoded(_ text: Substring) -> String {
        // A literal `&` would split the pair; escaped, it decodes back to itself.
        formPairs("v=" + text.replacing("&", with: "%26")).first("v") ?? ""
    }

    /// The form body as Go's `ParseForm` reads it: only for `application/x-www-form-urlencoded` (parameters such
    /// as Kibana's `; charset=UTF-8` allowed); anything else, or an empty form, is invalid_request.
    static func form(_ http: HTTPRequest) throws(OAuthFailure) -> [HTTPRequest.QueryItem] {
        let mediaType = (http.headers["Content-Type"] ?? "").split(separator: ";", maxSplits: 1).first
            .map { VendorRequest.trimmingSpaces(String($0)).lowercased() }
        guard mediaType == "application/x-www-form-urlencoded" else { throw .invalidRequest(OAuthFailure.emptyBody) }
        let pairs = formPairs(String(decoding: http.body, as: UTF8.self))
        guard !pairs.isEmpty else { throw .invalidRequest(OAuthFailure.emptyBody) }
        return pairs
    }

    /// `a=1&b=2` decoded as a form (`+` is a space), through the same decoder as query strings.
    static func formPairs(_ text: String) -> [HTTPRequest.QueryItem] {
        HTTPRequest(method: "POST", target: "/?" + text).query
    }
}

extension [HTTPRequest.QueryItem] {
    /// The first value of a form field, as Go's `url.Values.Get`.
    func first(_ name: String) -> String? { first { $0.name == name }?.value }
}
