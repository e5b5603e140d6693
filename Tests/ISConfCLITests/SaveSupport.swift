import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

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
