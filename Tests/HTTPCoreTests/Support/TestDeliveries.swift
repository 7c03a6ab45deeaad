@testable import HTTPCore

extension HTTPResponse {
    /// The live tests' way to ask for a delivery by path: `/delay/N` answers after N ms, `/fault/X`
    /// uses delivery X (close, reset, truncate, hang, slow over 300 ms). Other paths are left as they are.
    mutating func applyTestDelivery(for path: String) {
        if path.hasPrefix("/delay/"), let milliseconds = Int(path.dropFirst(7)) {
            delayMilliseconds = milliseconds
        }
        switch path {
        case "/fault/close": delivery = .close
        case "/fault/reset": delivery = .reset
        case "/fault/truncate": delivery = .truncate
        case "/fault/hang": delivery = .hang
        case "/fault/slow": delivery = .slow(milliseconds: 300)
        default: break
        }
    }
}
