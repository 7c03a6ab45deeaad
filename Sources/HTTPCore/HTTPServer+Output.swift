/// Writing a connection's queued output.
extension HTTPServer {
    /// Writes as much pending output as the kernel takes. On `EAGAIN` the state stops reading and
    /// watches for writability (so a client that never reads cannot grow our memory); once all is
    /// out, the state decides whether to close, resume reading or serve the requests behind.
    func flush(_ connection: HTTPConnection) {
        while connection.hasPendingOutput {
            let result = connection.output.withUnsafeBytes { bytes in
                Socket.write(connection.fd, UnsafeRawBufferPointer(rebasing: bytes[connection.outputOffset...]))
            }
            switch result {
            case .bytes(let count):
                connection.outputOffset += count
                connection.lastActivity = Self.now()
            case .wouldBlock:
                if let h2 = connection.http2 {
                    perform(h2.transport.writeWouldBlock(), on: connection)
                    return
                }
                perform(connection.state.writeWouldBlock(), on: connection)
                return
            case .closed, .failed:
                perform(connection.state.abort(), on: connection)
                return
            }
        }
        connection.discardSentOutput()
        if let h2 = connection.http2 {
            // Whether more frames follow, and whether to close, is the HTTP/2 pump's decision.
            perform(h2.transport.outputDrained(exchangeInFlight: true), on: connection)
            return
        }
        perform(connection.state.outputDrained(), on: connection)
    }
}
