import ArgumentParser

@main
struct ISConf: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "isconf",
        abstract: "Checks and enables mutual SSL in WSO2 Identity Server.",
        discussion: """
            Reads repository/conf/tomcat/catalina-server.xml and repository/conf/security/authenticators.xml \
            of an IS_HOME. Exit codes: 0 ok, 1 findings at or above --fail-on, 2 an input could not be read or \
            parsed, 64 usage error.
            """,
        version: version,
        subcommands: [Lint.self, Enable.self, Watch.self, Rules.self, TrustStore.self]
    )
}
