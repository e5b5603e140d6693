import ArgumentParser
import ISConfCommandLine
import ISConfCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `isconf watch ARGS…` runs the daemon, which is the executable `isconf-watch`: keeping it out of
/// this binary keeps the server libraries it links out of every start of `isconf`.
///
/// `ISConf.main()` hands `watch` and everything after it to `WatchLauncher` before parsing, so that
/// `isconf watch --help` shows the daemon's own options; this command is what `isconf --help` and
/// `isconf help watch` describe.
struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Keep mutual SSL enabled: watch the files and correct drift within milliseconds.",
        discussion: """
            Runs isconf-watch (the daemon, installed beside isconf) with the same arguments; \
            `isconf watch --help` lists its options.
            """
    )

    @Argument(parsing: .captureForPassthrough, help: "isconf-watch's arguments.")
    var arguments: [String] = []

    func run() throws {
        WatchLauncher.execute(arguments)
    }
}

enum WatchLauncher {
    static let executableName = "isconf-watch"

    /// Replaces this process with isconf-watch (same PID, so systemd and signals see the daemon);
    /// returns only by exiting with status 2 when it cannot be found or run.
    static func execute(_ arguments: [String]) -> Never {
        let beside = besideThisExecutable()
        guard let path = beside.flatMap(executable) ?? onPath() else {
            let whereLooked = beside.map { "beside \(SafeWriter.parent(of: $0)) nor on PATH" } ?? "on PATH"
            fail("`isconf watch` runs \(executableName), which is not \(whereLooked); install it with isconf (make install puts both in PREFIX/bin)")
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        fail("cannot run \(path): \(String(cString: strerror(errno)))")
    }

    private static func fail(_ message: String) -> Never {
        Terminal.write("isconf: error: \(message)\n", to: 2)
        exit(2)
    }

    /// `isconf-watch` in the folder of the running executable (symlinks resolved, as /proc gives it).
    private static func besideThisExecutable() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let path = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return SafeWriter.parent(of: path) + "/" + executableName
    }

    private static func onPath() -> String? {
        guard let path = getenv("PATH") else { return nil }
        for directory in String(cString: path).split(separator: ":", omittingEmptySubsequences: true) {
            if let found = executable(directory + "/" + executableName) { return found }
        }
        return nil
    }

    private static func executable(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(path, X_OK) == 0 else { return nil }
        return path
    }
}
