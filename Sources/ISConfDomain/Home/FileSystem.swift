#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few file-system questions discovery asks, answered with plain system calls to keep
/// Foundation out of start-up.
enum FileSystem {
    enum Kind { case directory, file, other }

    /// What is at a path (following symlinks), or the errno that stopped stat.
    static func kind(_ path: String) -> Result<Kind, Errno> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(Errno(code: errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .success(.directory)
        case S_IFREG: return .success(.file)
        default: return .success(.other)
        }
    }

    /// Whether the path itself is a symbolic link (not followed).
    static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    static func isDirectory(_ path: String) -> Bool {
        if case .success(.directory) = kind(path) { return true }
        return false
    }

    static func exists(_ path: String) -> Bool {
        if case .success = kind(path) { return true }
        return false
    }

    /// Entry names, sorted, without `.` and `..`; nil if the directory cannot be read.
    static func entries(_ path: String) -> [String]? {
        try? listing(path).get()
    }

    /// Entry names, sorted, without `.` and `..`, or the errno that stopped opendir.
    static func listing(_ path: String) -> Result<[String], Errno> {
        guard let directory = opendir(path) else { return .failure(Errno(code: errno)) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names.sorted())
    }

    static func join(_ base: String, _ relative: String) -> String {
        if base.isEmpty { return relative }
        return base.hasSuffix("/") ? base + relative : base + "/" + relative
    }
}

struct Errno: Error {
    var code: Int32
}
