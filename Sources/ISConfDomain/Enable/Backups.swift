import ISConfCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where `isconf enable` keeps the bytes it replaces: one folder per run, named by UTC time, the
/// newest `keep` runs kept. Folders are private (0700): the files hold passwords.
///
/// The backup folder may hold other things (a user's own copies, the server's own `backup` runs
/// beside it): a run folder is isconf's only when its name has the exact stamp format and it holds
/// the marker file isconf writes first, and only such folders are ever pruned. Links are never
/// followed below the backup folder.
public struct Backups: Sendable {
    public static let keep = 10
    /// The file that makes a run folder isconf's.
    public static let marker = ".isconf-backup-run"

    /// The folder holding the per-run folders.
    public let root: String
    /// This run's folder name, e.g. 20261129T003501.123Z.
    public let stamp: String

    public init(root: String, stamp: String = Backups.utcStamp()) {
        self.root = root
        self.stamp = stamp
    }

    /// Copies `source` to `<root>/<stamp>/<relativePath>` with the original's permissions. On
    /// failure nothing this call made is left behind (no empty run folder).
    public func save(_ source: SourceFile, relativePath: String, mode: mode_t) throws(InputError) -> String {
        let run = root + "/" + stamp
        let destination = run + "/" + relativePath
        try Backups.makeDirectories(root, followingLinks: true)
        var made: [String] = []
        do throws(InputError) {
            if try Backups.makeRunFolder(run) { made.append(run) }
            made += try Backups.makeDirectories(SafeWriter.parent(of: destination), below: run)
            // A retry within this run (the file changed while it was being written) saves it again.
            var earlier = stat()
            if lstat(destination, &earlier) == 0, earlier.st_mode & S_IFMT == S_IFREG { unlink(destination) }
            try SafeWriter.writeNew(destination, source.bytes, mode: mode & 0o7777)
        } catch {
            for folder in made.reversed() { Backups.removeTree(folder) }
            throw error
        }
        SafeWriter.syncDirectory(SafeWriter.parent(of: destination))
        prune()
        return destination
    }

    /// Takes back a backup whose file was not replaced after all (the write failed), with the
    /// folders of the run it leaves empty.
    public static func discard(_ backup: String, stamp: String) {
        var run = SafeWriter.parent(of: backup)
        while !run.hasSuffix("/" + stamp) {
            let up = SafeWriter.parent(of: run)
            if up == run { return }
            run = up
        }
        unlink(backup)
        var folder = SafeWriter.parent(of: backup)
        while folder.hasPrefix(run + "/"), rmdir(folder) == 0 { folder = SafeWriter.parent(of: folder) }
        if folder == run, FileSystem.entries(run) == [Backups.marker] { Backups.removeTree(run) }
    }

    /// Removes the oldest of isconf's run folders beyond `keep`, never this run's (whatever the
    /// clock said when it was named), and never counting runs that hold no backup.
    func prune() {
        guard let entries = FileSystem.entries(root) else { return }
        let runs = entries.filter { $0 != stamp && Backups.isRunName($0) && Backups.isRunFolder(root + "/" + $0) }
        let (empty, kept) = runs.reduce(into: ([String](), [String]())) { split, name in
            if FileSystem.entries(root + "/" + name) == [Backups.marker] { split.0.append(name) } else { split.1.append(name) }
        }
        for old in empty + kept.dropLast(Backups.keep - 1) { Backups.removeTree(root + "/" + old) }
    }

    /// `YYYYMMDDTHHMMSS.mmmZ`, exactly as `utcStamp()` makes it.
    static func isRunName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 20, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "."), bytes[19] == UInt8(ascii: "Z") else {
            return false
        }
        return bytes.enumerated().allSatisfy { index, byte in [8, 15, 19].contains(index) || (0x30...0x39).contains(byte) }
    }

    /// A real folder (not a link to one) holding isconf's marker file.
    static func isRunFolder(_ path: String) -> Bool {
        var folder = stat()
        var marker = stat()
        return lstat(path, &folder) == 0 && folder.st_mode & S_IFMT == S_IFDIR
            && lstat(path + "/" + Backups.marker, &marker) == 0 && marker.st_mode & S_IFMT == S_IFREG
    }

    /// Makes this run's folder with its marker; true when this call made it. An existing folder
    /// must be this run's own (another file of the same run).
    private static func makeRunFolder(_ run: String) throws(InputError) -> Bool {
        if mkdir(run, 0o700) == 0 {
            do throws(InputError) {
                try SafeWriter.writeNew(run + "/" + marker, [], mode: 0o600)
            } catch {
                rmdir(run)
                throw error.within("cannot create the backup folder", path: run)
            }
            return true
        }
        guard errno == EEXIST, isRunFolder(run) else {
            throw errno == EEXIST
                ? InputError(path: run, .alreadyExists, "something that is not isconf's is already there", context: "cannot create the backup folder")
                : InputError.system(errno, path: run, doing: "cannot create the backup folder")
        }
        return false
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

    /// Makes the folders of `path` that are missing (0700); each one there already must be a folder
    /// (with `followingLinks`, a link to one counts, as for the backup folder the user names).
    static func makeDirectories(_ path: String, followingLinks: Bool) throws(InputError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            try makeDirectory(current, followingLinks: followingLinks)
        }
    }

    /// Makes the folders from `base` (which exists) down to `path`, following no link; returns
    /// those it made, outermost first.
    static func makeDirectories(_ path: String, below base: String) throws(InputError) -> [String] {
        guard path.hasPrefix(base + "/") else { return [] }
        var made: [String] = []
        var current = base
        for component in path.dropFirst(base.count + 1).split(separator: "/") {
            current += "/" + component
            do throws(InputError) {
                if try makeDirectory(current, followingLinks: false) { made.append(current) }
            } catch {
                for folder in made.reversed() { rmdir(folder) }
                throw error
            }
        }
        return made
    }

    /// True when this call made it.
    @discardableResult
    private static func makeDirectory(_ path: String, followingLinks: Bool) throws(InputError) -> Bool {
        if mkdir(path, 0o700) == 0 { return true }
        guard errno == EEXIST else { throw InputError.system(errno, path: path, doing: "cannot create the backup folder") }
        var info = stat()
        let found = followingLinks ? stat(path, &info) : lstat(path, &info)
        guard found == 0, info.st_mode & S_IFMT == S_IFDIR else {
            let what = found == 0 ? SafeWriter.describeKind(info) : "a broken link"
            throw InputError(path: path, .alreadyExists, "\(what) is in the way", context: "cannot create the backup folder")
        }
        return false
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
