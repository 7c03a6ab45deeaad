import CNghttp2

/// The server side of one HTTP/2 connection over libnghttp2 (framing, HPACK, flow control, stream
/// states), driven only by ``receive(_:)`` and ``drainOutput(into:maxBytes:)``: the bytes come from and
/// go to our own sockets on the server's event loop — nghttp2 does no I/O and starts no thread
/// (`nghttp2_session_mem_recv` / `nghttp2_session_mem_send`, nghttp2.org/documentation/programmers-guide.html).
///
/// Complete requests come out as ``Event``s carrying the same ``HTTPRequest`` HTTP/1 produces, so
/// the handler never knows which protocol carried a request; responses go in as ``HTTPResponse``s,
/// whole or in pieces (the deliberately broken deliveries). Confined to the event loop like
/// ``HTTPConnection``.
final class HTTP2Session {
    /// What a call to ``receive(_:)`` produced, in order.
    enum Event {
        /// A request arrived whole on this stream (END_STREAM seen).
        case request(streamID: Int32, HTTPRequest)
        /// A request was refused while arriving (header list or body over the limits); the head is
        /// in the request, its body empty. The stream still needs a response (the status says which).
        case rejected(streamID: Int32, HTTPRequest, HTTPStatus)
        /// The stream closed: answered, reset by the peer (`errorCode` ≠ 0), or cut by us.
        case streamClosed(streamID: Int32, errorCode: UInt32)
    }

    /// A connection error: nghttp2 refused the input (bad preface, flood, a callback failure…).
    /// Any GOAWAY it queued is still in ``drainOutput(into:maxBytes:)``; then close.
    struct ConnectionError: Error, Equatable {
        var code: Int32
        var message: String
    }

    /// The SETTINGS we advertise (RFC 9113 §6.5.2), explicitly rather than by nghttp2's defaults.
    static let maxConcurrentStreams: UInt32 = 100
    /// 1 MiB per stream and for the connection: a page of users never waits for a WINDOW_UPDATE.
    static let initialWindowSize: Int32 = 1 << 20

    private var session: OpaquePointer?
    private let limits: HTTPLimits
    private var dateCache = HTTPDateCache()
    private(set) var events: [Event] = []
    private var incoming: [Int32: IncomingRequest] = [:]
    private var outgoing: [Int32: OutgoingBody] = [:]
    /// Streams opened by the peer and not yet closed (for idle detection and graceful shutdown).
    private(set) var openStreams: Set<Int32> = []
    /// Request body bytes held for streams still arriving, across the connection.
    private var bufferedBodyBytes = 0
    /// A connection may hold this many request-body bytes at once, over all its streams: 100
    /// concurrent uploads cannot pin 100 × the body limit (an HTTP/1 connection holds one body).
    /// A stream that would cross it gets the 413 a too-large body gets.
    static let bufferedBodyBudgetMultiple = 4

    /// A request being received: pseudo-headers, fields, body, and whether it was already refused.
    private struct IncomingRequest {
        var method = ""
        var path = ""
        var headers = HTTPHeaders()
        var hasHost = false
        var headerListBytes = 0
        var body: [UInt8] = []
        var refusal: HTTPStatus?
        var isAnswered = false
    }

    /// A response body waiting for the peer's window: nghttp2 pulls from it through the data provider.
    private struct OutgoingBody {
        var bytes: [UInt8] = []
        var offset = 0
        /// No more bytes will come: END_STREAM after the last (or RST_STREAM, with `resetAtEnd`).
        var isComplete = false
        /// `truncate`: end with RST_STREAM instead of END_STREAM.
        var resetAtEnd = false
        /// nghttp2 was told the body is deferred (no bytes yet); it must be resumed when bytes come.
        var isDeferred = false
    }

