import Foundation

/// A temporary folder of its own for one test, removed with everything in it when the test lets go
/// of it; tests that take permissions away inside it need not give them back.
public final class Scratch {
    public let url: URL
    public var path: String { url.path }

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("isconf-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        chmod(url.path, 0o700)
        try? FileManager.default.removeItem(at: url)
    }

    /// The path of `relative` inside the folder (nothing is created).
    public func file(_ relative: String) -> String { url.appendingPathComponent(relative).path }

    /// Writes `bytes` to `relative`, making its parent folders; returns the file's path.
    @discardableResult
    public func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file.path
    }

    @discardableResult
    public func write(_ relative: String, _ text: String) throws -> String { try write(relative, Array(text.utf8)) }
}

/// Runs `body` with the path of a fresh scratch folder, removed when `body` returns.
@discardableResult
public func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let scratch = try Scratch()
    return try withExtendedLifetime(scratch) { try body(scratch.path) }
}
