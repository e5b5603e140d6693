/// What changes a lint besides the files: the command line's switches and a repository's
/// `.isconf.toml` (`LintConfiguration`). The defaults are what a lint without either does, and what
/// `enable` verifies its edits with.
public struct LintOptions: Sendable {
    /// How long before its end a certificate is reported as expiring, unless configured.
    public static let defaultExpiryWarningDays = 30

    /// Read client-auth values as this Tomcat does, instead of deciding from the IS_HOME.
    public var tomcat: TomcatGeneration?
    /// The IS version the files are for (`7.3.0`), which decides the product's defaults; nil: from the IS_HOME.
    public var isVersion: String?
    /// Whether the key store rules (`Linter.storeRules`) run: off where the stores are not in the
    /// repository being linted (they live in a secret store and are mounted at deployment).
    public var checksStores: Bool
    /// Where a store the connector names really is: the path as catalina-server.xml names it, without
    /// `${carbon.home}/` (so relative to IS_HOME), to the path to open instead.
    public var storePaths: [String: String]
    /// certificate-expiry warns about certificates that end within this many days.
    public var expiryWarningDays: Int
    /// Rules whose findings are suppressed wherever they are, with the justification SARIF and JSON
    /// carry (which file or switch said so).
    public var ignoredRules: [String: String]
    /// Severities that replace a rule's own, for every finding of the rule.
    public var severities: [String: Severity]

    public init(
        tomcat: TomcatGeneration? = nil, isVersion: String? = nil, checksStores: Bool = true,
        storePaths: [String: String] = [:], expiryWarningDays: Int = LintOptions.defaultExpiryWarningDays,
        ignoredRules: [String: String] = [:], severities: [String: Severity] = [:]
    ) {
        self.tomcat = tomcat
        self.isVersion = isVersion
        self.checksStores = checksStores
        self.storePaths = storePaths
        self.expiryWarningDays = expiryWarningDays
        self.ignoredRules = ignoredRules
        self.severities = severities
    }
}
