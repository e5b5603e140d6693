import ISConfCore
import ISConfTOML
import ISConfXML

/// A lint rule: its identity, its documentation, its examples (which are also its tests) and its check.
public struct Rule: Sendable {
    public let id: String
    /// The highest severity the rule reports; some findings of a rule may be milder (e.g. a note).
    public let severity: Severity
    /// One line, for the catalogue.
    public let summary: String
    /// What it catches, in detail: one Markdown table cell (no `|`, no line break) of the README's
    /// catalogue, which `isconf rules --format markdown` prints.
    public let catches: String
    /// Why it matters, in a few sentences.
    public let rationale: String
    /// What `isconf enable` does about it, or what the user must do; nil when nothing can be done automatically.
    public let fix: String?
    /// How the linter treats the rule besides running its check, declared with the rule so that no list
    /// kept elsewhere has to name it.
    public let traits: Traits
    /// Built when asked for (by `isconf rules` and the tests), not at every start-up.
    public var examples: [RuleExample] { makeExamples() }
    private let makeExamples: @Sendable () -> [RuleExample]
    let check: Check

    /// How the linter treats a rule besides running its check.
    public struct Traits: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// It opens the key stores the HTTPS connector names: off with `LintOptions.checksStores`, where
        /// the stores are not beside the files.
        public static let opensKeyStores = Traits(rawValue: 1 << 0)
        /// Its findings mean a file could not be read: never suppressed, never milder, as they decide exit status 2.
        public static let inputFailure = Traits(rawValue: 1 << 1)
        /// An XML rule about settings that deployment.toml decides where it parses: the TOML rules report them
        /// at the key that lasts and generated-by-deployment-toml where the XML differs, so this rule would only
        /// repeat them, with a fix (`isconf enable` on the XML) that the next start undoes.
        public static let supersededByDeploymentToml = Traits(rawValue: 1 << 2)
    }

    /// What a rule looks at.
    enum Check: Sendable {
        /// The files of one target: almost every rule.
        case files(@Sendable (LintContext) -> [Finding])
        /// The other rules' findings on the target: a rule about the lint itself (unused suppressions),
        /// run after them.
        case findings(@Sendable (LintContext, [Finding]) -> [Finding])
    }

    public init(
        id: String, severity: Severity, summary: String, catches: String, rationale: String, fix: String?,
        traits: Traits = [], examples: @autoclosure @escaping @Sendable () -> [RuleExample],
        check: @escaping @Sendable (LintContext) -> [Finding]
    ) {
        self.init(
            id: id, severity: severity, summary: summary, catches: catches, rationale: rationale, fix: fix,
            traits: traits, makeExamples: examples, check: .files(check))
    }

    /// A rule that judges the other rules' findings on a target.
    init(
        id: String, severity: Severity, summary: String, catches: String, rationale: String, fix: String?,
        traits: Traits = [], examples: @autoclosure @escaping @Sendable () -> [RuleExample],
        review: @escaping @Sendable (LintContext, [Finding]) -> [Finding]
    ) {
        self.init(
            id: id, severity: severity, summary: summary, catches: catches, rationale: rationale, fix: fix,
            traits: traits, makeExamples: examples, check: .findings(review))
    }

    private init(
        id: String, severity: Severity, summary: String, catches: String, rationale: String, fix: String?,
        traits: Traits, makeExamples: @escaping @Sendable () -> [RuleExample], check: Check
    ) {
        self.id = id
        self.severity = severity
        self.summary = summary
        self.catches = catches
        self.rationale = rationale
        self.fix = fix
        self.traits = traits
        self.makeExamples = makeExamples
        self.check = check
    }

    /// Whether the rule judges the other rules' findings, so that running it runs them all.
    var reviewsFindings: Bool {
        if case .findings = check { return true }
        return false
    }
}

/// A small input and whether the rule must fire on it.
public struct RuleExample: Sendable {
    public var catalina: String?
    public var authenticators: String?
    /// `repository/conf/deployment.toml`, for IS 5.9+ examples.
    public var deploymentToml: String?
    public var facts: HomeFacts
    public var tomcat: TomcatGeneration?
    public var triggers: Bool
    /// What the example shows.
    public var title: String

