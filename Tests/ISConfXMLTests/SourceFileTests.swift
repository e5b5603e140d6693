import Dispatch
import Foundation
import ISConfCore
import ISConfTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The error `SourceFile.read` throws (typed), or nil if it read the file.
private func readError(_ path: String, limit: Int = SourceFile.sizeLimit) -> InputError? {
    do {
        _ = try SourceFile.read(path: path, limit: limit)
        return nil
    } catch {
        let typed: InputError = error
        return typed
    }
}

@discardableResult
private func expectReadRefused(
    _ path: String, limit: Int = SourceFile.sizeLimit, _ kind: InputError.Kind,
    sourceLocation: SourceLocation = #_sourceLocation
) -> InputError? {
    guard let error = readError(path, limit: limit) else {
        Issue.record("\(path) was read, expected an InputError of kind \(kind)", sourceLocation: sourceLocation)
        return nil
    }
    #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    #expect(error.position == nil, sourceLocation: sourceLocation)
    expectWellFormedMessage(error, path: path, [], sourceLocation: sourceLocation)
    return error
}

@Suite("Reading files")
struct SourceFileTests {
    @Test("a regular file is read byte for byte, path kept as given")
    func readsExactBytes() throws {
        try withTemporaryDirectory { directory in
            let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + utf8("<r a='1'>\r\n\u{E9}</r>") + [0xE9, 0x00, 0xFF]
            try writeFile(directory + "/exact.xml", bytes)
            let asGiven = directory + "/./exact.xml"
            let source = try SourceFile.read(path: asGiven)
            #expect(source.bytes == bytes)
            #expect(source.path == asGiven)
            try writeFile(directory + "/empty.xml", [])
            #expect(try SourceFile.read(path: directory + "/empty.xml").bytes.isEmpty)
        }
    }

    @Test("a missing file")
    func missingFile() throws {
        try withTemporaryDirectory { directory in
            expectReadRefused(directory + "/nope.xml", .notFound)
            expectReadRefused(directory + "/nope/inner.xml", .notFound)
        }
    }

    @Test("a path through a regular file")
    func notADirectory() throws {
        try withTemporaryDirectory { directory in
            try writeFile(directory + "/file", utf8("<r/>"))
            expectReadRefused(directory + "/file/inner.xml", .ioFailure(errno: ENOTDIR))
        }
    }

    @Test("a directory")
    func directory() throws {
        try withTemporaryDirectory { directory in
            expectReadRefused(directory, .notARegularFile(isDirectory: true))
        }
    }

    @Test("a symlink loop")
    func symlinkLoop() throws {
        try withTemporaryDirectory { directory in
            #expect(symlink(directory + "/b", directory + "/a") == 0)
            #expect(symlink(directory + "/a", directory + "/b") == 0)
            expectReadRefused(directory + "/a", .ioFailure(errno: ELOOP))
        }
    }

    @Test("a symlink to a regular file is followed")
    func symlinkToFile() throws {
        try withTemporaryDirectory { directory in
            try writeFile(directory + "/target.xml", utf8("<r/>"))
            #expect(symlink(directory + "/target.xml", directory + "/link.xml") == 0)
            #expect(try SourceFile.read(path: directory + "/link.xml").bytes == utf8("<r/>"))
        }
    }