    /// A session for a connection that opened with the HTTP/2 preface (prior knowledge, RFC 9113 §3.3).
    init(limits: HTTPLimits) {
        self.limits = limits
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        HTTP2Callbacks.install(on: callbacks)
        var options: OpaquePointer?
        nghttp2_option_new(&options)
        defer { nghttp2_option_del(options) }
        // Far below nghttp2's 64 KiB default: a peer cannot make us buffer many pseudo-empty frames.
        nghttp2_option_set_max_outbound_ack(options, 1000)
        nghttp2_session_server_new2(&session, callbacks, Unmanaged.passUnretained(self).toOpaque(), options)
        var settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                                   value: Self.maxConcurrentStreams),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                                   value: UInt32(Self.initialWindowSize)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                                   value: UInt32(clamping: limits.maxHeaderBytes)),
        ]
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
        nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Self.initialWindowSize)
    }

    /// A session for a connection upgraded from HTTP/1.1 (`Upgrade: h2c`, RFC 7540 §3.2): the
    /// client's `HTTP2-Settings` are applied and the upgrading request becomes stream 1, half-closed
    /// (remote), to be answered with ``respond(streamID:response:isHead:)``.
    /// - Returns: `nil` when the settings are not valid base64url SETTINGS (stay on HTTP/1.1 then).
    convenience init?(limits: HTTPLimits, upgradeSettings: String, isHead: Bool) {
        guard let payload = Base64URL.decode(upgradeSettings), payload.count % 6 == 0 else { return nil }
        self.init(limits: limits)
        let rv = payload.withUnsafeBufferPointer { bytes in
            nghttp2_session_upgrade2(session, bytes.baseAddress, bytes.count, isHead ? 1 : 0, nil)
        }
        guard rv == 0 else { return nil }
        openStreams.insert(1)
    }

    deinit { nghttp2_session_del(session) }

    // MARK: - Input

    /// Feeds bytes read from the socket; the requests they complete are appended to ``events``.
    func receive(_ bytes: UnsafeRawBufferPointer) throws(ConnectionError) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let rv = nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        if rv < 0 {
            throw ConnectionError(code: Int32(rv), message: String(cString: nghttp2_strerror(Int32(rv))))
        }
    }

    /// Hands over the events gathered so far.
    func takeEvents() -> [Event] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    /// Whether nghttp2 still wants to read or write: both false once the connection is over
    /// (GOAWAY exchanged and every stream closed, or a connection error).
    var isFinished: Bool { nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0 }
    var wantsWrite: Bool { nghttp2_session_want_write(session) != 0 }

    // MARK: - Output

    /// Appends the frames nghttp2 has ready (up to about `maxBytes`, so a fast producer meets the
    /// socket's back-pressure) to `buffer`.
    func drainOutput(into buffer: inout [UInt8], maxBytes: Int) {
        let limit = buffer.count + maxBytes
        while buffer.count < limit {
            var data: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &data)
            guard count > 0, let data else { break }
            buffer.append(contentsOf: UnsafeBufferPointer(start: data, count: count))
        }
    }

    /// A whole response: HEADERS, then the body as DATA within the peer's flow-control windows.
    func respond(streamID: Int32, response: HTTPResponse, isHead: Bool) {
        let hasBody = !isHead && !response.body.isEmpty
        sendHead(streamID: streamID, response: response, contentLength: response.body.count, bodyFollows: hasBody)
        if hasBody { appendBody(streamID: streamID, response.body, isComplete: true) }
    }

    /// Only the response head; the body follows with ``appendBody(streamID:_:isComplete:)`` (slow,
    /// truncated and streamed deliveries). A `nil` `contentLength` sends none (the body ends with
    /// END_STREAM). Without `bodyFollows`, the HEADERS frame ends the stream.
    func sendHead(streamID: Int32, response: HTTPResponse, contentLength: Int?, bodyFollows: Bool) {
        guard incoming[streamID].map({ !$0.isAnswered }) ?? openStreams.contains(streamID) else { return }
        incoming[streamID]?.isAnswered = true
        var fields = HTTP2HeaderBlock(status: response.status.code)
        fields.add(name: "date", value: dateCache.current())
        for field in response.headers where !HTTP2HeaderBlock.isConnectionSpecific(field.name) {
            fields.add(name: Array(field.name.lowercasedASCII().utf8), value: Array(field.value.utf8))
        }
        // RFC 9110 §8.6, as in HTTP/1: no Content-Length on 1xx and 204 responses.
        if let contentLength, response.status.code >= 200, response.status.code != 204 {
            fields.add(name: Array("content-length".utf8), value: Array(String(contentLength).utf8))
        }
        if bodyFollows { outgoing[streamID] = OutgoingBody() }
        fields.withNameValues { nva, count in
            if bodyFollows {
                var provider = nghttp2_data_provider()
                provider.read_callback = HTTP2Callbacks.readBody
                _ = nghttp2_submit_response(session, streamID, nva, count, &provider)
            } else {
                _ = nghttp2_submit_response(session, streamID, nva, count, nil)
            }
        }
    }

    /// More body for a stream whose head went out with `bodyFollows`. With `resetAtEnd`, the stream
    /// ends with RST_STREAM (INTERNAL_ERROR) after these bytes instead of END_STREAM (`truncate`).
    func appendBody(streamID: Int32, _ bytes: [UInt8], isComplete: Bool, resetAtEnd: Bool = false) {
        guard var body = outgoing[streamID] else { return }
        if body.offset == body.bytes.count {
            body.bytes = bytes
            body.offset = 0
        } else {
            body.bytes.append(contentsOf: bytes)
        }
        body.isComplete = isComplete
        body.resetAtEnd = resetAtEnd
        let wasDeferred = body.isDeferred
        body.isDeferred = false
        outgoing[streamID] = body
        if wasDeferred { nghttp2_session_resume_data(session, streamID) }
    }

    /// Unsent body bytes across all streams (a stream whose reader stopped holds them).
    var pendingBodyBytes: Int { outgoing.values.reduce(0) { $0 + $1.bytes.count - $1.offset } }

    /// Ends a stream with RST_STREAM (RFC 9113 §6.4); `code` is an HTTP/2 error code.
    func reset(streamID: Int32, code: UInt32 = NGHTTP2_INTERNAL_ERROR.rawValue) {
        incoming[streamID]?.isAnswered = true
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, code)
    }

    /// GOAWAY (RFC 9113 §6.8) naming the last stream we took: streams up to it still complete,
    /// later ones are refused, so a client retries them elsewhere. `code` NO_ERROR for shutdown.
    func goAway(code: UInt32 = NGHTTP2_NO_ERROR.rawValue) {
        let last = nghttp2_session_get_last_proc_stream_id(session)
        nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), last, code, nil, 0)
    }

    // MARK: - What nghttp2 reports (through HTTP2Callbacks, during receive and drainOutput)

    func beginHeaders(streamID: Int32) {
        incoming[streamID] = IncomingRequest()
        openStreams.insert(streamID)
    }

    func header(streamID: Int32, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        guard var request = incoming[streamID], request.refusal == nil else { return }
        // RFC 9113 §6.5.2: a field costs its name and value plus 32 octets; over our limits → 431.
        request.headerListBytes += name.count + value.count + 32
        if request.headerListBytes > limits.maxHeaderBytes || request.headers.count >= limits.maxHeaderCount {
            request.refusal = .requestHeaderFieldsTooLarge
            incoming[streamID] = request
            return
        }
        incoming[streamID] = nil  // unique ownership while mutating: no copy of the fields
        if name.first == UInt8(ascii: ":") {
            let text = String(decoding: value, as: UTF8.self)
            switch String(decoding: name, as: UTF8.self) {
            case ":method": request.method = text
            case ":path": request.path = text
            case ":authority":
                // HTTP/1's Host, for handlers and the hardening that read it (RFC 9113 §8.3.1).
                request.headers.add(name: "host", value: text)
                request.hasHost = true
            default: break  // :scheme
            }
        } else if name.elementsEqual("cookie".utf8), let earlier = request.headers["cookie"] {
            // RFC 9113 §8.2.3: crumbs sent as separate fields are one Cookie for an HTTP/1.1 reader.
            request.headers.replaceOrAdd(name: "cookie", value: earlier + "; " + String(decoding: value, as: UTF8.self))
        } else if !(request.hasHost && name.elementsEqual("host".utf8)) {
            request.headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
        incoming[streamID] = request
    }

    func bodyChunk(streamID: Int32, _ chunk: UnsafeBufferPointer<UInt8>) {
        guard var request = incoming[streamID], request.refusal == nil else { return }
        incoming[streamID] = nil
        let budget = limits.maxBodyBytes * Self.bufferedBodyBudgetMultiple
        if request.body.count + chunk.count > limits.maxBodyBytes || bufferedBodyBytes + chunk.count > budget {
            bufferedBodyBytes -= request.body.count
            // Answered now (RFC 9113 §8.1 allows a response before the request ends); the rest is dropped.
            request.refusal = .contentTooLarge
            request.body = []
            incoming[streamID] = request
            reject(streamID)
            return
        }
        request.body.append(contentsOf: chunk)
        bufferedBodyBytes += chunk.count
        incoming[streamID] = request
    }

    func requestEnded(streamID: Int32) {
        guard let request = incoming[streamID], !request.isAnswered else { return }
        if request.refusal != nil { reject(streamID); return }
        events.append(.request(streamID: streamID, makeRequest(request)))
        bufferedBodyBytes -= request.body.count
        incoming[streamID]?.body = []
    }

    private func reject(_ streamID: Int32) {
        guard let request = incoming[streamID], let status = request.refusal, !request.isAnswered else { return }
        var head = request
        head.body = []
        events.append(.rejected(streamID: streamID, makeRequest(head), status))
    }

    private func makeRequest(_ request: IncomingRequest) -> HTTPRequest {
        HTTPRequest(method: request.method, target: request.path, version: .http2, headers: request.headers, body: request.body)
    }

    func streamClosed(streamID: Int32, errorCode: UInt32) {
        if let request = incoming.removeValue(forKey: streamID) { bufferedBodyBytes -= request.body.count }
        outgoing[streamID] = nil
        if openStreams.remove(streamID) != nil {
            events.append(.streamClosed(streamID: streamID, errorCode: errorCode))
        }
    }

    func readBody(
        streamID: Int32, into buffer: UnsafeMutablePointer<UInt8>, length: Int, flags: UnsafeMutablePointer<UInt32>
    ) -> Int {
        guard var body = outgoing[streamID] else {
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            return 0
        }
        let count = min(length, body.bytes.count - body.offset)
        if count > 0 {
            body.bytes.withUnsafeBufferPointer { bytes in
                buffer.update(from: bytes.baseAddress! + body.offset, count: count)
            }
            body.offset += count
        }
        if body.offset == body.bytes.count {
            if body.isComplete {
                flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
                if body.resetAtEnd {
                    flags.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
                    nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID,
                                              NGHTTP2_INTERNAL_ERROR.rawValue)
                }
                outgoing[streamID] = nil
                return count
            }
            if count == 0 {
                body.isDeferred = true
                outgoing[streamID] = body
                return Int(NGHTTP2_ERR_DEFERRED.rawValue)
            }
        }
        outgoing[streamID] = body
        return count
    }
}

extension HTTPVersion {
    /// HTTP/2 (RFC 9113), for requests that arrived over an ``HTTP2Session``.
    public static let http2 = HTTPVersion(major: 2, minor: 0)
}
