public import HTTPCore

/// OpenPhone's error envelopes: v1 `{message, code, status, docs, title, errors?}`, the live v1 401
/// `{"error":{message, key, trace}}`, the 2026-03-30 `{title, message, docs, trace, errors?}`, and
/// Express's HTML 404 for paths the API does not serve.
extension OpenPhone {
    /// The generation whose envelope an error is rendered in.
    enum Wire: Sendable {
        case v1
        case dated
    }

    public func errorResponse(status: HTTPStatus, request: VendorRequest) -> HTTPResponse {
        // Per the users-resource note: an unmatched route (or method) is Express's bare HTML 404.
        guard request.operation != nil else { return Self.expressNotFound(method: request.http.method, path: request.vendorPath) }
        let failure: Failure = switch status.code {
        // An injected 401 looks like a revoked key.
        case 401: .invalidKey
        case 403: .forbidden
        default: .status(status)
        }
        return failure.response(Self.wire(of: request), request: request)
    }

    /// The 429 in the route's envelope, with the rate-limit headers counting truthfully (`r=0`).
    public func throttledResponse(_ status: RateLimitStatus, request: VendorRequest) -> HTTPResponse {
        var response = Failure.status(.tooManyRequests).response(Self.wire(of: request), request: request)
        for field in rateLimitHeaders(status) { response.headers.add(name: field.name, value: field.value) }
        return response
    }

