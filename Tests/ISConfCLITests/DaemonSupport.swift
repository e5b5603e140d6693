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
    init(
        _ arguments: [String], environment: [String: String] = [:], directory: String? = nil, keeping: AnyObject? = nil,
        executable: URL = CLI.binary
    ) throws {
        self.keeping = keeping
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID"] { env.removeValue(forKey: key) }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let err = Pipe()
        let out = Pipe()
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
    func waitFor(
        message: String, count: Int = 1, timeout: TimeInterval = 10,
        matching: ([String: Any]) -> Bool = { _ in true }
    ) -> [String: Any]? {
        store.wait(timeout: timeout) {
            let found = store.errLines.compactMap(Self.parse).filter { $0["message"] as? String == message && matching($0) }
            return found.count >= count ? found[count - 1] : nil
        }
    }

    /// Waits for a line with `message` (that satisfies `matching`) logged after the `count`-th line with
    /// `earlier`: what the daemon did next. Returns it, or nil after `timeout` seconds.
    @discardableResult
    func waitFor(
        message: String, after earlier: String, count: Int = 1, timeout: TimeInterval = 10,
        matching: ([String: Any]) -> Bool = { _ in true }
    ) -> [String: Any]? {
        store.wait(timeout: timeout) {
            let records = store.errLines.compactMap(Self.parse)
            let earlierIndices = records.indices.filter { records[$0]["message"] as? String == earlier }
            guard earlierIndices.count >= count else { return nil }
            return records[(earlierIndices[count - 1] + 1)...].first { $0["message"] as? String == message && matching($0) }
        }
    }

    /// How many standard-error lines there are so far: a mark for `waitFor(message:afterLine:)`.
    var lineCount: Int { lines.count }

    /// Waits for a line with `message` (that satisfies `matching`) among the standard-error lines after
    /// the first `mark`. Returns it, or nil after `timeout` seconds.
    @discardableResult
    func waitFor(
        message: String, afterLine mark: Int, timeout: TimeInterval = 10,
        matching: ([String: Any]) -> Bool = { _ in true }
    ) -> [String: Any]? {
        store.wait(timeout: timeout) {
            store.errLines.dropFirst(mark).lazy.compactMap(Self.parse).first { $0["message"] as? String == message && matching($0) }
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
