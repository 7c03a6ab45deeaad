import HTTPCore

/// A running understudy: the five vendor APIs plus the admin API on one port.
///
/// ```swift
/// let server = try UnderstudyServer.start()          // 127.0.0.1, free port, embedded seeds
/// let url = server.baseURL(for: "openai")            // http://127.0.0.1:PORT/openai
/// // … point a client at it …
/// await server.stop()
/// ```
public final class UnderstudyServer: Sendable {
    private let http: HTTPServer
    /// The app behind the socket; also usable without one (`handle(_:)`).
    public let app: UnderstudyApp
    /// The bound port.
    public let port: Int
    public let host: String

    private init(http: HTTPServer, app: UnderstudyApp, port: Int, host: String) {
        self.http = http
        self.app = app
        self.port = port
        self.host = host
    }

    /// Loads seeds, binds and starts serving. Returns once the port accepts connections.
    public static func start(_ configuration: Configuration = Configuration()) throws -> UnderstudyServer {
        let app = try UnderstudyApp(configuration: configuration)
        let userCallback = configuration.onResponse
        let http = HTTPServer(
            configuration: .init(
                host: configuration.host, port: configuration.port, limits: configuration.limits,
                logger: configuration.logger,
                onResponse: { exchange in
                    // The caller's callback borrows the exchange; the journal then keeps it without a copy.
                    userCallback?(exchange)
                    app.recordInJournal(consume exchange)
                },
                acceptsHTTP2: configuration.acceptsHTTP2
            ),
            handler: app
        )
        let port = try http.start()
        return UnderstudyServer(http: http, app: app, port: port, host: configuration.host)
    }

    /// `http://HOST:PORT`, with IPv6 hosts in brackets.
    public var baseURL: String {
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "http://\(shownHost):\(port)"
    }

    /// The base URL that reaches only `vendor`'s endpoints (`http://HOST:PORT/openai`).
    public func baseURL(for vendor: String) -> String { "\(baseURL)/\(vendor)" }

    /// Graceful shutdown; returns when every connection is closed.
    public func stop() async { await http.stop() }

    /// Waits until the server stops.
    public func waitUntilStopped() async { await http.waitUntilStopped() }
}
