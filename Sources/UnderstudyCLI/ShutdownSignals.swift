#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// SIGINT and SIGTERM as a graceful stop, with no window in which a signal is lost or kills the
/// process: a plain signal handler (installed synchronously, before the server says it is ready)
/// writes a byte to a pipe, and a Dispatch read source on the pipe runs the stop. A signal source
/// alone would need `SIG_IGN` first and registers asynchronously, so a SIGTERM sent the moment the
/// ready file appeared was dropped and the server never stopped.
enum ShutdownSignals {
    /// The pipe's write end, for the handler (a C function pointer cannot capture it). Written once
    /// before the handlers are installed; only read afterwards.
    nonisolated(unsafe) private static var writeEnd: Int32 = -1

    /// Installs the handlers; `onSignal` runs on a queue of its own once per received signal (not the
    /// main queue: the `serve` fast path blocks the main thread while it waits for the server).
    static func install(_ onSignal: @escaping @Sendable () -> Void) -> any DispatchSourceRead {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { fatalError("understudy: cannot create the signal pipe (errno \(errno))") }
        for end in ends { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) }
        writeEnd = ends[1]
        let readEnd = ends[0]
        let source = DispatchSource.makeReadSource(fileDescriptor: readEnd, queue: DispatchQueue(label: "understudy.signals"))
        source.setEventHandler {
            var scratch = [UInt8](repeating: 0, count: 64)
            while read(readEnd, &scratch, scratch.count) > 0 {}
            onSignal()
        }
        source.resume()
        for number in [SIGINT, SIGTERM] {
            // Only write(2), which is async-signal-safe; a full pipe means a stop is already pending.
            signal(number) { _ in
                var byte: UInt8 = 1
                _ = write(ShutdownSignals.writeEnd, &byte, 1)
            }
        }
        // A parent may start the process with both signals blocked (Foundation's `Process` spawns from
        // a Dispatch thread, whose mask the child inherits). Dispatch's threads keep them blocked, so
        // the thread installing the handlers takes them: for the `serve` fast path that is the main
        // thread, which then only waits. (Without this, a server started by a test's `Process` ignored
        // SIGTERM; the async-main binary before it did not, by a route not traced here.)
        var wanted = sigset_t()
        sigemptyset(&wanted)
        sigaddset(&wanted, SIGINT)
        sigaddset(&wanted, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &wanted, nil)
        return source
    }
}