    /// IETF draft headers seen live on 200 and 401: `ratelimit: "per-second"; r=9; t=1` and
    /// `ratelimit-policy: "per-second"; q=10; w=1` (users-resource note, Common).
    public func rateLimitHeaders(_ status: RateLimitStatus) -> HTTPHeaders {
        let window = status.windowMilliseconds > 0 ? status.windowMilliseconds : 1000
        let name = switch window {
        case 1000: "per-second"
        case 60_000: "per-minute"
        case 3_600_000: "per-hour"
        default: "default"
        }
        let seconds = { (milliseconds: Int) in max(1, (milliseconds + 999) / 1000) }
        return HTTPHeaders([
            ("ratelimit", #""\#(name)"; r=\#(status.remaining); t=\#(seconds(status.resetMilliseconds))"#),
            ("ratelimit-policy", #""\#(name)"; q=\#(status.limit); w=\#(seconds(window))"#),
        ])
    }

    /// finalhandler's 404 page: `Cannot <METHOD> <path>` in a minimal HTML document, with its headers.
    static func expressNotFound(method: String, path: String) -> HTTPResponse {
        var escaped = ""
        for character in "Cannot \(method) \(path)" {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        let body = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>\(escaped)</pre>\n</body>\n</html>\n"
        return HTTPResponse(
            status: .notFound, contentType: "text/html; charset=utf-8",
            headers: ["Content-Security-Policy": "default-src 'none'", "X-Content-Type-Options": "nosniff"],
            body: Array(body.utf8)
        )
    }

    /// A decimal trace id like the docs' `6897907457496870895`, derived from the request so identical
    /// requests get identical bodies.
    static func trace(for request: VendorRequest) -> String {
        let material = request.http.method + " " + request.http.target + "\n" + (request.http.headers["Authorization"] ?? "")
        return String(SipHash.hash(Array(material.utf8)) >> 1)
    }

    /// One entry of `errors[]`: `{path, message, value?, schema: {type}}` (docs' 400 schema).
    struct FieldError: Sendable {
        var path: String
        var message: String
        /// The offending value as JSON bytes; `nil` omits the key (a missing parameter has no value).
        var value: [UInt8]?
        var type: String

        /// `[{...}]`, the one-element `errors` array.
        var json: [UInt8] {
            var writer = JSONWriter()
            writer.raw("[")
            writer.object { entry in
                entry.string("path", path)
                entry.string("message", message)
                if let value { entry.raw("value", value) }
                entry.object("schema") { schema in schema.string("type", type) }
            }
            writer.raw("]")
            return writer.bytes
        }
    }

    /// Everything that can go wrong; each renders in the envelope of the route's generation.
    enum Failure: Error {
        case missingKey
        case invalidKey
        case forbidden
        case validation(FieldError)
        case invalidPageToken
        case invalidCursor
        case userNotFound
        case status(HTTPStatus)

        static let v1Docs = "https://openphone.com/docs"
        /// The 2026-03-30 errors page example.
        static let datedDocs = "https://quo.com/docs"
        /// Live probes: no Authorization header.
        static let missingKeyMessage = "Missing authorization header"
        /// Live probes: a key that is not valid.
        static let invalidKeyMessage = "Unauthorized"
        static let unauthorizedKey = "Unauthorized"
        static let forbiddenMessage = "You do not have permission to access this resource"
        static let validationMessage = "Validation failed for 1 field."
        static let invalidPageTokenMessage = "Invalid pageToken"
        static let invalidCursorMessage = "Invalid cursor"
        static let userNotFoundMessage = "User not found"
        static let notFoundMessage = "Not Found"
        /// The response-codes page: 429 "Too Many Requests — Rate limit exceeded" (vendor-notes/openphone.md §1).
        static let rateLimitMessage = "Rate limit exceeded"
        /// Patterned on the captured webhooks 500 "An unknown error occurred while fetching webhooks" (note §1).
        static let serverErrorMessage = "An unknown error occurred while fetching users"

        func response(_ wire: Wire, request: VendorRequest) -> HTTPResponse {
            let (status, message, error): (HTTPStatus, String, FieldError?) = switch self {
            case .missingKey: (.unauthorized, Self.missingKeyMessage, nil)
            case .invalidKey: (.unauthorized, Self.invalidKeyMessage, nil)
            case .forbidden: (.forbidden, Self.forbiddenMessage, nil)
            case .validation(let error): (.badRequest, Self.validationMessage, error)
            case .invalidPageToken: (.badRequest, Self.invalidPageTokenMessage, nil)
            case .invalidCursor: (.badRequest, Self.invalidCursorMessage, nil)
            case .userNotFound: (.notFound, Self.userNotFoundMessage, nil)
            case .status(let status): (status, Self.message(for: status), nil)
            }
            switch wire {
            case .v1 where status.code == 401: return Self.v1Unauthorized(message, trace: OpenPhone.trace(for: request))
            case .v1: return Self.v1Envelope(status, message, error: error)
            case .dated: return Self.datedEnvelope(status, message, error: error, trace: OpenPhone.trace(for: request))
            }
        }

        static func message(for status: HTTPStatus) -> String {
            switch status.code {
            case 404: notFoundMessage
            case 429: rateLimitMessage
            case 500: serverErrorMessage
            default: title(for: status)
            }
        }

        /// Node's `http.STATUS_CODES` text where it differs from ours (Express sets the title).
        static func title(for status: HTTPStatus) -> String {
            status.code == 422 ? "Unprocessable Entity" : status.reasonPhrase
        }

        /// `code` is resource `11` (users) · variant · status; the docs give 500 variant `01` and title `Unknown`.
        static func v1Envelope(_ status: HTTPStatus, _ message: String, error: FieldError?) -> HTTPResponse {
            let isUnknown = status.code == 500
            var writer = JSONWriter()
            writer.object { root in
                root.string("message", message)
                root.string("code", (isUnknown ? "1101" : "1100") + String(status.code))
                root.int("status", status.code)
                root.string("docs", v1Docs)
                root.string("title", isUnknown ? "Unknown" : title(for: status))
                if let error { root.raw("errors", error.json) }
            }
            return .json(status, writer.bytes)
        }

        /// The live v1 401: `{"error":{"message","key":"Unauthorized","trace"}}` (live probes; current docs).
        static func v1Unauthorized(_ message: String, trace: String) -> HTTPResponse {
            var writer = JSONWriter()
            writer.object { root in
                root.object("error") { error in
                    error.string("message", message)
                    error.string("key", unauthorizedKey)
                    error.string("trace", trace)
                }
            }
            return .json(.unauthorized, writer.bytes)
        }

        /// The 2026-03-30 envelope, key order of the docs' example: title, message, docs, trace, errors.
        static func datedEnvelope(_ status: HTTPStatus, _ message: String, error: FieldError?, trace: String) -> HTTPResponse {
            var writer = JSONWriter()
            writer.object { root in
                root.string("title", title(for: status))
                root.string("message", message)
                root.string("docs", datedDocs)
                root.string("trace", trace)
                if let error { root.raw("errors", error.json) }
            }
            return .json(status, writer.bytes)
        }
    }
}