    public static func triggering(
        _ title: String, catalina: String? = nil, authenticators: String? = nil,
        deploymentToml: String? = nil, facts: HomeFacts = HomeFacts(),
        tomcat: TomcatGeneration? = nil
    ) -> RuleExample {
        RuleExample(
            catalina: catalina, authenticators: authenticators, deploymentToml: deploymentToml, facts: facts,
            tomcat: tomcat, triggers: true, title: title)
    }

    public static func passing(
        _ title: String, catalina: String? = nil, authenticators: String? = nil,
        deploymentToml: String? = nil, facts: HomeFacts = HomeFacts(),
        tomcat: TomcatGeneration? = nil
    ) -> RuleExample {
        RuleExample(
            catalina: catalina, authenticators: authenticators, deploymentToml: deploymentToml, facts: facts,
            tomcat: tomcat, triggers: false, title: title)
    }

    /// The example's files, with the paths they would have in an IS_HOME.
    public var sources: [(ConfigRole, SourceFile)] {
        var result: [(ConfigRole, SourceFile)] = []
        if let catalina {
            result.append((.catalinaServer, SourceFile(path: ConfigRole.catalinaServer.relativePath, bytes: Array(catalina.utf8))))
        }
        if let authenticators {
            result.append((.authenticators, SourceFile(path: ConfigRole.authenticators.relativePath, bytes: Array(authenticators.utf8))))
        }
        return result
    }

    /// The example's deployment.toml, at its IS_HOME path.
    public var deploymentSource: SourceFile? {
        deploymentToml.map { SourceFile(path: HomeFacts.deploymentTomlPath, bytes: Array($0.utf8)) }
    }
}

/// Everything a rule may look at for one target.
public struct LintContext: Sendable {
    public let facts: HomeFacts
    public let tomcat: TomcatGeneration
    public let catalina: CatalinaServer?
    public let authenticators: AuthenticatorsConfig?
    /// Files that could not be parsed, with where and why.
    public let malformed: [InputError]
    /// The key stores the connector names, opened when a store rule first asks.
    let stores: LintStores
    /// deployment.toml (IS 5.9+) with the settings the config mapper renders from it; nil without one,
    /// or when it does not parse (then `deploymentMalformed` says where and why).
    public internal(set) var deployment: DeploymentConfig? = nil
    public internal(set) var deploymentMalformed: InputError? = nil
    /// The configuration and switches the lint runs with.
    public let options: LintOptions
    /// The `isconf-ignore` comments of the files that parsed, valid or not.
    public internal(set) var suppressions: [InlineSuppression] = []

    /// A finding located at an element's start tag.
    func finding(
        _ rule: Rule, _ message: String, at element: XMLElement, in document: XMLDocument,
        severity: Severity? = nil, hint: String? = nil, fixable: Bool = false, subject: String
    ) -> Finding {
        Finding(
            rule: rule.id, severity: severity ?? rule.severity, message: message, file: document.path,
            position: element.position, hint: hint, fixable: fixable, subject: subject)
    }

    /// A finding located at a deployment.toml key, or about the file as a whole.
    func finding(
        _ rule: Rule, _ message: String, at entry: TOMLEntry?, in deployment: DeploymentConfig,
        severity: Severity? = nil, hint: String? = nil, fixable: Bool = false, subject: String
    ) -> Finding {
        Finding(
            rule: rule.id, severity: severity ?? rule.severity, message: message, file: deployment.path,
            position: entry?.position, hint: hint, fixable: fixable, subject: subject)
    }

    /// A finding located at an attribute's name.
    func finding(
        _ rule: Rule, _ message: String, at attribute: XMLAttribute, in document: XMLDocument,
        severity: Severity? = nil, hint: String? = nil, fixable: Bool = false, subject: String
    ) -> Finding {
        Finding(
            rule: rule.id, severity: severity ?? rule.severity, message: message, file: document.path,
            position: document.position(of: attribute.nameSpan.start), hint: hint, fixable: fixable, subject: subject)
    }
}
