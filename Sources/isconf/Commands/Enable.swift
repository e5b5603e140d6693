import ArgumentParser
import ISConfDomain
import ISConfXML

struct Enable: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Named explicitly: deriving it from the type name costs a reflection pass at every start.
        commandName: "enable",
        abstract: "Enable mutual SSL: clientAuth=\"want\" and MutualSSLAuthenticator disabled=\"false\".",
        discussion: """
            Changes only the bytes that must change, verifies the result against libxml2 before writing, \
            writes atomically under a folder lock, and keeps a backup of each file it replaces. Running it \
            again changes nothing. Exit codes: 0 done or already compliant, 1 --check found work, \
            2 error (the target is left untouched), 64 usage error.
            """
    )

    @Argument(help: "IS_HOMEs, folders of IS_HOMEs, or single files.")
    var paths: [String]

    @Flag(help: "Change nothing; exit 1 if changes are needed, 0 if not.")
    var check = false

    @Flag(help: "Print a unified diff of the changes (passwords masked).")
    var diff = false

    @Option(help: "Comma-separated SHA-1 or SHA-256 thumbprints of the client certificates allowed to log in; sets WhiteListEnabled=true.")
    var whitelist: String?

    @Option(name: .customLong("username-header"), help: "The HTTP header that names the user (UsernameHeader; default UserName).")
    var usernameHeader: String?

    @Flag(name: .customLong("force-xml"), help: "Edit the XML of an IS 5.9+ home although deployment.toml regenerates it at each start.")
    var forceXML = false

    @Option(name: .customLong("backup-dir"), help: "Keep backups here instead of IS_HOME/backup/isconf.")
    var backupDir: String?

    @Flag(name: .customLong("no-backup"), help: "Keep no backup.")
    var noBackup = false

    @Option(help: "Read client-auth values as Tomcat 7 (IS ≤ 5.8) or 9 (IS 5.9+) does, instead of deciding from the IS_HOME.")
    var tomcat: TomcatGeneration?

    @Option(help: "Output format: text or json.")
    var format: EnableFormat = .text

    func validate() throws {
        if noBackup, backupDir != nil { throw ValidationError("--no-backup and --backup-dir exclude each other") }
        if let whitelist {
            do { _ = try EnableOptions.parseWhitelist(whitelist) } catch { throw ValidationError(error.message) }
        }
        if let usernameHeader, !EnableOptions.validHeaderName(usernameHeader) {
            throw ValidationError("--username-header \"\(usernameHeader)\" is not an HTTP header name")
        }
    }

    func run() throws {
        let options = EnableOptions(whitelist: try whitelist.map { try EnableOptions.parseWhitelist($0) },
                                    usernameHeader: usernameHeader)
        let backup: BackupPolicy = noBackup ? .none : backupDir.map { .directory($0) } ?? .isHome
        let request = EnableRequest(options: options, tomcat: tomcat, forceXML: forceXML, backup: backup,
                                    write: !check, diff: diff)
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
            Terminal.write(EnableJSONFormatter().format(outcomes, errors: errors), to: 1)
        }

        if !errors.isEmpty { throw ExitCode(2) }
        if check, outcomes.contains(where: { $0.files.contains(where: \.changed) }) { throw ExitCode(1) }
    }
}

enum EnableFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
