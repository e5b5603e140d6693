import ArgumentParser
import ISConfCommandLine
import ISConfCore
import ISConfDomain
import ISConfTrustStore

#if canImport(Glibc)
    import Glibc
#endif

struct TrustStore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "truststore",
        // Also parsed as a root of its own (see ISConf.main()), where this names it "isconf truststore" and
        // `version` keeps the --version flag it has under the root.
        _superCommandName: "isconf",
        abstract: "List, import and export the certificates of JKS and PKCS#12 stores, without a JVM.",
        discussion: """
            The third step of enabling mutual SSL: the client's certificate into client-truststore, the server's \
            out of wso2carbon. Flags follow keytool's. Exit codes: 0 done, 2 error (a bad store, a wrong password, a \
            missing file: nothing is written), 64 usage error.
            """,
        version: isconfVersion,
        subcommands: [TrustStoreList.self, TrustStoreImport.self, TrustStoreExport.self]
    )
}

/// The store type, as keytool's -storetype takes it (any case).
enum StoreType: String, ArgumentChoice {
    case jks, pkcs12

    init?(argument: String) { self.init(rawValue: argument.lowercased()) }

    var format: KeyStoreFormat { self == .jks ? .jks : .pkcs12 }
}

/// The options every truststore subcommand shares: which store, of which type, with which password.
struct StoreOptions: ParsableArguments {
    @Option(help: "The key store file (JKS or PKCS#12, recognised by its content).")
    var keystore: String

    @Option(help: "jks or pkcs12: checked against the store; the type of a store import creates (else from .jks / .p12 / .pfx).")
    var storetype: StoreType?

    @OptionGroup var password: StorePassword

    /// Reads and opens the store. Without a password a JKS store is listed unverified (with a
    /// warning, as keytool does); a PKCS#12 store cannot be, its certificates are encrypted.
    func open() throws(InputError) -> KeyStore {
        let source = try SourceFile.read(path: keystore)
        let secret = try password.resolve()
        if secret == nil, try KeyStore.detectFormat(source.bytes, path: keystore) == .pkcs12 {
            throw StorePassword.required(keystore, because: "(a PKCS#12 store encrypts its certificates)")
        }
        let store = try KeyStore.read(source.bytes, path: keystore, password: secret?.revealed)
        try checkType(store.format)
        if !store.integrityVerified {
            Terminal.write("isconf: warning: \(DisplayText.escaped(keystore)): read without the store password: its integrity was not verified\n", to: 2)
        }
        return store
    }

    func checkType(_ format: KeyStoreFormat) throws(InputError) {
        if let storetype, storetype.format != format {
            throw InputError(path: keystore, .wrongFileType, "is a \(format) store, not \(storetype.format) (--storetype)")
        }
    }
}

/// Runs a command body, turning an input error into one line on stderr and exit status 2.
func reportingInputErrors(_ body: () throws(InputError) -> Void) throws {
    do {
        try body()
    } catch {
        Terminal.write("isconf: error: \(error.displayed)\n", to: 2)
        throw ExitCode(2)
    }
}

struct TrustStoreList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a store's entries: alias, type, subject, issuer, serial, validity, SHA-1 and SHA-256 thumbprints."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "Output format: text or json.")
    var format: EnableFormat = .text

    func run() throws {
        try reportingInputErrors { () throws(InputError) in
            let opened = try store.open()
            switch format {
            case .text: Terminal.write(TrustStoreListing.text(opened, path: store.keystore), to: 1)
            case .json: Terminal.write(TrustStoreListing.json(opened, path: store.keystore).rendered() + "\n", to: 1)
            }
        }
    }
}

struct TrustStoreImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a certificate (PEM or DER, exactly one) as a trusted entry.",
        discussion: """
            Opens and verifies the store with its password first; a store that does not open is never written. \
            The same certificate already in the store, under any alias, is left as it is. The new store is read \
            back and checked before it replaces the old one atomically, under a folder lock, with a backup \
            (IS_HOME/backup/isconf/<time>/... inside an IS_HOME, else .isconf-backup/<time>/ beside the store). A \
            store that does not exist is created, as keytool does.
            """
    )

    @Option(help: "The alias of the new entry (lowercased, as keytool does).")
    var alias: String

    @Option(help: "The certificate file: PEM (.pem, .crt, .cer) or DER.")
    var file: String

    @OptionGroup var store: StoreOptions

    @Flag(help: "Replace the certificate the alias holds, if it holds another.")
    var replace = false

    @Option(name: .customLong("backup-dir"), help: "Keep the backup here instead.")
    var backupDir: String?

    @Flag(name: .customLong("no-backup"), help: "Keep no backup.")
    var noBackup = false

    func validate() throws {
        if noBackup, backupDir != nil { throw ValidationError("--no-backup and --backup-dir exclude each other") }
    }

    func run() throws {
        try reportingInputErrors { () throws(InputError) in
            let certificate = try CertificateFile.single(in: try SourceFile.read(path: file))
            guard let password = try store.password.resolve() else {
                throw StorePassword.required(store.keystore, because: "to verify and rewrite the store")
            }
            let request = TrustStoreImportRequest(
                store: store.keystore, certificate: certificate, alias: alias, password: password,
                storeType: store.storetype?.format, replace: replace,
                backup: noBackup ? .none : backupDir.map { .directory($0) } ?? .isHome)
            let outcome = try TrustStoreImporter.importCertificate(request)
            var text = "\(DisplayText.escaped(outcome.store)): "
            let alias = DisplayText.message(outcome.alias)
            switch outcome.action {
            case .created(let format): text += "created a \(format) store with the trusted certificate \"\(alias)\"\n"
            case .added: text += "added the trusted certificate \"\(alias)\"\n"
            case .replaced(let previous): text += "replaced the certificate of \"\(alias)\" (was SHA-256 \(previous.sha256))\n"
            case .alreadyPresent(let holder): text += "already trusts this certificate, as \"\(DisplayText.message(holder))\": nothing to change\n"
            }
            text += "  sha1    \(outcome.thumbprints.sha1)\n  sha256  \(outcome.thumbprints.sha256)\n"
            if let backup = outcome.backup { text += "backup: \(DisplayText.escaped(backup))\n" }
            Terminal.write(text, to: 1)
        }
    }
}

