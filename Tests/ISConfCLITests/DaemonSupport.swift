import Foundation
import ISConfTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `isconf watch` running in the background: its standard error (and output) read line by line on
/// background threads, JSON log lines parsed on demand. Always `kill()` it in a `defer`, so that a
/// failed expectation never leaves a daemon behind (`deinit` kills it too).
final class Daemon: @unchecked Sendable {
    let process = Process()
    private let store = LineStore()
    private var readers: [Thread] = []
    /// Kept alive as long as the daemon (e.g. the Scratch folder it watches).
    private let keeping: AnyObject?

    /// Starts `isconf` with `arguments` (e.g. ["watch", "--log-format", "json", home]); `environment`
    /// is added to the test's own, minus any systemd variables the test runner itself may have.
    init(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil, keeping: AnyObject? = nil,
         executable: URL = CLI.binary) throws {
        self.keeping = keeping
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID"] { env.removeValue(forKey: key) }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let err = Pipe(), out = Pipe()
        process.standardError = err
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        readers = [store.reader(err.fileHandleForReading, stderr: true), store.reader(out.fileHandleForReading, stderr: false)]
        for thread in readers { thread.start() }
    }

    deinit { kill() }

    /// Lines read so far, shared with the reader threads.
    private final class LineStore: @unchecked Sendable {
        let condition = NSCondition()
        var errLines: [String] = []
        var outLines: [String] = []

        /// When set, readers stop at the first quiet moment after it: the daemon is gone, but something
        /// it started may still hold the pipe open, and must not keep a reader (and the test run) waiting.
        private var giveUpAt: Date?

        func giveUp(after seconds: TimeInterval) {
            condition.lock()
            if giveUpAt == nil { giveUpAt = Date(timeIntervalSinceNow: seconds) }
            condition.unlock()
        }

        private var givenUp: Bool {
            condition.lock()
            defer { condition.unlock() }
            return giveUpAt.map { Date() >= $0 } ?? false
        }

        func reader(_ handle: FileHandle, stderr: Bool) -> Thread {
            Thread { [self] in
                let fd = handle.fileDescriptor
                var pending: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 8192)
                while true {
                    var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    let ready = poll(&descriptor, 1, 100)
                    if ready < 0, errno == EINTR { continue }
                    if ready == 0 {
                        if givenUp { break }
                        continue
                    }
                    let count = read(fd, &buffer, buffer.count)
                    if count < 0, errno == EINTR { continue }
                    if count <= 0 { break }
                    pending += buffer[..<count]
                    var lines: [String] = []
                    while let newline = pending.firstIndex(of: 0x0A) {
                        lines.append(String(decoding: pending[..<newline], as: UTF8.self))
                        pending.removeSubrange(...newline)
                    }
                    if !lines.isEmpty { append(lines, stderr: stderr) }
                }
                if !pending.isEmpty { append([String(decoding: pending, as: UTF8.self)], stderr: stderr) }
                _ = handle  // keeps the descriptor open while it is read
            }
        }

        private func append(_ lines: [String], stderr: Bool) {
            condition.lock()
            if stderr { errLines += lines } else { outLines += lines }
            condition.broadcast()
            condition.unlock()
        }