    /// Without O_NONBLOCK, opening a FIFO nobody writes to blocks forever. A watchdog opens the
    /// writing end after a few seconds so that a regression fails this test instead of hanging it.
    @Test("a FIFO is refused without blocking", .timeLimit(.minutes(1)))
    func fifo() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/pipe.xml"
            try #require(mkfifo(path, 0o600) == 0)
            let finished = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                if finished.wait(timeout: .now() + 3) == .timedOut {
                    let writer = open(path, O_WRONLY | O_NONBLOCK)
                    if writer >= 0 { close(writer) }
                }
            }
            let clock = ContinuousClock()
            let start = clock.now
            expectReadRefused(path, .notARegularFile(isDirectory: false))
            finished.signal()
            #expect(clock.now - start < .seconds(2), "opening the FIFO blocked")
        }
    }

    @Test("character devices are not regular files")
    func device() {
        expectReadRefused("/dev/null", .notARegularFile(isDirectory: false))
        expectReadRefused("/dev/zero", .notARegularFile(isDirectory: false))
    }

    @Test("a file over a small limit", arguments: [0, 10, 1024])
    func overSmallLimit(limit: Int) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/big.xml"
            try writeFile(path, [UInt8](repeating: 0x20, count: limit + 1))
            expectReadRefused(path, limit: limit, .tooLarge(size: limit + 1, limit: limit))
            try writeFile(path, [UInt8](repeating: 0x20, count: limit))
            #expect(try SourceFile.read(path: path, limit: limit).bytes.count == limit)
        }
    }

    @Test("the default limit: 8 MiB reads, 8 MiB + 1 byte is refused")
    func defaultLimit() throws {
        #expect(SourceFile.sizeLimit == 8 * 1024 * 1024)
        try withTemporaryDirectory { directory in
            let path = directory + "/huge.xml"
            var bytes = [UInt8](repeating: 0x20, count: 8 * 1024 * 1024 + 1)
            try writeFile(path, bytes)
            expectReadRefused(path, .tooLarge(size: 8 * 1024 * 1024 + 1, limit: SourceFile.sizeLimit))
            bytes.removeLast()
            try writeFile(path, bytes)
            #expect(try SourceFile.read(path: path).bytes.count == 8 * 1024 * 1024)
        }
    }

    /// /proc files claim size 0 in stat but have content: the reader must read on to end of file,
    /// and still stop at the limit.
    @Test(
        "files whose stat size is wrong are read to EOF, still under the limit",
        .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status"), "no /proc"))
    func procFiles() throws {
        let status = try SourceFile.read(path: "/proc/self/status")
        #expect(status.bytes.count > 100)
        #expect(String(decoding: status.bytes, as: UTF8.self).contains("Pid:"))
        expectReadRefused("/proc/self/status", limit: 50, .tooLarge(size: nil, limit: 50))
    }

    @Test("errno phrases")
    func errnoPhrases() {
        #expect(describeErrno(EACCES) == "permission denied")
        #expect(describeErrno(EPERM) == "permission denied")
        #expect(describeErrno(ENOENT) == "no such file or directory")
        #expect(describeErrno(ELOOP).contains("symlink"))
        #expect(describeErrno(EISDIR).contains("is a directory"))
        #expect(describeErrno(ENOTDIR).contains("not a directory"))
        #expect(describeErrno(ENAMETOOLONG) == "path too long")
        #expect(!describeErrno(EIO).isEmpty)
    }

    @Test("an over-long path")
    func longPath() {
        expectReadRefused("/" + String(repeating: "x", count: 5000), .ioFailure(errno: ENAMETOOLONG))
    }

    /// root ignores file modes, so as root the check drops this thread's file-system uid with
    /// setfsuid (per thread, restored before returning), which also drops CAP_DAC_OVERRIDE.
    @Test("an unreadable file")
    func unreadable() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/secret.xml"
            try writeFile(path, utf8("<r/>"))
            try #require(chmod(path, 0o000) == 0)
            guard geteuid() == 0 else {
                expectReadRefused(path, .permissionDenied)
                return
            }
            // Glibc's module map does not export <sys/fsuid.h>.
            guard let symbol = dlsym(nil, "setfsuid") else {
                try Test.cancel("running as root without setfsuid: chmod 000 cannot deny a read")
            }
            let setfsuid = unsafeBitCast(symbol, to: (@convention(c) (UInt32) -> Int32).self)
            let previous = setfsuid(65534)
            defer { _ = setfsuid(UInt32(bitPattern: previous)) }
            guard setfsuid(UInt32.max) == 65534 else {
                try Test.cancel("running as root and setfsuid is refused: chmod 000 cannot deny a read")
            }
            expectReadRefused(path, .permissionDenied)
        }
    }
}
