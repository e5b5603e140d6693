import ArgumentParser
import ISConfDomain
import ISConfXML

struct Enable: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Named explicitly: deriving it from the type name costs a reflection pass at every start.
        commandName: "enable",
        abstract: "Enable mutual SSL: clientAuth=\"want\" and MutualSSLAuthenticator disabled=\"false\".",
        discussion: """
            Changes only the bytes that must change, verifies the result before writing (against libxml2 for \
            the XML; by reading the whole TOML document back), writes atomically under a folder lock, and keeps \
            a backup of each file it replaces. On IS 5.9+ (an IS_HOME with repository/conf/deployment.toml) it \
            edits deployment.toml, from which the server renders the XML at its next start. Running it again \
            changes nothing. Exit codes: 0 done or already compliant, 1 --check found work, 2 error (the target \
            is left untouched), 64 usage error.
            """
    )

    @Argument(help: "IS_HOMEs, folders of IS_HOMEs, or single files.")
    var paths: [String]

    @Flag(help: "Change nothing; exit 1 if changes are needed, 0 if not.")
    var check = false

    @Flag(help: "Print a unified diff of the changes (passwords masked).")
    var diff = false

    @Flag(name: .customLong("force-xml"), help: "Edit the XML of an IS 5.9+ home instead of deployment.toml, which regenerates it at each start.")
    var forceXML = false

    @OptionGroup var fix: FixOptions

    @Option(help: "Output format: text or json.")
    var format: EnableFormat = .text

    func run() throws {
        let request = EnableRequest(options: try fix.enableOptions(), tomcat: fix.tomcat, forceXML: forceXML,
                                    backup: fix.backup, write: !check, diff: diff)
        let discovery = Discovery.discover(paths)
        let stamp = Backups.utcStamp()
        let outcomes = discovery.targets.map { Enabler.run($0, request, stamp: stamp) }
        let errors = discovery.errors.map(\.description) + outcomes.compactMap(\.error)

        switch format {
        case .text:
            Terminal.write(EnableTextFormatter(check: check).format(outcomes), to: 1)
            var diagnostics = ""
            for skipped in discovery.skipped { diagnostics += "isconf: note: \(skipped)\n" }
            for error in errors { diagnostics += "isconf: error: \(error)\n" }
            Terminal.write(diagnostics, to: 2)
        case .json:
            Terminal.write(EnableJSONFormatter(check: check).format(outcomes, errors: errors), to: 1)
        }

        if !errors.isEmpty { throw ExitCode(2) }
        if check, outcomes.contains(where: { $0.files.contains(where: \.changed) }) { throw ExitCode(1) }
    }
}

enum EnableFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
