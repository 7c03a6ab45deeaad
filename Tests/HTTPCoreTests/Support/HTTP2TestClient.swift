import CNghttp2

/// An HTTP/2 client over libnghttp2's client session, moved by hand: bytes in with ``receive(_:)``,
/// bytes out with ``takeOutput()``. Tests pair it with an `HTTP2Session` in memory or with a real
/// socket, and read back each stream's status, fields, body and how it ended.
final class HTTP2TestClient {
    struct Stream {
        var status: Int?
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        var isClosed = false
        var errorCode: UInt32 = 0
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.0 == name }?.1 }
    }

    private var session: OpaquePointer?
    private(set) var streams: [Int32: Stream] = [:]
    private(set) var goAwayReceived: (lastStreamID: Int32, errorCode: UInt32)?
    private(set) var settingsReceived: [(id: Int32, value: UInt32)] = []
    private var pendingBodies: [Int32: (bytes: [UInt8], offset: Int)] = [:]

    /// - Parameters:
    ///   - initialWindow: the client's SETTINGS_INITIAL_WINDOW_SIZE (tiny windows test flow control).
    ///   - automaticWindowUpdate: false to give window back only through ``consume(_:_:)``.
    ///   - upgradeSettings: for an h2c upgrade: the SETTINGS payload the client sent in `HTTP2-Settings`;
    ///     stream 1 is then the upgrading request, as after a 101.
    init(initialWindow: UInt32 = 65_535, automaticWindowUpdate: Bool = true, upgradeSettings: [UInt8]? = nil) {
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, userData in
            let client = clientOwner(userData)
            let id = frame!.pointee.hd.stream_id
            let name = String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self)
            let value = String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
            if name == ":status" { client.streams[id, default: Stream()].status = Int(value) }
            else { client.streams[id, default: Stream()].headers.append((name, value)) }
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, userData in
            clientOwner(userData).streams[streamID, default: Stream()].body.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, errorCode, userData in
            let client = clientOwner(userData)
            client.streams[streamID, default: Stream()].isClosed = true
            client.streams[streamID, default: Stream()].errorCode = errorCode
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
            let client = clientOwner(userData)
            let type = UInt32(frame!.pointee.hd.type)
            if type == NGHTTP2_GOAWAY.rawValue {
                client.goAwayReceived = (frame!.pointee.goaway.last_stream_id, frame!.pointee.goaway.error_code)
            } else if type == NGHTTP2_SETTINGS.rawValue, UInt32(frame!.pointee.hd.flags) & NGHTTP2_FLAG_ACK.rawValue == 0 {
                let settings = frame!.pointee.settings
                for index in 0..<settings.niv {
                    client.settingsReceived.append((settings.iv[index].settings_id, settings.iv[index].value))
                }
            }
            return 0
        }
        var options: OpaquePointer?
        nghttp2_option_new(&options)
        defer { nghttp2_option_del(options) }
        if !automaticWindowUpdate { nghttp2_option_set_no_auto_window_update(options, 1) }
        nghttp2_session_client_new2(&session, callbacks, Unmanaged.passUnretained(self).toOpaque(), options)
        if let upgradeSettings {
            _ = upgradeSettings.withUnsafeBufferPointer { nghttp2_session_upgrade2(session, $0.baseAddress, $0.count, 0, nil) }
            streams[1] = Stream()
        } else {
            var settings = [nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: initialWindow)]
            nghttp2_submit_settings(session, 0, &settings, 1)
        }
    }

    /// The SETTINGS payload (not base64url-encoded) for an `HTTP2-Settings` header.
    static func settingsPayload(initialWindow: UInt32 = 65_535) -> [UInt8] {
        var settings = [nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: initialWindow)]
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = nghttp2_pack_settings_payload(&buffer, buffer.count, &settings, settings.count)
        return Array(buffer.prefix(Int(count)))
    }

    deinit { nghttp2_session_del(session) }

    /// Opens a stream; returns its id.
    @discardableResult
    func request(_ method: String = "GET", _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) -> Int32 {
        var fields = [(":method", method), (":path", path), (":scheme", "http"), (":authority", "127.0.0.1")] + headers
        if let body { fields.append(("content-length", String(body.count))) }
        var bytes: [UInt8] = []
        var spans: [(Range<Int>, Range<Int>)] = []
        for (name, value) in fields {
            let nameStart = bytes.count
            bytes.append(contentsOf: name.utf8)
            let valueStart = bytes.count
            bytes.append(contentsOf: value.utf8)
            spans.append((nameStart..<valueStart, valueStart..<bytes.count))
        }
        let id: Int32 = bytes.withUnsafeMutableBufferPointer { all in
            let base = all.baseAddress!
            let nva = spans.map { nghttp2_nv(name: base + $0.0.lowerBound, value: base + $0.1.lowerBound,
                                              namelen: $0.0.count, valuelen: $0.1.count, flags: 0) }
            if body != nil {
                var provider = nghttp2_data_provider()
                provider.read_callback = { _, streamID, buffer, length, flags, _, userData in
                    let client = clientOwner(userData)
                    guard let pending = client.pendingBodies[streamID] else { flags!.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue; return 0 }
                    let count = min(length, pending.bytes.count - pending.offset)
                    pending.bytes.withUnsafeBufferPointer { buffer!.update(from: $0.baseAddress! + pending.offset, count: count) }
                    client.pendingBodies[streamID]!.offset += count
                    if pending.offset + count == pending.bytes.count { flags!.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue }
                    return count
                }
                return nghttp2_submit_request(session, nil, nva, nva.count, &provider, nil)
            }
            return nghttp2_submit_request(session, nil, nva, nva.count, nil, nil)
        }
        if let body { pendingBodies[id] = (body, 0) }
        streams[id] = Stream()
        return id
    }

    /// Cancels a stream (RST_STREAM CANCEL), as a client that gave up does.
    func reset(_ streamID: Int32) {
        nghttp2_submit_rst_stream(session, 0, streamID, NGHTTP2_CANCEL.rawValue)
    }

    /// Gives back `count` consumed bytes of window for a stream and the connection (manual flow control).
    func consume(_ streamID: Int32, _ count: Int) {
        nghttp2_session_consume(session, streamID, count)
    }

    /// Frames to send to the server.
    func takeOutput() -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            var data: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &data)
            guard count > 0, let data else { break }
            bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: count))
        }
        return bytes
    }

    /// Bytes from the server; returns nghttp2's result (negative on a connection error).
    @discardableResult
    func receive(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { nghttp2_session_mem_recv(session, $0.baseAddress, $0.count) }
    }
}

private func clientOwner(_ userData: UnsafeMutableRawPointer?) -> HTTP2TestClient {
    Unmanaged<HTTP2TestClient>.fromOpaque(userData!).takeUnretainedValue()
}
