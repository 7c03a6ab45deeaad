import Understudy

/// libFuzzer entry for the JSON parser: both parses must end in a value or an error, never a
/// crash; a strictly parsed value must also parse leniently to the same value, and its compact
/// form must parse back to itself (round trip).
@_cdecl("LLVMFuzzerTestOneInput")
public func jsonFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let lenient = try? JSONValue.parse(bytes)
    guard let strict = try? JSONValue.parseStrictly(bytes) else { return 0 }
    guard let lenient, lenient == strict else { fatalError("strict and lenient parses disagree") }
    guard let again = try? JSONValue.parseStrictly(strict.compactBytes), again == strict else {
        fatalError("compact form does not round-trip: \(String(decoding: strict.compactBytes, as: UTF8.self))")
    }
    return 0
}

// SwiftPM links an executable target's entry point as `JSONFuzz_main`, which shadows libFuzzer's
// `main`; hand control to libFuzzer's driver from there.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32

@_cdecl("JSONFuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runFuzzerDriver(&count, &arguments, { jsonFuzz($0, $1) })
}
