internal import CLinux

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
        guard let resolved = realpath(path, nil) else { throw InputError.system(errno, path: path) }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Holds an exclusive lock on the file's directory while `body` runs, so that `isconf enable`
    /// and `isconf watch` never write the same folder at once. Gives up after `timeoutSeconds`.
    public static func withDirectoryLock<T>(
        for path: String, timeoutSeconds: Int = 10,
        _ body: () throws(InputError) -> T
    ) throws(InputError) -> T {
        let directory = parent(of: path)
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw InputError.system(errno, path: directory) }
        defer { close(fd) }
        var waited = 0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else { throw InputError.system(errno, path: directory, doing: "cannot lock") }
            guard waited < timeoutSeconds * 100 else {
                throw InputError(path: directory, .changedMeanwhile, "another isconf has held the lock on this folder for \(timeoutSeconds) s; try again")
            }
            usleep(10_000)
            waited += 1
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// Refuses, before anything is written, a file that cannot or should not be replaced: not a
    /// regular file, read-only, or in a folder isconf may not write.
    @discardableResult
    public static func checkReplaceable(_ path: String) throws(InputError) -> stat {
        var info = stat()
        guard stat(path, &info) == 0 else { throw InputError.system(errno, path: path) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw InputError(path: path, .notARegularFile(isDirectory: false)) }
        if info.st_mode & 0o222 == 0 || (geteuid() != 0 && access(path, W_OK) != 0) {
            throw InputError(path: path, .readOnly(mode: UInt32(info.st_mode & 0o7777)), consequence: .notChanged)
        }
        if geteuid() != 0, access(parent(of: path), W_OK | X_OK) != 0 {
            throw InputError.system(errno, path: path, doing: "its folder is not writable", consequence: .notChanged)
        }
        return info
    }

    /// Writes `bytes` over `path` (already resolved, and locked by the caller) if it still holds
    /// `expected`; `beforeWriting` runs once that is known (e.g. to take a backup).
    ///
    /// Editors do not take isconf's lock, so a save can land at any moment. The new file therefore
    /// takes the old one's place by an atomic exchange of the two names, and what was swapped out is
    /// compared with `expected`: a save since the file was read is swapped back in, untouched, and
    /// the caller plans again (`.changedConcurrently`). Where the file system cannot exchange (NFS),
    /// the comparison is repeated just before a plain rename instead.
    public static func replace(
        _ path: String, expecting expected: [UInt8], with bytes: [UInt8],
        beforeWriting: (stat) throws(InputError) -> Void = { _ in }
    ) throws(InputError) -> Outcome {
        let info = try checkReplaceable(path)  // also the identity of the file compared below
        // Cheap early exit before any backup or write: the edit was planned on stale bytes.
        guard try SourceFile.read(path: path).bytes == expected else { return .changedConcurrently }
        try beforeWriting(info)

        let directory = parent(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        removeStaleTemporaries(of: name, in: directory)
        let temporary = directory + "/." + name + ".isconf-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let owner = info.st_uid != geteuid() || info.st_gid != getegid() ? (info.st_uid, info.st_gid) : nil
        // The new bytes are written to a file without a name; it gets its temporary name only once
        // complete and on disk, just before the rename, so a kill leaves at most a whole copy behind.
        let (fd, named) = try durableFile(
            in: directory, bytes, mode: mode_t(info.st_mode & 0o7777), owner: owner,
            fallbackName: temporary, path: path)
        defer { close(fd) }
        if !named { try giveName(fd, temporary, path: path) }
        if renameat2(AT_FDCWD, temporary, AT_FDCWD, path, UInt32(ISCONF_RENAME_EXCHANGE)) == 0 {
            // `temporary` now names what was at `path` a moment ago: if it is not the file compared,
            // unchanged, a save landed in between and goes straight back (a stat first, so the new
            // bytes are visible for microseconds at most; then the bytes, for a same-size save
            // within the same timestamp tick).
            var swapped = stat()
            let unchanged =
                lstat(temporary, &swapped) == 0 && swapped.st_ino == info.st_ino
                && swapped.st_dev == info.st_dev && swapped.st_size == info.st_size
                && swapped.st_mtim.tv_sec == info.st_mtim.tv_sec && swapped.st_mtim.tv_nsec == info.st_mtim.tv_nsec
            if !unchanged || (try? SourceFile.read(path: temporary).bytes) != expected {
                _ = renameat2(AT_FDCWD, temporary, AT_FDCWD, path, UInt32(ISCONF_RENAME_EXCHANGE))
                unlink(temporary)
                return .changedConcurrently
            }
            unlink(temporary)
        } else {
            let error = errno
            if error == ENOENT {  // deleted since it was read
                unlink(temporary)
                return .changedConcurrently
            }
            guard error == EINVAL || error == ENOSYS || error == EOPNOTSUPP else {
                unlink(temporary)
                throw InputError.system(error, path: path, doing: "cannot replace it", consequence: .notChanged)
            }
            // No exchange on this file system: compare once more, as late as possible, then rename over.
            guard (try? SourceFile.read(path: path).bytes) == expected else {
                unlink(temporary)
                return .changedConcurrently
            }
            if rename(temporary, path) != 0 {
                let renameError = errno
                unlink(temporary)
                throw InputError.system(renameError, path: path, doing: "cannot replace it", consequence: .notChanged)
            }
        }
        syncDirectory(directory)
        return .written
    }

    /// Creates a file that does not exist yet (a backup, a new store), durably and whole or not at
    /// all. Never replaces anything: whatever is at `path` (a file, a symlink, a FIFO, a device) is
    /// left alone and the write refused.
    public static func writeNew(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(InputError) {
        var existing = stat()
        if lstat(path, &existing) == 0 {
            throw InputError(path: path, .alreadyExists, "\(describeKind(existing)) is already there", consequence: .notWritten)
        }
        let temporary = path + ".isconf-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let (fd, named) = try durableFile(in: parent(of: path), bytes, mode: mode, owner: nil, fallbackName: temporary, path: path)
        defer { close(fd) }
        if named {
            // link(2), unlike rename(2), fails when the name has been taken meanwhile.
            let linked = link(temporary, path) == 0
            let error = errno
            unlink(temporary)
            if !linked { throw InputError.system(error, path: path, doing: "cannot write") }
        } else {
            try giveName(fd, path, path: path)
        }
    }

    /// Writes a file the user named for output (`truststore export --file`): a new regular file, or,
    /// with `replaceExisting`, in place of an existing regular file, atomically. Symlinks, FIFOs,
    /// devices, directories and sockets are refused, and so is the file `protected` (the store being
    /// read), by device and inode, whatever name or link reaches it.
    public static func writeOutput(
        _ path: String, _ bytes: [UInt8], mode: mode_t, replaceExisting: Bool,
        protected: (device: UInt64, inode: UInt64)?
    ) throws(InputError) {
        var existing = stat()
        guard lstat(path, &existing) == 0 else {
            guard errno == ENOENT else { throw InputError.system(errno, path: path) }
            return try writeNew(path, bytes, mode: mode)
        }
        if let protected, UInt64(existing.st_dev) == protected.device, UInt64(existing.st_ino) == protected.inode {
            throw InputError(path: path, .alreadyExists, "is the key store being read", consequence: .notWritten)
        }
        guard existing.st_mode & S_IFMT == S_IFREG else {
            throw InputError(path: path, .alreadyExists, "\(describeKind(existing)) is already there; not written (give a new file name)")
        }
        guard replaceExisting else {
            throw InputError(path: path, .alreadyExists, "already exists; not written (--force replaces it)")
        }
        let directory = parent(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let temporary = directory + "/." + name + ".isconf-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let (fd, named) = try durableFile(in: directory, bytes, mode: mode, owner: nil, fallbackName: temporary, path: path)
        defer { close(fd) }
        if !named { try giveName(fd, temporary, path: path) }
        // What the rename replaces must still be the regular file checked above, not a link or a
        // device swapped in meanwhile.
        var current = stat()
        guard lstat(path, &current) != 0 || (current.st_dev == existing.st_dev && current.st_ino == existing.st_ino) else {
            unlink(temporary)
            throw InputError(path: path, .changedMeanwhile, "changed while isconf was writing it", consequence: .notWritten)
        }
        if rename(temporary, path) != 0 {
            let error = errno
            unlink(temporary)
            throw InputError.system(error, path: path, doing: "cannot replace it", consequence: .notWritten)
        }
        syncDirectory(directory)
    }

    /// "a symbolic link", "a FIFO"…: what a path is, for refusals.
    public static func describeKind(_ info: stat) -> String {
        switch info.st_mode & S_IFMT {
        case S_IFREG: "a file"
        case S_IFDIR: "a directory"
        case S_IFLNK: "a symbolic link"
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "something"
        }
    }

    /// Temporaries left by a writer that was killed. Called under the folder lock, when no other
    /// writer can be between naming its temporary and renaming it.
    private static func removeStaleTemporaries(of name: String, in directory: String) {
        guard let directoryHandle = opendir(directory) else { return }
        defer { closedir(directoryHandle) }
        let prefix = "." + name + ".isconf-"
        while let entry = readdir(directoryHandle) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if entryName.hasPrefix(prefix), entryName.hasSuffix(".tmp") { unlink(directory + "/" + entryName) }
        }
    }

    /// An unnamed (O_TMPFILE) file in `directory` holding `bytes`, with the mode and owner given,
    /// flushed to disk; open, ready to be given a name. File systems without unnamed files (NFS)
    /// get a file named `fallbackName` instead (`named` is then true), removed again on failure.
    private static func durableFile(
        in directory: String, _ bytes: [UInt8], mode: mode_t, owner: (uid_t, gid_t)?,
        fallbackName: String, path: String
    ) throws(InputError) -> (fd: Int32, named: Bool) {
        let unnamedFile: Int32 = 0o20000000 | O_DIRECTORY  // O_TMPFILE, which Glibc's Swift overlay does not export
        var fd = open(directory, unnamedFile | O_WRONLY | O_CLOEXEC, mode)
        var named = false
        if fd < 0, errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL {
            fd = open(fallbackName, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            named = true
        }
        if fd < 0 {
            throw InputError.system(errno, path: path, doing: "cannot create the new file beside it", consequence: .notChanged)
        }
        do throws(InputError) {
            if fchmod(fd, mode) != 0 {
                throw InputError.system(errno, path: path, doing: "cannot set the mode of the new file", consequence: .notChanged)
            }
            if let owner, fchown(fd, owner.0, owner.1) != 0 {
                throw InputError.system(errno, path: path, doing: "cannot keep its owner \(owner.0):\(owner.1)", consequence: .notChanged)
            }
            try writeAll(fd, bytes, path: path)
            if fsync(fd) != 0 { throw InputError.system(errno, path: path, doing: "cannot flush to disk", consequence: .notChanged) }
        } catch {
            close(fd)
            if named { unlink(fallbackName) }
            throw error
        }
        return (fd, named)
    }

    /// Links an unnamed file into the file system under `name` (which must not exist).
    private static func giveName(_ fd: Int32, _ name: String, path: String) throws(InputError) {
        if linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, name, AT_SYMLINK_FOLLOW) != 0 {
            throw InputError.system(errno, path: path, doing: "cannot name the new file", consequence: .notChanged)
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(InputError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in write(fd, buffer.baseAddress! + offset, buffer.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw InputError.system(errno, path: path, doing: "cannot write", consequence: .notChanged)
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