        /// Runs `body` under the lock, again after every new line, until it returns non-nil or `timeout` passes.
        func wait<T>(timeout: TimeInterval, _ body: () -> T?) -> T? {
            let deadline = Date(timeIntervalSinceNow: timeout)
            condition.lock()
            defer { condition.unlock() }
            while true {
                if let found = body() { return found }
                if !condition.wait(until: deadline) { return body() }
            }
        }
    }

    /// Every standard-error line so far.
    var lines: [String] { store.wait(timeout: 0) { store.errLines } ?? [] }

    /// Every standard-output line so far (the --on-change command inherits it).
    var outputLines: [String] { store.wait(timeout: 0) { store.outLines } ?? [] }

    /// The standard-error lines that are JSON objects, parsed.
    var records: [[String: Any]] { lines.compactMap(Self.parse) }

    /// Parsed lines whose "message" is `message` (and that satisfy `matching`).
    func records(_ message: String, matching: ([String: Any]) -> Bool = { _ in true }) -> [[String: Any]] {
        records.filter { $0["message"] as? String == message && matching($0) }
    }

    func count(_ message: String, matching: ([String: Any]) -> Bool = { _ in true }) -> Int {
        records(message, matching: matching).count
    }

    static func parse(_ line: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }

    /// Waits until there are at least `count` lines with `message` (that satisfy `matching`); returns
    /// the `count`-th one, or nil after `timeout` seconds.
    @discardableResult
    func waitFor(message: String, count: Int = 1, timeout: TimeInterval = 10,
                 matching: ([String: Any]) -> Bool = { _ in true }) -> [String: Any]? {
        store.wait(timeout: timeout) {
            let found = store.errLines.compactMap(Self.parse).filter { $0["message"] as? String == message && matching($0) }
            return found.count >= count ? found[count - 1] : nil
        }
    }

    /// Waits for a standard-output line satisfying `predicate`.
    func waitForOutput(timeout: TimeInterval = 10, _ predicate: (String) -> Bool) -> String? {
        store.wait(timeout: timeout) { store.outLines.first(where: predicate) }
    }

    func signal(_ number: Int32) {
        if process.isRunning { Glibc.kill(process.processIdentifier, number) }
    }

    /// Waits for the process to end by itself; its exit status, or nil if it is still running after `timeout`.
    func waitForExit(timeout: TimeInterval = 10) -> Int32? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while process.isRunning {
            if Date() > deadline { return nil }
            usleep(10_000)
        }
        // Let the readers collect the last lines (a child of the daemon may still hold the pipes).
        store.giveUp(after: 2)
        for thread in readers { while !thread.isFinished && Date() < deadline { usleep(1000) } }
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    /// SIGTERM, then waits; the exit status (128 + signal when killed by one), nil if it did not stop.
    @discardableResult
    func stop(timeout: TimeInterval = 10) -> Int32? {
        signal(SIGTERM)
        return waitForExit(timeout: timeout)
    }

    /// SIGKILL if still running; for `defer`.
    func kill() {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            // Bounded: Foundation notices the exit only once every inheritor of its descriptors is gone.
            let deadline = Date(timeIntervalSinceNow: 5)
            while process.isRunning && Date() < deadline { usleep(10_000) }
        }
        store.giveUp(after: 1)
    }

    /// Everything the daemon said, for failure messages.
    var transcript: String { lines.joined(separator: "\n") }
}

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

/// The ways editors, sed -i, Ansible and people save a file, and what tests look at afterwards.
enum Save {
    /// open(O_WRONLY|O_TRUNC) and write: the same inode, which is returned.
    @discardableResult
    static func inPlace(_ path: String, _ bytes: [UInt8]) throws -> UInt64 {
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        try #require(fd >= 0, "open \(path): \(String(cString: strerror(errno)))")
        defer { close(fd) }
        try writeAll(fd, bytes)
        var info = stat()
        try #require(fstat(fd, &info) == 0)
        return UInt64(info.st_ino)
    }

    /// A temporary file in the same folder renamed over the file (vim, sed -i, Ansible).
    static func viaRename(_ path: String, _ bytes: [UInt8], temporary: String? = nil) throws {
        let temporary = temporary ?? (path + ".tmp-\(UInt32.random(in: 0...UInt32.max))")
        try create(temporary, bytes)
        try #require(rename(temporary, path) == 0, "rename: \(String(cString: strerror(errno)))")
    }

    /// unlink, then create again.
    static func deleteAndRecreate(_ path: String, _ bytes: [UInt8]) throws {
        try #require(unlink(path) == 0)
        try create(path, bytes)
    }

    /// A new file with exactly these bytes (mode 0644); fails if it exists.
    static func create(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        try #require(fd >= 0, "create \(path): \(String(cString: strerror(errno)))")
        defer { close(fd) }
        try writeAll(fd, bytes)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            try #require(count > 0, "write: \(String(cString: strerror(errno)))")
            offset += count
        }
    }

    static func bytes(_ path: String) -> [UInt8] {
        (try? Array(Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
    }

    static func text(_ path: String) -> String { String(decoding: bytes(path), as: UTF8.self) }

    static func inode(_ path: String) -> UInt64? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }
}

/// Polls `condition` every few milliseconds for up to `timeout` seconds.
func eventually(timeout: TimeInterval = 10, every interval: useconds_t = 5000, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while !condition() {
        if Date() > deadline { return false }
        usleep(interval)
    }
    return true
}
