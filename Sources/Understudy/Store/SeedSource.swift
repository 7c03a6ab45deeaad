#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a vendor's seed text comes from: the embedded defaults or `<directory>/<vendor>.json`.
enum SeedSource {
    static func text(for vendor: String, directory: String?) throws(SeedError) -> (text: String, file: String) {
        guard let directory else {
            guard let text = EmbeddedData.seeds[vendor] else {
                throw SeedError(file: "Seeds/\(vendor).json", path: "$", problem: "no embedded seed for this vendor")
            }
            return (text, "Seeds/\(vendor).json (embedded)")
        }
        let file = directory.hasSuffix("/") ? "\(directory)\(vendor).json" : "\(directory)/\(vendor).json"
        do {
            return (try TextFile.read(file), file)
        } catch {
            throw SeedError(file: file, path: "$", problem: error.message)
        }
    }
}

/// Reads a whole file with POSIX calls (no Foundation, which would cost start-up time).
public enum TextFile {
    public struct ReadError: Error, Sendable {
        public var message: String
    }

    public static func read(_ path: String) throws(ReadError) -> String {
        guard let handle = fopen(path, "rb") else {
            throw ReadError(message: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = fread(&chunk, 1, chunk.count, handle)
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            if count < chunk.count {
                if ferror(handle) != 0 { throw ReadError(message: "read failed: \(String(cString: strerror(errno)))") }
                break
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw ReadError(message: "not valid UTF-8") }
        return text
    }
}
