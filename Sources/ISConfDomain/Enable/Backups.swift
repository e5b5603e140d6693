#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ISConfCore

/// Where `isconf enable` keeps the bytes it replaces: one folder per run, named by UTC time, the
/// newest `keep` runs kept. Folders are private (0700): the files hold passwords.
public struct Backups: Sendable {
    public static let keep = 10

    /// The folder holding the per-run folders.
    public let root: String
    /// This run's folder name, e.g. 20261129T003501.123Z.
    public let stamp: String

    public init(root: String, stamp: String = Backups.utcStamp()) {
        self.root = root
        self.stamp = stamp
    }

    /// Copies `source` to `<root>/<stamp>/<relativePath>` with the original's permissions.
    public func save(_ source: SourceFile, relativePath: String, mode: mode_t) throws(InputError) -> String {
        let destination = root + "/" + stamp + "/" + relativePath
        try Backups.makeDirectories(SafeWriter.parent(of: destination))
        try SafeWriter.writeNew(destination, source.bytes, mode: mode & 0o7777)
        SafeWriter.syncDirectory(SafeWriter.parent(of: destination))
        prune()
        return destination
    }

    /// Removes the oldest run folders beyond `keep`. Names sort by time.
    func prune() {
        guard let entries = FileSystem.entries(root) else { return }
        let runs = entries.filter { $0.first?.isNumber == true && FileSystem.isDirectory(root + "/" + $0) }
        for old in runs.dropLast(Backups.keep) { Backups.removeTree(root + "/" + old) }
    }

    public static func utcStamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2) + "."
            + pad(Int32(now.tv_nsec / 1_000_000), 3) + "Z"
    }

    static func makeDirectories(_ path: String) throws(InputError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o700) != 0, errno != EEXIST {
                throw InputError(path: current, message: "cannot create the backup folder: \(describeErrno(errno))")
            }
        }
    }

    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            for entry in FileSystem.entries(path) ?? [] { removeTree(path + "/" + entry) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
