#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A half-open range of byte offsets into a file's original bytes.
public struct ByteSpan: Hashable, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
        precondition(start <= end, "span start after end")
        self.start = start
        self.end = end
    }

    public var count: Int { end - start }
    public var range: Range<Int> { start..<end }
    public var description: String { "\(start)..<\(end)" }
}

/// A 1-based line and column (in characters, not bytes), as editors and SARIF count them.
public struct SourcePosition: Hashable, Sendable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// The bytes of one file exactly as read, with its path as the user named it.
public struct SourceFile: Sendable {
    /// The largest file isconf reads; the real files are a few KB.
    public static let sizeLimit = 8 * 1024 * 1024

    public let path: String
    public let bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    /// Reads a regular file without following it into FIFOs or devices, refusing files over the cap.
    /// With `head`, reads only the first `head` bytes (to recognise a file), whatever its size.
    public static func read(path: String, limit: Int = sizeLimit, head: Int? = nil) throws(InputError) -> SourceFile {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 { throw InputError.system(errno, path: path) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { throw InputError.system(errno, path: path) }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR { throw InputError(path: path, .notARegularFile(isDirectory: true)) }
        if kind != S_IFREG { throw InputError(path: path, .notARegularFile(isDirectory: false)) }
        if let head {
            var bytes = [UInt8](repeating: 0, count: head)
            let n = bytes.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress!, head) }
            if n < 0 { throw InputError.system(errno, path: path) }
            return SourceFile(path: path, bytes: Array(bytes.prefix(n)))
        }
        if Int(info.st_size) > limit {
            throw InputError(path: path, .tooLarge(size: Int(info.st_size), limit: limit))
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while true {
            if filled == bytes.count {
                // The file may have grown since fstat: read on until EOF, still under the cap.
                if bytes.count >= limit + 1 { break }
                bytes.append(contentsOf: repeatElement(0, count: min(65536, limit + 1 - bytes.count)))
            }
            let n = bytes.withUnsafeMutableBytes { buffer in
                systemRead(fd, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError.system(errno, path: path)
            }
            if n == 0 { break }
            filled += n
        }
        if filled > limit {
            throw InputError(path: path, .tooLarge(size: nil, limit: limit))
        }
        bytes.removeSubrange(filled...)
        return SourceFile(path: path, bytes: bytes)
    }
}

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.read(fd, buffer, count)
    #else
        Darwin.read(fd, buffer, count)
    #endif
}

/// "8 MiB", or bytes for limits under a MiB.
func describeSize(_ bytes: Int) -> String {
    bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? "\(bytes / (1024 * 1024)) MiB" : "\(bytes) bytes"
}

/// One clear phrase per errno a user is likely to meet.
public func describeErrno(_ code: Int32) -> String {
    switch code {
    case ENOENT: return "no such file or directory"
    case EACCES, EPERM: return "permission denied"
    case ELOOP: return "too many levels of symbolic links (a symlink loop?)"
    case EISDIR: return "is a directory, expected a file"
    case ENOTDIR: return "a component of the path is not a directory"
    case ENAMETOOLONG: return "path too long"
    case ENOSPC: return "no space left on device"
    case EROFS: return "read-only file system"
    default: return String(cString: strerror(code))
    }
}

/// Maps byte offsets to lines and columns. XML line ends are LF, CRLF and a lone CR.
public struct LineMap: Sendable {
    private let lineStarts: [Int]
    private let countsBytesAsCharacters: Bool

    /// - Parameter singleByteCharacters: true for ISO-8859-1, where every byte is a character.
    public init(bytes: [UInt8], singleByteCharacters: Bool) {
        var starts = [0]
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == 0x0A {
                starts.append(index + 1)
            } else if byte == 0x0D {
                if index + 1 < count, bytes[index + 1] == 0x0A { index += 1 }
                starts.append(index + 1)
            }
            index += 1
        }
        lineStarts = starts
        countsBytesAsCharacters = singleByteCharacters
    }

    public func position(of offset: Int, in bytes: [UInt8]) -> SourcePosition {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let lineStart = lineStarts[low]
        var column = 1
        var index = lineStart
        // A UTF-8 BOM at the start of the file is not a character of line 1.
        if low == 0, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF, offset >= 3 {
            index = 3
        }
        while index < offset {
            if countsBytesAsCharacters || bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return SourcePosition(line: low + 1, column: column)
    }
}

/// FNV-1a, 64 bits: a cheap, stable fingerprint of bytes (SARIF fingerprints, the daemon's memory of
/// what it wrote, crash file names). Not for anything an attacker chooses to collide.
public struct ContentHash: Hashable, Sendable, CustomStringConvertible {
    public let value: UInt64

    public init<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        value = hash
    }

    /// 16 lowercase hex digits.
    public var description: String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
