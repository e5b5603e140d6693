import Dispatch
import ISConfCore
import ISConfTOML
import ISConfXML

public struct LintReport: Sendable {
    public var findings: [Finding] = []
    /// Inputs that could not be read at all.
    public var errors: [InputError] = []

    public init(findings: [Finding] = [], errors: [InputError] = []) {
        self.findings = findings
        self.errors = errors
    }

    /// Some input could not be read or parsed: exit status 2.
    public var hasInputFailures: Bool {
        !errors.isEmpty || findings.contains { Linter.inputFailureRules.contains($0.rule) }
    }
}

public enum Linter {
    /// Every rule, in catalogue order: the only list of them. What sets a rule apart (the store rules, the
    /// input-failure rules, the XML rules deployment.toml supersedes) is declared in its own file, as its traits.
    public static let rules: [Rule] = [
        .clientAuthWant, .mutualSSLAuthenticator, .whitelist, .parameterOutsideConfig, .priorityFormat,
        .duplicateAuthenticator, .attributeTypo, .noHTTPSConnector, .xmlMalformed, .generatedByDeploymentToml,
        .mutualSSLComponent,
        .storeAccess, .certificateExpiry, .trustStoreEmpty, .whitelistThumbprint, .defaultStorePassword,
        .tomlCertificateVerification, .tomlHTTPSEnabled, .tomlMutualSSLAuthenticator, .tomlEnableBoolean, .tomlWhitelist, .tomlClientAuth,
        .tomlCertificateTable, .tomlAllowlist, .tomlValueType, .tomlDuplicateSetting, .tomlVersion, .tomlMalformed, .tomlDefaults,
        .suppressionInvalid, .unusedSuppression,
    ]

    public static func rule(id: String) -> Rule? { rules.first { $0.id == id } }

    /// The ids of the rules that open the key stores the HTTPS connector names: off with `LintOptions.checksStores`.
    public static let storeRules = ids(of: .opensKeyStores)

    /// The ids of the rules whose findings mean a file could not be read: never suppressed, never milder, as
    /// they decide exit status 2.
    public static let inputFailureRules = ids(of: .inputFailure)

    /// For the questions asked by a finding's rule id.
    private static func ids(of trait: Rule.Traits) -> Set<String> {
        Set(rules.filter { $0.traits.contains(trait) }.map(\.id))
    }

    /// Whether `rule` runs on a target: not the XML rules deployment.toml decides, and not the store
    /// rules when store checks are off.
    static func runs(_ rule: Rule, in context: LintContext) -> Bool {
        if context.deployment != nil && rule.traits.contains(.supersededByDeploymentToml) { return false }
        if !context.options.checksStores && rule.traits.contains(.opensKeyStores) { return false }
        return true
    }

    /// Lints many targets in parallel across cores; the report keeps the targets' order. A store
    /// several targets share (same bytes, same password) is opened once, through `storeCache`.
    /// `observer` hears of each target's report as soon as it and all before it are done, so a long run
    /// can print as it goes.
    public static func lint(
        _ targets: [LintTarget], options: LintOptions = LintOptions(),
        storeCache: StoreCache = StoreCache(), observer: LintObserver? = nil
    ) -> LintReport {
        lint(targets.map { ($0, options) }, storeCache: storeCache, observer: observer)
    }

    /// Lints many targets, each with its own options (each found its own `.isconf.toml`).
    public static func lint(
        _ targets: [(target: LintTarget, options: LintOptions)],
        storeCache: StoreCache = StoreCache(), observer: LintObserver? = nil
    ) -> LintReport {
        if targets.count == 1 {
            let report = lint(targets[0].target, options: targets[0].options, storeCache: storeCache)
            observer?.progressed(1, 1)
            observer?.reportsReady(0, [report])
            return report
        }
        let reports = UnsafeMutableBufferPointer<LintReport>.allocate(capacity: targets.count)
        reports.initialize(repeating: LintReport())
        defer { reports.deallocate() }
        nonisolated(unsafe) let shared = reports
        let delivery = observer.map { OrderedDelivery(observer: $0, total: targets.count) }
        DispatchQueue.concurrentPerform(iterations: targets.count) { index in
            shared[index] = lint(targets[index].target, options: targets[index].options, storeCache: storeCache)
            delivery?.finished(index) { shared[$0] }
        }
        var merged = LintReport()
        for report in reports {
            merged.findings.append(contentsOf: report.findings)
            merged.errors.append(contentsOf: report.errors)
        }
        return merged
    }

