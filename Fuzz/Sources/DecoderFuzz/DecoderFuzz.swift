import HTTPCore

/// libFuzzer entry: the input is split into up to four reads (the first bytes choose where), fed
/// to one decoder as a connection would, and every complete request is decoded. Any input must
/// give requests, "need more" or a decoder error; a crash, an overflow or a hang is a bug. The
/// same bytes in one read must decode to the same requests (split invariance).
@_cdecl("LLVMFuzzerTestOneInput")
public func decoderFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count >= 2 else { return 0 }
    let payload = Array(bytes[2...])
    let first = payload.isEmpty ? 0 : Int(bytes[0]) % (payload.count + 1)
    let second = payload.isEmpty ? 0 : min(payload.count, first + Int(bytes[1]) * 4)
    let reads = [Array(payload[..<first]), Array(payload[first..<second]), Array(payload[second...])]
    var limits = HTTPLimits()
    limits.maxBodyBytes = 64 * 1024
    let split = decode(reads, limits: limits)
    let whole = decode([payload], limits: limits)
    if split.targets != whole.targets || split.bodies != whole.bodies || split.failed != whole.failed {
        fatalError("split changed the outcome: \(split) vs \(whole)")
    }
    return 0
}

struct Outcome: CustomStringConvertible {
    var targets: [String] = []
    var bodies: [[UInt8]] = []
    var failed: HTTPDecoder.Error?

    var description: String { "\(targets) \(bodies.map(\.count)) \(String(describing: failed))" }
}

func decode(_ reads: [[UInt8]], limits: HTTPLimits) -> Outcome {
    var decoder = HTTPDecoder(limits: limits)
    var buffer: [UInt8] = []
    var outcome = Outcome()
    for read in reads {
        buffer.append(contentsOf: read)
        while true {
            do {
                guard let (request, consumed) = try buffer.withUnsafeBytes({ try decoder.decode($0) }) else { break }
                precondition(consumed > 0 && consumed <= buffer.count, "consumed \(consumed) of \(buffer.count)")
                outcome.targets.append(request.method + " " + request.target)
                outcome.bodies.append(request.body)
                buffer.removeFirst(consumed)
            } catch {
                outcome.failed = error as? HTTPDecoder.Error
                return outcome
            }
        }
    }
    return outcome
}

// SwiftPM links an executable target's entry point as `DecoderFuzz_main`, which shadows libFuzzer's
// `main`; hand control to libFuzzer's driver from there.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32

@_cdecl("DecoderFuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runFuzzerDriver(&count, &arguments, { decoderFuzz($0, $1) })
}
