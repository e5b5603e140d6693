import ISConfTOML

/// The product isconf assumes a deployment.toml is for when nothing names its version (no Carbon kernel
/// in an IS_HOME's plugins folder, no `--is-version`), as in a config repository that keeps one
/// deployment.toml per environment and no IS pack. The defaults it renders from differ by product: IS
/// sets certificateVerification "want", kernel-only products "false"; reading an IS file by the kernel's
/// table would report a "false" that the server never renders.
public struct AssumedProduct: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// WSO2 Identity Server, version unknown: the defaults all its releases from 5.9.0 share.
        case identityServer
        /// A product built on the Carbon kernel without IS's defaults, e.g. "WSO2 API Manager".
        case kernelOnly(product: String)
    }

    public let kind: Kind
    /// What the files hold that made isconf assume it, e.g. "the file has [super_admin], [user_store]".
    public let evidence: String

    /// Tables only API Manager's deployment.toml has: a kernel-only product as far as mutual SSL goes.
    static let apiManagerTables: [[String]] = [["apim"]]
    /// Tables of an Identity Server's deployment.toml: the stock files of IS 5.9.0 and 7.3.0 have
    /// [super_admin], [user_store] and [database.identity_db]; the rest configure IS's own features.
    static let identityServerTables: [[String]] = [
        ["super_admin"], ["user_store"], ["database", "identity_db"], ["identity_mgt"], ["identity"], ["authentication"],
        ["oauth"], ["saml"], ["account_recovery"], ["console"], ["myaccount"], ["recaptcha"], ["authentication_policy"],
    ]

    /// Reads the evidence, strongest first: tables only a kernel-only product has; tables of an Identity
    /// Server; the catalina-server.xml rendered beside the file, when deployment.toml leaves
    /// certificateVerification to the defaults (then the rendered value is the product's default);
    /// failing all, Identity Server, the product isconf is for.
    static func infer(from document: TOMLDocument, renderedCatalina: CatalinaServer?) -> AssumedProduct {
        let tables = document.tablePathsInFileOrder
        func shown(_ matches: [[String]]) -> String {
            // Names come from the file: a long one is cut.
            matches.prefix(3).map { "[\(DisplayText.cut($0.map(TOMLValue.key).joined(separator: "."), at: 80))]" }.joined(separator: ", ")
        }
        func matching(_ prefixes: [[String]]) -> [[String]] {
            tables.filter { table in prefixes.contains { table.starts(with: $0) } }
        }
        let apiManager = matching(apiManagerTables)
        if !apiManager.isEmpty {
            return AssumedProduct(kind: .kernelOnly(product: "WSO2 API Manager"), evidence: "the file has \(shown(apiManager)), as API Manager's has")
        }
        let identityServer = matching(identityServerTables)
        if !identityServer.isEmpty {
            return AssumedProduct(kind: .identityServer, evidence: "the file has \(shown(identityServer))")
        }
        if let rendered = renderedCatalina, !setsCertificateVerification(document),
            let value = rendered.mainHTTPSConnector?.defaultSSLHostConfig?.value("certificateVerification")
        {
            let name = rendered.path.split(separator: "/").last.map(String.init) ?? rendered.path
            switch EffectiveClientAuth.mode(of: value, generation: .tomcat9).mode {
            case .optional:
                return AssumedProduct(
                    kind: .identityServer,
                    evidence: "the \(name) rendered beside it has certificateVerification=\"\(DisplayText.cut(value, at: 40))\", Identity Server's default")
            case .none:
                return AssumedProduct(
                    kind: .kernelOnly(product: "a kernel-only product"),
                    evidence: "the \(name) rendered beside it has certificateVerification=\"\(DisplayText.cut(value, at: 40))\", the Carbon kernel's default")
            case .required, .optionalNoCA, .invalid:
                break
            }
        }
        return AssumedProduct(kind: .identityServer, evidence: "nothing in the file names the product, and isconf is for Identity Server")
    }

    /// Whether the file writes certificateVerification, in full or through its shorthand.
    private static func setsCertificateVerification(_ document: TOMLDocument) -> Bool {
        let key = DeploymentKey.certificateVerification.rawValue
        return document.entries.contains { entry in
            let flat = DeploymentConfig.flatKey(entry.keyPath)
            return flat == key || BuiltInMapperData.keyMappings[flat]?.contains(key) == true
        }
    }
}