struct TrustStoreExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the certificate of an entry (a private key entry's own certificate; never a key), DER unless --pem."
    )

    @Option(help: "The entry to export.")
    var alias: String

    @OptionGroup var store: StoreOptions

    @Option(help: "Where to write the certificate (mode 0644).")
    var file: String

    @Flag(name: [.customLong("pem"), .customLong("rfc")], help: "Write PEM instead of DER (--rfc as keytool says).")
    var pem = false

    @Flag(help: "Replace --file if it is an existing regular file (never the store itself, a link, a device or a FIFO).")
    var force = false

    func run() throws {
        try reportingInputErrors { () throws(InputError) in
            let opened = try store.open()
            guard let entry = opened.entry(alias) else {
                throw InputError(path: store.keystore, .noCertificateEntry, "has no entry \"\(KeyStore.normalizedAlias(alias))\"")
            }
            guard let certificate = entry.certificates.first else {
                throw InputError(
                    path: store.keystore, .noCertificateEntry, "entry \"\(entry.alias)\" is a \(entry.kind.keytoolName), which holds no certificate")
            }
            try SafeWriter.writeOutput(
                file, pem ? Array(certificate.pem.utf8) : certificate.der, mode: 0o644,
                replaceExisting: force, protected: try storeIdentity())
            Terminal.write(
                "\(DisplayText.escaped(file)): the certificate of \"\(DisplayText.message(entry.alias))\" (\(pem ? "PEM" : "DER"), SHA-256 \(certificate.thumbprints.sha256))\n",
                to: 1)
        }
    }
}

extension TrustStoreExport {
    /// The store's device and inode, so that --file cannot name it under another path or a hard link.
    func storeIdentity() throws(InputError) -> (device: UInt64, inode: UInt64) {
        var info = stat()
        guard stat(store.keystore, &info) == 0 else { throw InputError.system(errno, path: store.keystore) }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }
}

/// `truststore list` output: compact text in the spirit of `keytool -list -v`, or JSON.
enum TrustStoreListing {
    static func text(_ store: KeyStore, path: String) -> String {
        let count = store.entries.count
        var out =
            "\(DisplayText.escaped(path)): \(store.format), \(count) entr\(count == 1 ? "y" : "ies"), "
            + (store.integrityVerified ? "integrity verified" : "integrity NOT verified (no password)") + "\n"
        for entry in store.entries {
            out += "\n\(DisplayText.message(entry.alias)): \(entry.kind.keytoolName)"
            if let created = entry.creationDate { out += ", created \(created)" }
            if entry.certificates.count > 1 { out += ", chain of \(entry.certificates.count)" }
            out += "\n"
            for (index, certificate) in entry.certificates.enumerated() {
                if entry.certificates.count > 1 { out += "  [\(index + 1)]\n" }
                out +=
                    "  subject  \(DisplayText.message(certificate.subject))\n  issuer   \(DisplayText.message(certificate.issuer))\n  serial   \(certificate.serialNumber)\n"
                    + "  valid    \(certificate.notBefore) to \(certificate.notAfter)\n"
                    + "  sha1     \(certificate.thumbprints.sha1)\n  sha256   \(certificate.thumbprints.sha256)\n"
            }
        }
        return out
    }

    static func json(_ store: KeyStore, path: String) -> JSON {
        .object([
            ("keystore", .string(path)),
            ("type", .string(store.format.description)),
            ("integrity_verified", .bool(store.integrityVerified)),
            (
                "entries",
                .array(
                    store.entries.map { entry in
                        .object([
                            ("alias", .string(entry.alias)),
                            ("type", .string(entry.kind.keytoolName)),
                            ("created", .optional(entry.creationDate?.description)),
                            (
                                "certificates",
                                .array(
                                    entry.certificates.map { certificate in
                                        .object([
                                            ("subject", .string(certificate.subject)),
                                            ("issuer", .string(certificate.issuer)),
                                            ("serial", .string(certificate.serialNumber)),
                                            ("not_before", .string(certificate.notBefore.description)),
                                            ("not_after", .string(certificate.notAfter.description)),
                                            ("sha1", .string(certificate.thumbprints.sha1)),
                                            ("sha256", .string(certificate.thumbprints.sha256)),
                                        ])
                                    })
                            ),
                        ])
                    })
            ),
        ])
    }
}
