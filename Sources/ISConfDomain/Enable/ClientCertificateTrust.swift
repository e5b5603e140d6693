import ISConfCore
import ISConfTrustStore
import ISConfXML

/// `isconf enable --trust-client-cert`: a client certificate to import into the trust store the
/// main HTTPS connector uses, planned and verified with the XML files, written after them.
public struct ClientCertificateTrust: Sendable {
    public var certificate: StoredCertificate
    /// As the user gave it; nil: the certificate's CN, lowercased, made unique in the store.
    public var alias: String?
    /// For a store whose password the connector does not write (secure vault, the JVM's trust store).
    public var password: Secret?
    /// The connector's truststoreFile may point outside the IS_HOME (another product's store, a
    /// shared system file): written only when the user confirms it (`--allow-store-outside-home`).
    public var allowStoreOutsideHome: Bool

    public init(certificate: StoredCertificate, alias: String? = nil, password: Secret? = nil, allowStoreOutsideHome: Bool = false) {
        self.certificate = certificate
        self.alias = alias
        self.password = password
        self.allowStoreOutsideHome = allowStoreOutsideHome
    }

    /// The alias an import derives: the CN, lowercased, as keytool keeps aliases.
    var derivedAlias: String {
        let name = (certificate.commonName ?? "").trimmingXMLSpace().lowercased()
        return name.isEmpty ? "client" : name
    }

    /// Plans the import into the trust store the main HTTPS connector of `catalina` uses in an IS_HOME.
    func plan(catalina: SourceFile, facts: HomeFacts, tomcat: TomcatGeneration?, backup: BackupPolicy) throws(InputError) -> TrustStoreImportPlan {
        guard let home = facts.root else {
            throw InputError(path: catalina.path, .invalidArgument, "--trust-client-cert needs an IS_HOME, to find the trust store its connector uses")
        }
        let context = Linter.makeContext(documents: [(.catalinaServer, try XMLDocument.parse(catalina))], facts: facts, options: LintOptions(tomcat: tomcat))
        guard let connector = context.catalina?.mainHTTPSConnector,
            let reference = connector.storeReferences(generation: context.tomcat, home: home, kernelVersion: facts.kernelVersion)
                .first(where: { $0.purpose == .trustStore })
        else {
            throw InputError(path: catalina.path, .cannotEdit, "no HTTPS connector, so no trust store to import the client certificate into")
        }
        guard let store = reference.resolvedPath else {
            throw InputError(
                path: catalina.path, .cannotEdit,
                "the trust store path \(reference.path) holds a placeholder isconf cannot resolve; "
                    + "import the certificate with isconf truststore import")
        }
        let storePassword: Secret
        switch reference.password {
        case .known(let written) where reference.passwordAttribute != nil:
            storePassword = written
        case .known(let assumed):
            storePassword = password ?? assumed
        case .secureVault(let alias):
            guard let password else {
                throw InputError(
                    path: store, .passwordNeeded,
                    "the trust store password is kept in secure vault (alias \(alias)): "
                        + "give it with --truststore-pass-file or --truststore-pass-env")
            }
            storePassword = password
        }
        let plan = try TrustStoreImporter.plan(
            TrustStoreImportRequest(
                store: store, certificate: certificate, alias: alias ?? derivedAlias, password: storePassword,
                uniqueAlias: alias == nil, backup: backup))
        if plan.changesStore, !allowStoreOutsideHome, !Self.isInside(store, home: home) {
            throw InputError(
                path: store, .cannotEdit,
                "the trust store the connector uses is outside the IS_HOME \(home); "
                    + "not changed (--allow-store-outside-home writes it)")
        }
        return plan
    }

    /// Whether `path`, links resolved, lies below `home`, links resolved. A store not created yet
    /// is placed by its folder.
    static func isInside(_ path: String, home: String) -> Bool {
        guard let realHome = try? SafeWriter.resolve(home) else { return false }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard
            let real = (try? SafeWriter.resolve(path))
                ?? (try? SafeWriter.resolve(SafeWriter.parent(of: path))).map({ $0 + "/" + name })
        else { return false }
        return real.hasPrefix(realHome == "/" ? "/" : realHome + "/")
    }
}

extension TrustStoreImportPlan {
    /// The existing store the plan replaces, if it replaces one.
    var replacedStore: String? { original != nil && changesStore ? request.store : nil }

    /// What `enable` says it does to the store, as it says it of the XML files.
    var change: String {
        let certificate = "trusted certificate '\(outcome.alias)' (sha256 \(outcome.thumbprints.sha256))"
        switch outcome.action {
        case .created(let format): return "create a \(format) store with the \(certificate)"
        case .replaced: return "replace the \(certificate)"
        case .added, .alreadyPresent: return "add \(certificate)"
        }
    }

    /// The store's line in `enable`'s report: a binary file gets no diff.
    var fileOutcome: FileOutcome {
        FileOutcome(
            path: request.store, changed: changesStore, changes: changesStore ? [change] : [], rulesFixed: [],
            trustedCertificate: outcome)
    }
}
