import ArgumentParser
import ISConfCore
import ISConfDomain

#if canImport(Glibc)
    import ISConfCommandLine
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the store password comes from: at most one of the three options, else a prompt without
/// echo when standard input is a terminal. The value is never printed, nor put in an error.
struct StorePassword: ParsableArguments {
    // Unconditional: a password starting with "-" is still the password, not an unknown option
    // echoed back in the usage error.
    @Option(
        name: .customLong("storepass"), parsing: .unconditional,
        help: "The store password. Other users can see it in the process list: prefer --storepass-file or --storepass-env.")
    var password: String?

    @Option(name: .customLong("storepass-file"), help: "Read the store password from the first line of this file.")
    var file: String?

    @Option(name: .customLong("storepass-env"), help: "Read the store password from this environment variable.")
    var environment: String?

    func validate() throws {
        if [password != nil, file != nil, environment != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give the store password one way only: --storepass, --storepass-file or --storepass-env")
        }
    }

    /// The password, or nil when none was given and there is no terminal to ask on (or the answer was empty).
    func resolve() throws(InputError) -> Secret? {
        if let password { return Secret(password) }
        if let file { return try StorePassword.fromFile(file) }
        if let environment { return try StorePassword.fromEnvironment(environment, option: "--storepass-env") }
        return isatty(0) == 1 ? prompt() : nil
    }

    /// The first line of a file (without its CR LF or LF), as `--storepass-file` and `enable
    /// --truststore-pass-file` take it.
    static func fromFile(_ file: String) throws(InputError) -> Secret {
        let text = String(decoding: try SourceFile.read(path: file, limit: 64 * 1024).bytes, as: UTF8.self)
        var line = Substring(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        if line.hasSuffix("\r") { line = line.dropLast() }
        return Secret(String(line))
    }

    static func fromEnvironment(_ environment: String, option: String) throws(InputError) -> Secret {
        guard let value = getenv(environment) else {
            throw InputError(path: option, .invalidArgument, "the environment variable \(environment) is not set")
        }
        return Secret(String(cString: value))
    }

    /// The missing-password error of commands that cannot go on without one.
    static func required(_ path: String, because reason: String) -> InputError {
        InputError(path: path, .passwordNeeded, "needs the store password \(reason): give --storepass-file, --storepass-env or --storepass")
    }

    /// Asks on the terminal with echo off (termios), restoring it whatever happens. Echo goes off
    /// before the prompt appears, and without flushing, so an answer typed ahead is neither shown nor lost.
    private func prompt() -> Secret? {
        var saved = termios()
        let canHide = tcgetattr(0, &saved) == 0
        if canHide {
            var hidden = saved
            hidden.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSANOW, &hidden)
        }
        defer {
            if canHide { tcsetattr(0, TCSANOW, &saved) }
            Terminal.write("\n", to: 2)
        }
        Terminal.write("Store password: ", to: 2)
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(0, &byte, 1) == 1, byte != 0x0A {
            if byte != 0x0D { bytes.append(byte) }
        }
        return bytes.isEmpty ? nil : Secret(String(decoding: bytes, as: UTF8.self))
    }
}
