import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Plain sockets for the metrics endpoint: an HTTP/1.0 GET, and a port held by the test.
enum HTTP {
    struct Response {
        var status: Int
        var headers: String
        var body: String
    }

    /// GET http://127.0.0.1:`port``path` with `Connection: close`; reads until the server closes.
    static func get(port: Int, path: String, timeout: TimeInterval = 5) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0, "connect 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            try #require(count > 0, "send: \(String(cString: strerror(errno)))")
            sent += count
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            try #require(count >= 0, "recv: \(String(cString: strerror(errno)))")
            if count == 0 { break }
            response += buffer[..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts[0]
        let statusLine = head.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
        let words = statusLine.split(separator: " ")
        let status = try #require(words.count >= 2 ? Int(words[1]) : nil, "no status line in \(text.debugDescription)")
        return Response(status: status, headers: head, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A TCP socket listening on 127.0.0.1 on a port the kernel picked; close it when done.
    static func holdPort() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0)
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0 && listen(fd, 4) == 0, "cannot hold a port: \(String(cString: strerror(errno)))")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        try #require(named == 0)
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// A Prometheus text exposition, read just enough for tests: `value("isconf_compliant", ["file": path])`.
struct Exposition {
    let text: String

    /// The samples named `name` whose labels include all of `labels`, as (labels text, value).
    func samples(_ name: String, _ labels: [String: String] = [:]) -> [(labels: String, value: Double)] {
        text.split(separator: "\n").compactMap { line -> (String, Double)? in
            if line.hasPrefix("#") { return nil }
            let line = String(line)
            guard line.hasPrefix(name), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
            let series = String(line[..<space])
            let rest = series.dropFirst(name.count)
            guard rest.isEmpty || rest.hasPrefix("{") else { return nil }
            for (key, wanted) in labels where !rest.contains("\(key)=\"\(wanted)\"") { return nil }
            return (String(rest), value)
        }
    }

    /// The value of the single sample matching, or nil when none or several match.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let found = samples(name, labels)
        return found.count == 1 ? found[0].value : nil
    }
}
