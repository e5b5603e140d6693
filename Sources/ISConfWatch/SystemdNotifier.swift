#if canImport(Glibc)
    import Glibc
#endif

/// sd_notify(3) without libsystemd: one datagram per message to $NOTIFY_SOCKET, nothing when unset.
struct SystemdNotifier: Sendable {
    private let socketPath: [UInt8]?
    /// Half of $WATCHDOG_USEC, in nanoseconds, when systemd asks for keep-alives from this process.
    let watchdogInterval: UInt64?

    init(environment: [String: String]) {
        if let path = environment["NOTIFY_SOCKET"], path.hasPrefix("/") || path.hasPrefix("@"), path.utf8.count < 108 {
            socketPath = Array(path.utf8)
        } else {
            socketPath = nil
        }
        let pidMatches = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        if pidMatches, let usec = environment["WATCHDOG_USEC"].flatMap(UInt64.init), usec > 0 {
            watchdogInterval = usec * 1000 / 2
        } else {
            watchdogInterval = nil
        }
    }

    var isActive: Bool { socketPath != nil }

    /// Sends `message` (newline-separated assignments); failures are ignored, as sd_notify's are.
    /// Never blocks: a receiver that stopped reading must not stall the watch loop.
    func notify(_ message: String) {
        guard let socketPath else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        if fd < 0 { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = socketPath
        if path.first == UInt8(ascii: "@") { path[0] = 0 }  // abstract namespace
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + (path.first == 0 ? 0 : 1))
        let bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT), socketAddress, length) }
            }
        }
    }

    static func monotonicMicroseconds() -> UInt64 { MonotonicClock.nanoseconds() / 1000 }
}
