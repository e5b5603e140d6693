#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file so that, whatever happens (a crash, SIGKILL, a full disk), it holds either its
/// old bytes or its new bytes, never a mixture, with its mode and owner kept.
public enum SafeWriter {
    public enum Outcome: Sendable, Equatable {
        case written
        /// The file no longer holds the bytes the change was made from: nothing was written.
        case changedConcurrently
    }

    /// Follows symlinks, so that a linked file is edited at its target and the link stays a link.
    public static func resolve(_ path: String) throws(InputError) -> String {
        guard let resolved = realpath(path, nil) else { throw InputError(path: path, message: describeErrno(errno)) }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Holds an exclusive lock on the file's directory while `body` runs, so that `isconf enable`
    /// and `isconf watch` never write the same folder at once. Gives up after `timeoutSeconds`.
    public static func withDirectoryLock<T>(for path: String, timeoutSeconds: Int = 10,
                                            _ body: () throws(InputError) -> T) throws(InputError) -> T {
        let directory = parent(of: path)
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw InputError(path: directory, message: describeErrno(errno)) }
        defer { close(fd) }
        var waited = 0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else { throw InputError(path: directory, message: "cannot lock: \(describeErrno(errno))") }
            guard waited < timeoutSeconds * 100 else {
                throw InputError(path: directory, message: "another isconf has held the lock on this folder for \(timeoutSeconds) s; try again")
            }
            usleep(10_000)
            waited += 1
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// Writes `bytes` over `path` (already resolved, and locked by the caller) if it still holds
    /// `expected`; `beforeWriting` runs once that is known (e.g. to take a backup).
    public static func replace(_ path: String, expecting expected: [UInt8], with bytes: [UInt8],
                               beforeWriting: (stat) throws(InputError) -> Void = { _ in }) throws(InputError) -> Outcome {
        var info = stat()
        guard stat(path, &info) == 0 else { throw InputError(path: path, message: describeErrno(errno)) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw InputError(path: path, message: "is not a regular file") }
        if info.st_mode & 0o222 == 0 || (geteuid() != 0 && access(path, W_OK) != 0) {
            throw InputError(path: path, message: "is read-only (mode \(String(info.st_mode & 0o7777, radix: 8))); not changed")
        }
        // Compare-and-swap: a change since the file was read means the edit was planned on stale bytes.
        guard try SourceFile.read(path: path).bytes == expected else { return .changedConcurrently }
        try beforeWriting(info)

        let directory = parent(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let temporary = directory + "/." + name + ".isconf-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(info.st_mode & 0o7777))
        if fd < 0 { throw InputError(path: path, message: "cannot create a temporary file beside it: \(describeErrno(errno))") }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(fd) }
            if fchmod(fd, mode_t(info.st_mode & 0o7777)) != 0 {
                throw InputError(path: path, message: "cannot set the mode of the new file: \(describeErrno(errno))")
            }
            if info.st_uid != geteuid() || info.st_gid != getegid() {
                if fchown(fd, info.st_uid, info.st_gid) != 0 {
                    throw InputError(path: path, message: "cannot keep its owner \(info.st_uid):\(info.st_gid): \(describeErrno(errno)); not changed")
                }
            }
            try writeAll(fd, bytes, path: path)
            if fsync(fd) != 0 { throw InputError(path: path, message: "cannot flush to disk: \(describeErrno(errno)); not changed") }
        }
        if rename(temporary, path) != 0 {
            throw InputError(path: path, message: "cannot replace it: \(describeErrno(errno)); not changed")
        }
        renamed = true
        syncDirectory(directory)
        return .written
    }

    /// Creates or overwrites a file that nothing else reads yet (a backup), durably.
    public static func writeNew(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(InputError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        if fd < 0 { throw InputError(path: path, message: describeErrno(errno)) }
        defer { close(fd) }
        fchmod(fd, mode)
        try writeAll(fd, bytes, path: path)
        if fsync(fd) != 0 { throw InputError(path: path, message: "cannot flush to disk: \(describeErrno(errno))") }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(InputError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in write(fd, buffer.baseAddress! + offset, buffer.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw InputError(path: path, message: "cannot write: \(describeErrno(errno)); not changed")
            }
            offset += written
        }
    }

    public static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
