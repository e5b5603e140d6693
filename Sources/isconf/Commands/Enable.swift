import ArgumentParser
import ISConfCommandLine
import ISConfCore
import ISConfDomain
import ISConfTrustStore

struct Enable: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Named explicitly: deriving it from the type name costs a reflection pass at every start.
        commandName: "enable",
        // Also parsed as a root of its own (see ISConf.main()), where this names it "isconf enable" and
        // `version` keeps the --version flag it has under the root.
        _superCommandName: "isconf",
        abstract: "Enable mutual SSL: clientAuth=\"want\" and MutualSSLAuthenticator disabled=\"false\".",
        discussion: """
            Changes only the bytes that must change, verifies the result before writing (against libxml2 for \
            the XML; by reading the whole TOML document back), writes atomically under a folder lock, and keeps \
            a backup of each file it replaces. On IS 5.9+ (an IS_HOME with repository/conf/deployment.toml) it \
            edits deployment.toml, from which the server renders the XML at its next start. With \
            --trust-client-cert it also imports a client certificate into the trust store the HTTPS connector \
            uses, opened and checked with the files before anything is written. Running it again changes \
            nothing. Exit codes: 0 done or already compliant, 1 --check found work, 2 error (the target is left \
            untouched), 64 usage error.
            """,
        version: isconfVersion
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

    @OptionGroup var trust: TrustOptions

    @Option(help: "Output format: text or json.")
    var format: EnableFormat = .text

    func run() throws {
        let trustClientCertificate: ClientCertificateTrust?
        do { trustClientCertificate = try trust.request() } catch {
            Terminal.write("isconf: error: \(error.displayed)\n", to: 2)
            throw ExitCode(2)
        }
        var options = try fix.enableOptions()
        if trust.whitelistThisCert { options.whitelistCertificate = trustClientCertificate?.certificate.thumbprints }
        let request = EnableRequest(
            options: options, tomcat: fix.tomcat, forceXML: forceXML, backup: fix.backup, write: !check,
            diff: diff, trustClientCertificate: trustClientCertificate)
        let discovery = Discovery.discover(paths)
        let stamp = Backups.utcStamp()
        let outcomes = discovery.targets.map { Enabler.run($0, request, stamp: stamp) }
        let errors = discovery.errors.map(\.description) + outcomes.compactMap { $0.error?.description }

        switch format {
        case .text:
            Terminal.write(EnableTextFormatter(check: check).format(outcomes), to: 1)
            var diagnostics = ""
            for skipped in discovery.skipped { diagnostics += "isconf: note: \(skipped.displayed)\n" }
            for error in errors { diagnostics += "isconf: error: \(DisplayText.message(error))\n" }
            Terminal.write(diagnostics, to: 2)
        case .json:
            Terminal.write(EnableJSONFormatter(check: check).format(outcomes, errors: errors), to: 1)
        }

        if !errors.isEmpty { throw ExitCode(2) }
        if check, outcomes.contains(where: { $0.files.contains(where: \.changed) }) { throw ExitCode(1) }
    }
}

/// The third step of the procedure, done with the first two: the client's certificate into the
/// trust store the HTTPS connector uses.
struct TrustOptions: ParsableArguments {
    @Option(
        name: .customLong("trust-client-cert"),
        help: "Import this client certificate (PEM or DER, exactly one) into the trust store the HTTPS connector uses.")
    var certificate: String?

    @Option(name: .customLong("trust-client-cert-alias"), help: "Its alias (default: its CN, lowercased, made unique in the store).")
    var alias: String?

    @Flag(
        name: .customLong("whitelist-this-cert"),
        help: "Add its thumbprint to WhiteList (SHA-256 or SHA-1, as the authenticator compares) and set WhiteListEnabled=true, keeping the thumbprints listed."
    )
    var whitelistThisCert = false

    @Option(
        name: .customLong("truststore-pass-file"),
        help: "The trust store password, from the first line of this file, when the connector does not write it (secure vault, the JVM's trust store).")
    var passwordFile: String?

    @Option(name: .customLong("truststore-pass-env"), help: "The same, from this environment variable.")
    var passwordEnvironment: String?

    @Flag(
        name: .customLong("allow-store-outside-home"),
        help: "Write the trust store even when the connector's truststoreFile points outside the IS_HOME.")
    var allowStoreOutsideHome = false

    func validate() throws {
        if certificate == nil, alias != nil || whitelistThisCert || passwordFile != nil || passwordEnvironment != nil || allowStoreOutsideHome {
            throw ValidationError(
                "--trust-client-cert-alias, --whitelist-this-cert, --truststore-pass-* and --allow-store-outside-home go with --trust-client-cert")
        }
        if passwordFile != nil, passwordEnvironment != nil {
            throw ValidationError("give the trust store password one way only: --truststore-pass-file or --truststore-pass-env")
        }
    }

    /// The certificate read and the password resolved once, before any IS_HOME is planned.
    func request() throws(InputError) -> ClientCertificateTrust? {
        guard let certificate else { return nil }
        let password: Secret? =
            if let passwordFile {
                try StorePassword.fromFile(passwordFile)
            } else if let passwordEnvironment {
                try StorePassword.fromEnvironment(passwordEnvironment, option: "--truststore-pass-env")
            } else {
                nil
            }
        return ClientCertificateTrust(
            certificate: try CertificateFile.single(in: try SourceFile.read(path: certificate)),
            alias: alias, password: password, allowStoreOutsideHome: allowStoreOutsideHome)
    }
}

enum EnableFormat: String, ArgumentChoice {
    case text, json
}
