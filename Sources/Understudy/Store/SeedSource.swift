#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a vendor's seed text comes from: the embedded defaults or `<directory>/<vendor>.json`.
enum SeedSource {
    static func text(for vendor: String, directory: String?) throws(SeedError) -> (text: String, file: String) {
        guard let directory else {
            guard let text = EmbeddedData.seed(vendor) else {
                throw SeedError(file: "Seeds/\(vendor).json", path: "$", problem: "no embedded seed for this vendor")
            }
            return (text, "Seeds/\(vendor).json (embedded)")
        }
        let file = directory.hasSuffix("/") ? "\(directory)\(vendor).json" : "\(directory)/\(vendor).json"
        do {
            return (try TextFile.read(file, maxBytes: TextFile.maxSeedBytes), file)
        } catch {
            throw SeedError(file: file, path: "$", problem: error.message)
        }
    }
}

/// Reads a whole file with POSIX calls (no Foundation, which would cost start-up time). Only
/// regular files up to a stated size are read: a symlink to `/dev/zero` would grow memory without
/// end and a FIFO would block start-up before the ready line, so both are refused with one line.
public enum TextFile {
    public struct ReadError: Error, Sendable {
        public var message: String
    }

    /// Largest seed file `serve --seeds` reads: 512 MiB (a million exported PandaDoc users is ~470 MB).
    public static let maxSeedBytes = 512 * 1024 * 1024
    /// Largest fault file `serve --faults` reads: 1 MiB.
    public static let maxFaultBytes = 1024 * 1024

    public static func read(_ path: String, maxBytes: Int = maxSeedBytes) throws(ReadError) -> String {
        // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(message: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ReadError(message: "cannot stat: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ReadError(message: "not a regular file (\(kind(info.st_mode))); give a path to a JSON file")
        }
        guard Int(info.st_size) <= maxBytes else {
            throw ReadError(message: "\(info.st_size) bytes is over the \(describe(maxBytes)) limit")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var count = 0
        while count < bytes.count {
            let read = bytes.withUnsafeMutableBytes { Glibc_or_Darwin_read(fd, $0.baseAddress! + count, $0.count - count) }
            if read == 0 { break }
            if read < 0 {
                if errno == EINTR { continue }
                throw ReadError(message: "read failed: \(String(cString: strerror(errno)))")
            }
            count += read
        }
        // The file grew while being read: refuse rather than read an unbounded amount.
        guard count <= Int(info.st_size) else { throw ReadError(message: "changed while being read") }
        bytes.removeSubrange(count...)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw ReadError(message: "not valid UTF-8") }
        return text
    }

    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a directory"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }

    static func describe(_ bytes: Int) -> String {
        bytes % (1024 * 1024) == 0 ? "\(bytes / (1024 * 1024)) MiB" : "\(bytes) bytes"
    }
}

#if canImport(Glibc)
private let Glibc_or_Darwin_read = Glibc.read
#else
private let Glibc_or_Darwin_read = Darwin.read
#endif
