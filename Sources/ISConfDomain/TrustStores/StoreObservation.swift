/// What a monitor shows of one store the main HTTPS connector names: whether isconf can open it,
/// when the server's chain and each trusted certificate end, how many certificates it trusts. Paths,
/// aliases and times only: no password, no key, no certificate bytes, so it is safe to export and
/// small to keep.
public struct StoreObservation: Sendable {
    public struct TrustedCertificate: Sendable {
        /// Lowercase, as keytool keeps aliases.
        public let alias: String
        /// The earliest end of validity of the entry's certificates (a trusted certificate has one; a
        /// key entry in a trust store, its chain), in seconds since the Unix epoch.
        public let notAfterSeconds: Int64

        public init(alias: String, notAfterSeconds: Int64) {
            self.alias = alias
            self.notAfterSeconds = notAfterSeconds
        }
    }

    public let purpose: StoreReference.Purpose
    /// On disk: `${carbon.home}` resolved.
    public let path: String
    /// False when the file is missing or does not open with its password (the store-access rule says why).
    public let readable: Bool
    /// Key store: the earliest end of validity in the chain of the key entry Tomcat serves, in seconds
    /// since the Unix epoch; nil for a trust store, or a key store without that entry.
    public let serverChainNotAfterSeconds: Int64?
    /// Trust store: every entry that holds a certificate, in store order; empty for a key store.
    public let trustedCertificates: [TrustedCertificate]

    public init(
        purpose: StoreReference.Purpose, path: String, readable: Bool, serverChainNotAfterSeconds: Int64?,
        trustedCertificates: [TrustedCertificate]
    ) {
        self.purpose = purpose
        self.path = path
        self.readable = readable
        self.serverChainNotAfterSeconds = serverChainNotAfterSeconds
        self.trustedCertificates = trustedCertificates
    }
}

extension LintContext {
    /// Where the stores of the main HTTPS connector are on disk (relocated as `options.storePaths`
    /// says, like the store rules open them), without opening them: the files a watcher watches.
    /// Empty without an IS_HOME, a parsed catalina-server.xml or an HTTPS connector.
    public var storePaths: [String] {
        guard let home = facts.root, let connector = catalina?.mainHTTPSConnector else { return [] }
        return connector.storeReferences(generation: tomcat, home: home, kernelVersion: facts.kernelVersion)
            .compactMap { (options.storePaths[$0.pathBelowHome].map($0.relocated) ?? $0).resolvedPath }
    }

    /// The stores of the main HTTPS connector, opened as the store rules open them (through this
    /// context's store cache). A store isconf cannot judge is left out: a path with a placeholder
    /// only the running server resolves, or a store whose password is in secure vault and that
    /// cannot be listed without it (PKCS#12); a JKS store in that case is listed, unverified.
    public var storeObservations: [StoreObservation] {
        storeChecks.compactMap { check in
            let readable: Bool
            switch check.state {
            case .unresolvedPath: return nil
            case .secureVault(_, let listed):
                if listed == nil { return nil }
                readable = true
            case .missing, .unreadable: readable = false
            case .opened: readable = true
            }
            guard let path = check.reference.resolvedPath else { return nil }
            func earliest(_ entry: StoreSummary.Entry) -> Int64? {
                entry.certificates.map { Self.floorSeconds($0.notAfter.millisecondsSince1970) }.min()
            }
            switch check.reference.purpose {
            case .keyStore:
                return StoreObservation(
                    purpose: .keyStore, path: path, readable: readable,
                    serverChainNotAfterSeconds: check.servedKeyEntry.flatMap(earliest),
                    trustedCertificates: [])
            case .trustStore:
                let trusted = (check.store?.entries ?? []).compactMap { entry in
                    earliest(entry).map { StoreObservation.TrustedCertificate(alias: entry.alias, notAfterSeconds: $0) }
                }
                return StoreObservation(
                    purpose: .trustStore, path: path, readable: readable,
                    serverChainNotAfterSeconds: nil, trustedCertificates: trusted)
            }
        }
    }

    /// The thumbprints the MutualSSLAuthenticator's WhiteList holds, as the server will read it: from
    /// deployment.toml on IS 5.9+ (which renders authenticators.xml at every start), else from
    /// authenticators.xml; 0 when there is no WhiteList (or no authenticator). Empty entries between
    /// commas are not counted. Nil when the file that decides was not given or does not parse.
    public var whitelistEntryCount: Int? {
        let list: String?
        if facts.deploymentToml != nil {
            guard let deployment else { return nil }
            list = deployment[.whiteList].rendered
        } else {
            guard let authenticators else { return nil }
            list = authenticators.mutualSSL?.parameter("WhiteList")?.value
        }
        return (list ?? "").split(separator: ",").filter { !$0.trimmingXMLSpace().isEmpty }.count
    }

    /// Certificates carry whole seconds; a time before 1970 rounds down, not towards zero.
    private static func floorSeconds(_ milliseconds: Int64) -> Int64 {
        milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
    }
}
