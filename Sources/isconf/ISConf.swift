import ArgumentParser
import ISConfCommandLine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct ISConf: ParsableCommand {
    static let version = isconfVersion

    static let configuration = CommandConfiguration(
        commandName: "isconf",
        abstract: "Checks and enables mutual SSL in WSO2 Identity Server.",
        discussion: """
            Reads an IS_HOME's repository/conf/tomcat/catalina-server.xml and \
            repository/conf/security/authenticators.xml, its repository/conf/deployment.toml (IS 5.9+, from which \
            the server renders those two at every start) and the key stores its HTTPS connector names, or such \
            files given directly; lint also walks a folder that is not an IS_HOME (a config repository) for \
            IS_HOMEs and those files, deployment.toml or another *.toml with its tables. Exit codes: 0 ok, \
            1 findings at or above --fail-on, 2 an input could not be read or parsed, 64 usage error.
            """,
        version: version,
        subcommands: [Lint.self, Enable.self, Watch.self, Rules.self, TrustStore.self]
    )

    /// `watch` goes to isconf-watch before anything is parsed, options and `--help` included. The other
    /// subcommands are parsed as roots of their own: parsing from this root first tries the arguments
    /// against two pseudo-commands (for `--generate-completion-script`), which cost a third of a
    /// lint's start-up in reflection and protocol-conformance scans. The root still answers
    /// `--help`, `--version`, `help`, completion scripts and unknown subcommands.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let first = arguments.first else { return main(nil) }
        if first == "watch" { WatchLauncher.execute(Array(arguments.dropFirst())) }
        // A bare `isconf lint` goes through the root too: as a root, lint would answer it with its whole help.
        if arguments.count > 1, let command = configuration.subcommands.first(where: { $0.configuration.commandName == first }) {
            runAsRoot(command, named: first, arguments: Array(arguments.dropFirst()))
        }
        main(nil)
    }

    /// What `main` does for a command parsed as a root of its own, except that a usage error's "See
    /// '… --help'" line names it "isconf lint", not "lint": swift-argument-parser leaves the
    /// super-command's name out of that line.
    private static func runAsRoot(_ command: ParsableCommand.Type, named name: String, arguments: [String]) -> Never {
        do {
            var parsed = try command.parseAsRoot(arguments)
            try parsed.run()
            command.exit()
        } catch let status as ExitCode {
            // The command has said what it had to; only its status is left.
            terminate(status)
        } catch {
            let status = command.exitCode(for: error)
            let message = command.fullMessage(for: error).replacing("See '\(name) ", with: "See 'isconf \(name) ")
            if !message.isEmpty { Terminal.write(message + "\n", to: status.isSuccess ? 1 : 2) }
            terminate(status)
        }
    }

    private static func terminate(_ status: ExitCode) -> Never {
        #if canImport(Glibc)
            Glibc.exit(status.rawValue)
        #else
            Darwin.exit(status.rawValue)
        #endif
    }
}
