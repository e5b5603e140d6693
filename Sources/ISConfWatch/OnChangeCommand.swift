import ISConfCore

#if canImport(Glibc)
    import Glibc
#endif

/// The `--on-change` command: words split like a shell does for quotes and backslashes, but with no
/// expansion, globbing or redirection, unless the operator asks for `/bin/sh -c`.
public struct OnChangeCommand: Sendable, Equatable {
    public let arguments: [String]

    public init(_ commandLine: String, shell: Bool) throws(InputError) {
        if shell {
            arguments = ["/bin/sh", "-c", commandLine]
            return
        }
        arguments = try Self.split(commandLine)
        if arguments.isEmpty { throw InputError(path: "--on-change", .invalidArgument, "the command is empty") }
    }

    static func split(_ line: String) throws(InputError) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in line {
            if escaped {
                // Inside double quotes a backslash escapes only what is special there, as in sh.
                if quote == "\"", !"$`\"\\\n".contains(character) { word.append("\\") }
                word.append(character)
                escaped = false
                continue
            }
            switch (quote, character) {
            case (nil, "\\"), ("\"", "\\"):
                escaped = true
                inWord = true
            case (nil, "'"), (nil, "\""):
                quote = character
                inWord = true
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case (nil, _) where character == " " || character == "\t" || character == "\n":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            default:
                word.append(character)
                inWord = true
            }
        }
        if quote != nil || escaped {
            throw InputError(path: "--on-change", .invalidArgument, "unterminated quote or trailing backslash in \"\(line)\"")
        }
        if inWord { words.append(word) }
        return words
    }

    /// Fails when the program cannot be found or run, so a typo stops the daemon at start rather
    /// than at the first correction.
    public func checkRunnable(path searchPath: String?) throws(InputError) {
        let program = arguments[0]
        let candidates =
            program.contains("/")
            ? [program]
            : (searchPath ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map { ($0.isEmpty ? "." : String($0)) + "/" + program }
        var status = stat()
        for candidate in candidates
        where access(candidate, X_OK) == 0 && stat(candidate, &status) == 0
            && status.st_mode & S_IFMT != S_IFDIR
        {
            return
        }
        throw InputError(
            path: "--on-change", .invalidArgument,
            program.contains("/")
                ? "\(program) is not an executable file"
                : "\(program) is not an executable on PATH")
    }

    /// Starts the command with `extra` added to the environment; returns its pid.
    func spawn(environment extra: [String: String]) -> Result<pid_t, InputError> {
        var environment = ProcessEnvironment.current().merging(extra) { $1 }
        // systemd's messages are for the daemon, not for what it starts.
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"] { environment[key] = nil }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        // The daemon blocks the signals its loop reads, and NIO ignores SIGPIPE; the child starts
        // with neither, as it would from a shell.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = SignalDescriptor.set(of: [])
        var defaults = SignalDescriptor.set(of: SignalDescriptor.handled + [SIGPIPE])
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        // posix_spawnp searches PATH for a bare name, as a shell would.
        let status = posix_spawnp(&pid, arguments[0], nil, &attributes, argv, envp)
        if status != 0 {
            return .failure(InputError.system(status, path: arguments[0], doing: "cannot run --on-change command"))
        }
        return .success(pid)
    }

    /// Waits for the child; the exit code, or 128 + the signal that ended it.
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
