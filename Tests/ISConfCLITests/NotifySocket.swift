import Foundation
import ISConfTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A systemd-style notification socket: an AF_UNIX datagram socket bound in a scratch folder, whose
/// path is passed to the daemon as NOTIFY_SOCKET. Messages are kept in arrival order.
final class NotifySocket {
    let path: String
    private let fd: Int32
    private(set) var received: [String] = []

    init(in scratch: Scratch, name: String = "notify.sock") throws {
        path = scratch.path + "/" + name
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0, "socket: \(String(cString: strerror(errno)))")
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        try #require(bytes.count < MemoryLayout.size(ofValue: address.sun_path), "socket path too long: \(path)")
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(status == 0, "bind \(path): \(String(cString: strerror(errno)))")
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// The next datagram, or nil after `timeout` seconds.
    func receive(timeout: TimeInterval) -> String? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return nil }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(left * 1000) + 1)
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 { return nil }
            let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count < 0 { continue }
            let message = String(decoding: buffer[..<count], as: UTF8.self)
            received.append(message)
            return message
        }
    }

    /// Receives until a datagram satisfies `predicate` (returned), or nil after `timeout` seconds.
    func waitFor(timeout: TimeInterval = 10, _ predicate: (String) -> Bool) -> String? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while let message = receive(timeout: deadline.timeIntervalSinceNow) {
            if predicate(message) { return message }
        }
        return nil
    }

    /// The assignments of one message, e.g. ["READY": "1", "STATUS": "…"].
    static func fields(_ message: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in message.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return fields
    }
}