    /// A target as `isconf lint` reads it: `options.isVersion` (e.g. "7.3.0") for what its files do not
    /// tell, and the product inferred from what they hold when nothing tells it (AssumedProduct).
    public static func lint(
        _ target: LintTarget, options: LintOptions = LintOptions(),
        storeCache: StoreCache = StoreCache()
    ) -> LintReport {
        var sources: [(ConfigRole, SourceFile)] = []
        var errors: [InputError] = []
        for (role, path) in target.files {
            do { sources.append((role, try SourceFile.read(path: path))) } catch { errors.append(error) }
        }
        var deploymentToml: SourceFile?
        if let path = target.facts.deploymentToml {
            do { deploymentToml = try SourceFile.read(path: path) } catch { errors.append(error) }
        }
        let facts = target.facts.assuming(options.isVersion.flatMap(IdentityServerRelease.named))
        var report = lint(
            sources: sources, facts: facts, options: options, deploymentToml: deploymentToml,
            storeCache: storeCache, inferringProduct: true)
        report.errors.insert(contentsOf: errors, at: 0)
        return report
    }

    /// Lints files already in memory; what the examples and `enable`'s verification use. The config
    /// mapper's data files, for deployment.toml, are read from `facts.mapperFiles`. `only` limits the
    /// report to those rules; a rule that reviews the others' findings (unused-suppression) runs them all.
    /// `inferringProduct`: when the kernel version is unknown, assume the product from what the files hold
    /// (lint) rather than take the kernel's stricter defaults (what `enable` plans against).
    public static func lint(
        sources: [(ConfigRole, SourceFile)], facts: HomeFacts, options: LintOptions = LintOptions(),
        only: [Rule]? = nil, deploymentToml: SourceFile? = nil,
        storeCache: StoreCache = StoreCache(), inferringProduct: Bool = false
    ) -> LintReport {
        let context = makeContext(
            sources: sources, facts: facts, options: options, deploymentToml: deploymentToml,
            storeCache: storeCache, inferringProduct: inferringProduct)
        let selected = only.flatMap { only in only.contains(where: \.reviewsFindings) ? nil : only } ?? rules
        var findings: [Finding] = []
        for rule in selected where runs(rule, in: context) {
            if case .files(let check) = rule.check { findings.append(contentsOf: check(context)) }
        }
        let fromFiles = findings
        for rule in selected where runs(rule, in: context) {
            if case .findings(let review) = rule.check { findings.append(contentsOf: review(context, fromFiles)) }
        }
        findings = findings.map { finding in
            var finding = finding
            finding.suppression = suppression(of: finding, in: context)
            if let severity = options.severities[finding.rule], !inputFailureRules.contains(finding.rule) { finding.severity = severity }
            return finding
        }
        if let only {
            let wanted = Set(only.map(\.id))
            findings.removeAll { !wanted.contains($0.rule) }
        }
        var order = Dictionary(uniqueKeysWithValues: sources.enumerated().map { ($1.1.path, $0) })
        // deployment.toml first: it decides what the XML will say after the next start.
        if let deploymentToml { order[deploymentToml.path] = -1 }
        findings.sort { a, b in
            let (fileA, fileB) = (order[a.file] ?? Int.max, order[b.file] ?? Int.max)
            if fileA != fileB { return fileA < fileB }
            if a.file != b.file { return a.file < b.file }
            let (positionA, positionB) = (
                a.position ?? SourcePosition(line: 0, column: 0),
                b.position ?? SourcePosition(line: 0, column: 0)
            )
            if positionA != positionB { return positionA < positionB }
            return a.rule < b.rule
        }
        return LintReport(findings: findings)
    }

