import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UnderstudyCommand {
    /// `understudy report --url URL --out report.html`: the dashboard as a static file for CI artifacts.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save the dashboard with the journal embedded, as one HTML file that opens from file:// (a CI artifact).",
            discussion: """
                Fetches GET /__admin/report from a running server: every session's journal (request and
                response headers and bodies, Authorization masked), the armed faults, the vendors.
                Example, in a CI job's failure step:
                  understudy report --url http://127.0.0.1:8080 --out report.html
                """
        )

        @Option(help: ArgumentHelp("Base URL of a running understudy (http only).", valueName: "url"))
        var url: String = "http://127.0.0.1:8080"

        @Option(help: ArgumentHelp("File to write.", valueName: "file"))
        var out: String = "report.html"

        @Option(help: ArgumentHelp("The server's --admin-token, if it has one.", valueName: "token"))
        var adminToken: String?

        func run() throws {
            let target = try HTTPTarget(url)
            let body = try HTTPGet.fetch(target, path: target.basePath + "/__admin/report", token: adminToken)
            guard let file = fopen(out, "wb") else {
                throw ReportFailure("cannot write --out \(out): \(String(cString: strerror(errno)))")
            }
            let written = body.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
            guard written == body.count else { throw ReportFailure("short write to \(out)") }
            print("wrote \(out) (\(body.count) bytes)")
        }
    }
}

/// `http://host[:port][/base]`, as `--url` takes it.
struct HTTPTarget {
    var host: String
    var port: Int
    var basePath: String

    init(_ url: String) throws {
        guard url.hasPrefix("http://") else { throw ValidationError("--url must start with http:// (got \(url))") }
        var rest = Substring(url.dropFirst("http://".count))
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        rest = rest[slash...]
        basePath = String(rest.hasSuffix("/") ? rest.dropLast() : rest)
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            port = after.hasPrefix(":") ? Int(after.dropFirst()) ?? -1 : 80
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = Int(authority[authority.index(after: colon)...]) ?? -1
        } else {
            host = String(authority)
            port = 80
        }
        guard !host.isEmpty, (1...65535).contains(port) else { throw ValidationError("--url has no usable host and port: \(url)") }
    }
}

/// One blocking `GET` with `Connection: close` (the CLI needs no HTTP client library for this).
enum HTTPGet {
    static func fetch(_ target: HTTPTarget, path: String, token: String?) throws -> [UInt8] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(target.host, String(target.port), &hints, &list) == 0, let first = list else {
            throw ReportFailure("cannot resolve \(target.host)")
        }
        defer { freeaddrinfo(list) }
        var fd: Int32 = -1
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0, connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { break }
            if fd >= 0 { close(fd); fd = -1 }
            candidate = info.pointee.ai_next
        }
        guard fd >= 0 else { throw ReportFailure("cannot connect to \(target.host):\(target.port): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var request = "GET \(path) HTTP/1.1\r\nHost: \(target.host):\(target.port)\r\nConnection: close\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw ReportFailure("cannot send the request: \(String(cString: strerror(errno)))") }
            sent += count
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += buffer[..<count]
        }
        return try body(of: response)
    }

    /// The body of a complete `Connection: close` response; anything but 200 is an error with its text.
    static func body(of response: [UInt8]) throws -> [UInt8] {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = (0...max(0, response.count - 4)).first(where: { response.count >= 4 && Array(response[$0..<$0 + 4]) == separator }) else {
            throw ReportFailure("the server sent no complete HTTP response")
        }
        let head = String(decoding: response[..<end], as: UTF8.self)
        let body = Array(response[(end + 4)...])
        let status = head.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
        guard status == 200 else {
            throw ReportFailure("GET /__admin/report answered \(status): \(String(decoding: body.prefix(400), as: UTF8.self))")
        }
        return body
    }
}

/// A failure after the arguments were fine (no usage text; exit status 1).
struct ReportFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
