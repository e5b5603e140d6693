import CLinux
import ISConfCore

#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM, SIGINT and SIGHUP as a descriptor the watch loop polls (signalfd(2)). Blocked before any
/// thread exists, so every thread inherits the mask: a signal is never lost, never kills the daemon
/// before it is ready, and costs no thread or timer of its own.
final class SignalDescriptor: @unchecked Sendable {
    static let handled = [SIGTERM, SIGINT, SIGHUP]
    let descriptor: Int32

    /// Call on the main thread before starting any other.
    init() throws(InputError) {
        var set = Self.set(of: Self.handled)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        descriptor = signalfd(-1, &set, Int32(SFD_NONBLOCK | SFD_CLOEXEC))
        if descriptor < 0 { throw InputError.system(errno, path: "signalfd") }
    }

    deinit { close(descriptor) }

    /// The signals received since the last call, in order.
    func read() -> [Int32] {
        var signals: [Int32] = []
        var info = signalfd_siginfo()
        while Glibc.read(descriptor, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size {
            signals.append(Int32(info.ssi_signo))
        }
        return signals
    }

    static func set(of signals: [Int32]) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        return set
    }

    static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }
}
