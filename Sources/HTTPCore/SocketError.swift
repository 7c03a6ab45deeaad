#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed socket call, with the errno captured at the call site.
public enum SocketError: Error, Equatable, CustomStringConvertible {
    case failed(operation: String, errno: Int32, message: String)
    case invalidAddress(String)

    /// Builds `.failed` from the current `errno`; call it right after the failing syscall.
    static func makeFailed(_ operation: String) -> SocketError {
        let code = errno
        return .failed(operation: operation, errno: code, message: String(cString: strerror(code)))
    }

    /// Whether this is `EADDRINUSE` from `bind`.
    public var isAddressInUse: Bool {
        if case .failed(_, let code, _) = self { return code == EADDRINUSE }
        return false
    }

    /// Whether the process or system ran out of descriptors (`EMFILE`, `ENFILE`).
    public var isOutOfDescriptors: Bool {
        if case .failed(_, let code, _) = self { return code == EMFILE || code == ENFILE }
        return false
    }

    public var description: String {
        switch self {
        case let .failed(operation, code, message): "\(operation) failed: \(message) (errno \(code))"
        case let .invalidAddress(host): "cannot resolve host '\(host)'"
        }
    }
}
