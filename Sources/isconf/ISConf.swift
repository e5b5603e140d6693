import ArgumentParser
import ISConfCommandLine

@main
struct ISConf: ParsableCommand {
    static let version = isconfVersion

    static let configuration = CommandConfiguration(
        commandName: "isconf",
        abstract: "Checks and enables mutual SSL in WSO2 Identity Server.",
        discussion: """
            Reads an IS_HOME's repository/conf/tomcat/catalina-server.xml and \
            repository/conf/security/authenticators.xml, its repository/conf/deployment.toml (IS 5.9+) and \
            the key stores its HTTPS connector names, or such files given directly. Exit codes: 0 ok, 1 findings at or above --fail-on, 2 an input could not be read or \
            parsed, 64 usage error.
            """,
        version: version,
        subcommands: [Lint.self, Enable.self, Watch.self, Rules.self, TrustStore.self]
    )

    /// `watch` goes to isconf-watch before anything is parsed, options and `--help` included.
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == "watch" { WatchLauncher.execute(Array(arguments.dropFirst())) }
        main(nil)
    }
}