    /// An `isconf-ignore` comment covering the finding comes first (it says why, where it applies),
    /// then the options' ignored rules. A finding that means a file could not be read is never suppressed.
    private static func suppression(of finding: Finding, in context: LintContext) -> Suppression? {
        if inputFailureRules.contains(finding.rule) { return nil }
        if let comment = context.suppressions.first(where: { $0.suppresses(finding) }) {
            return Suppression(kind: .inSource, justification: comment.reason)
        }
        return context.options.ignoredRules[finding.rule].map { Suppression(kind: .external, justification: $0) }
    }

    public static func makeContext(
        sources: [(ConfigRole, SourceFile)], facts: HomeFacts, options: LintOptions = LintOptions(),
        deploymentToml: SourceFile? = nil, storeCache: StoreCache = StoreCache(),
        inferringProduct: Bool = false
    ) -> LintContext {
        var documents: [(ConfigRole, XMLDocument)] = []
        var malformed: [InputError] = []
        for (role, source) in sources {
            do { documents.append((role, try XMLDocument.parse(source))) } catch { malformed.append(error) }
        }
        var context = makeContext(documents: documents, facts: facts, options: options, malformed: malformed, storeCache: storeCache)
        if let deploymentToml {
            do {
                let document = try TOMLDocument.parse(deploymentToml)
                let assumed =
                    inferringProduct && facts.kernelVersion == nil
                    ? AssumedProduct.infer(from: document, renderedCatalina: context.catalina ?? renderedCatalina(facts.renderedCatalinaBeside))
                    : nil
                context.deployment = DeploymentConfig(
                    document: document,
                    mapper: MapperData.load(facts.mapperFiles, facts: facts, assumedProduct: assumed))
                context.suppressions += InlineSuppression.find(in: document)
            } catch {
                context.deploymentMalformed = error
            }
        }
        return context
    }

    /// The catalina-server.xml beside a deployment.toml, read only to tell the product: unreadable, it
    /// tells nothing (it is not being linted).
    private static func renderedCatalina(_ path: String?) -> CatalinaServer? {
        guard let path, let source = try? SourceFile.read(path: path), let document = try? XMLDocument.parse(source),
            document.root.localName == ConfigRole.catalinaServer.rootElement
        else { return nil }
        return CatalinaServer(document: document)
    }

    /// A context over documents already parsed, so that their elements can be edited by identity.
    public static func makeContext(
        documents: [(ConfigRole, XMLDocument)], facts: HomeFacts,
        options: LintOptions = LintOptions(), malformed: [InputError] = [],
        storeCache: StoreCache = StoreCache()
    ) -> LintContext {
        var catalina: CatalinaServer?
        var authenticators: AuthenticatorsConfig?
        var malformed = malformed
        for (role, document) in documents {
            guard document.root.localName == role.rootElement else {
                malformed.append(
                    InputError(
                        path: document.path,
                        .wrongFileType, "root element is <\(document.root.qualifiedName)>, expected <\(role.rootElement)> in \(role.rawValue)",
                        position: document.root.position))
                continue
            }
            switch role {
            case .catalinaServer: catalina = CatalinaServer(document: document)
            case .authenticators: authenticators = AuthenticatorsConfig(document: document)
            }
        }
        let generation =
            options.tomcat ?? facts.tomcatGeneration
            ?? ((catalina?.connectors.contains { !$0.sslHostConfigs.isEmpty } ?? false) ? .tomcat9 : .tomcat7)
        return LintContext(
            facts: facts, tomcat: generation, catalina: catalina, authenticators: authenticators,
            malformed: malformed, stores: LintStores(cache: storeCache), options: options,
            suppressions: [catalina?.document, authenticators?.document].compactMap { $0 }.flatMap { InlineSuppression.find(in: $0) })
    }
}
