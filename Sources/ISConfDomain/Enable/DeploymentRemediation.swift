import ISConfCore
import ISConfTOML

/// The verified new contents of an IS 5.9+ home's deployment.toml.
public struct DeploymentPlan: Sendable, PlannedFile {
    public let document: TOMLDocument
    /// The document as it will be written; the original when nothing changes.
    public let edited: TOMLDocument
    /// The value changes, by key path.
    public let edits: [TOMLChange]
    /// What was done, one phrase per change, for people.
    public let changes: [String]
    /// Rules that reported a finding before and none after.
    public let rulesFixed: [String]

    public var original: SourceFile { document.source }
    public var result: [UInt8] { edited.source.bytes }
    public var path: String { document.path }
    public var changed: Bool { original.bytes != result }

    /// A unified diff with every secret masked, in values and in commented-out lines alike.
    public func diff(name: String) -> String {
        UnifiedDiff.make(
            old: redactSecrets(in: document), new: redactSecrets(in: edited), oldName: "a/" + name,
            newName: "b/" + name, redact: redactTOMLSecrets(in:))
    }
}

/// Plans `isconf enable` on IS 5.9+, where the config mapper renders catalina-server.xml and
/// authenticators.xml from deployment.toml at every start: the keys that make the TOML rules hold, set
/// in the form the file already uses (a key, a shorthand, a dotted key, an inline table) with only
/// their bytes changed, each edit verified by re-reading the whole document.
public enum DeploymentRemediation {
    public static func plan(_ source: SourceFile, facts: HomeFacts, options: EnableOptions) throws(InputError) -> DeploymentPlan {
        let document: TOMLDocument
        do { document = try TOMLDocument.parse(source) } catch {
            throw error.leaving(.notChanged)
        }
        let mapper = MapperData.load(facts.mapperFiles, facts: facts)
        let targetRules: [Rule] =
            [
                .tomlCertificateVerification, .tomlHTTPSEnabled, .tomlClientAuth, .tomlMutualSSLAuthenticator, .tomlEnableBoolean,
                .tomlDuplicateSetting,
            ]
            + (options.setsWhitelist ? [Rule.tomlWhitelist] : [])
        // The redundant halves of settings written twice go first; what is left to set is planned on the result.
        let config = DeploymentConfig(document: document, mapper: mapper)
        let removals = try duplicateRemovals(config, options: options)
        var remaining = config
        if !removals.isEmpty {
            let bytes = try TOMLEditor.apply(removals.map(\.change), to: document)
            remaining = DeploymentConfig(document: try TOMLDocument.parse(SourceFile(path: source.path, bytes: bytes)), mapper: mapper)
        }
        let planned = removals + changes(remaining, options: options, facts: facts)
        if planned.isEmpty {
            try refuseWhenTheWhitelistStopsIt(source, facts: facts, options: options)
            return DeploymentPlan(document: document, edited: document, edits: [], changes: [], rulesFixed: [])
        }
        let before = findings(of: targetRules, in: source, facts: facts)

        let edits = planned.map(\.change)
        let result = try TOMLEditor.verify(try TOMLEditor.apply(edits, to: document), original: document, changes: edits)
        let after = findings(of: targetRules, in: result.source, facts: facts)
        if let left = after.first(where: { $0.severity == .error }) {
            throw InputError(path: source.path, .cannotEdit, "could not make \(left.rule) hold (\(left.message)); not changed")
        }
        try refuseWhenTheWhitelistStopsIt(result.source, facts: facts, options: options)
        let settled = DeploymentConfig(document: result, mapper: mapper)
        let again = try duplicateRemovals(settled, options: options) + changes(settled, options: options, facts: facts)
        if !again.isEmpty {
            throw InputError(
                path: source.path, .internalError,
                "the edits did not settle (a second run would "
                    + again.map(\.description).joined(separator: "; ") + "); not changed")
        }
        let reportedBefore = Set(before.map(\.rule))
        let reportedAfter = Set(after.map(\.rule))
        let rulesFixed = targetRules.map(\.id).filter { reportedBefore.contains($0) && !reportedAfter.contains($0) }
        return DeploymentPlan(
            document: document, edited: result, edits: edits, changes: planned.map(\.description),
            rulesFixed: rulesFixed)
    }

    struct PlannedChange {
        var change: TOMLChange
        var description: String
    }

    /// Of each setting written both in full and as its shorthand (whose winner the mapper's HashMap
    /// decides), the one the file's style does not prefer. Two values that mean different things for
    /// mutual SSL are resolved only when enable sets the setting anyway; otherwise isconf cannot tell
    /// which was meant, and says so.
    static func duplicateRemovals(_ config: DeploymentConfig, options: EnableOptions) throws(InputError) -> [PlannedChange] {
        var planned: [PlannedChange] = []
        for key in DeploymentKey.allCases where config[key].entries.count > 1 {
            let entries = config[key].entries
            guard let kept = config.preferredEntry(key) else { continue }
            let disagree = Set(entries.map { key.mutualSSLMeaning(of: $0.value) }).count > 1
            let setAnyway =
                switch key {
                case .certificateVerification, .connectorClientAuth, .httpsEnabled, .authenticatorEnabled: true
                case .usernameHeader: options.usernameHeader != nil
                case .whiteListEnabled: options.setsWhitelist
                case .whiteList: options.whitelist != nil && options.whitelistCertificate == nil
                case .authenticatorPriority, .enableSHA256: false
                }
            if disagree && !setAnyway {
                let pair = entries.map { "\(DeploymentConfig.displayName($0.keyPath)) = \($0.value)" }.joined(separator: " and ")
                throw InputError(
                    path: config.path,
                    .cannotEdit,
                    "\(pair) both set \(DeploymentConfig.displayName(key.path)), and which one the server uses depends on the config mapper's HashMap: remove the one you do not mean; not changed",
                    position: kept.position)
            }
            for entry in entries where entry.keySpan != kept.keySpan {
                planned.append(
                    PlannedChange(
                        change: .remove(entry.keyPath),
                        description:
                            "remove \(DeploymentConfig.displayName(entry.keyPath)) = \(entry.value), which \(DeploymentConfig.displayName(kept.keyPath)) also sets"
                    ))
            }
        }
        return planned
    }

    /// Only what must change: a stock IS home already gets certificateVerification "want" from the
    /// product's defaults, so nothing is added for it there.
    static func changes(_ config: DeploymentConfig, options: EnableOptions, facts: HomeFacts) -> [PlannedChange] {
        var planned: [PlannedChange] = []
        func set(_ key: DeploymentKey, _ value: TOMLValue) {
            let keyPath = config.keyPathToSet(key)
            let name = DeploymentConfig.displayName(keyPath)
            if let entry = config.document.entry(keyPath) {
                guard entry.value != value else { return }
                planned.append(PlannedChange(change: .set(keyPath, value), description: "set \(name) = \(value) (was \(entry.value))"))
            } else {
                planned.append(PlannedChange(change: .set(keyPath, value), description: "add \(name) = \(value)"))
            }
        }

        if !config.rendersHTTPSConnector { set(.httpsEnabled, .boolean(true)) }
        let verification = config[.certificateVerification]
        if verification.rendered.map({ EffectiveClientAuth.mode(of: $0, generation: .tomcat9).mode }) != .optional {
            set(.certificateVerification, .string("want"))
        }
        // The rule's fix: clientAuth goes, certificateVerification (now "want") decides.
        for entry in config[.connectorClientAuth].entries {
            planned.append(
                PlannedChange(
                    change: .remove(entry.keyPath),
                    description:
                        "remove \(DeploymentConfig.displayName(entry.keyPath)) = \(entry.value), which conflicts with the SSLHostConfig's certificateVerification"
                ))
        }
        if config[.authenticatorEnabled].value != .boolean(true) { set(.authenticatorEnabled, .boolean(true)) }
        if let header = options.usernameHeader, config[.usernameHeader].value != .string(header) {
            set(.usernameHeader, .string(header))
        }
        if options.setsWhitelist {
            if config[.whiteListEnabled].value != .boolean(true) { set(.whiteListEnabled, .boolean(true)) }
            let digest = EffectiveThumbprintDigest(
                componentVersion: facts.mutualSSLComponentVersion,
                enableSHA256: config[.enableSHA256].rendered)
            if let list = options.whitelist(existing: config[.whiteList].rendered, digest: digest)?.joined(separator: ","),
                config[.whiteList].value != .string(list)
            {
                set(.whiteList, .string(list))
            }
        }
        return planned
    }

    /// `enable` never reports success on a result its own rules find broken: WhiteListEnabled with no
    /// or an empty WhiteList stops the server or every login; only `--whitelist` can say what to list.
    private static func refuseWhenTheWhitelistStopsIt(_ source: SourceFile, facts: HomeFacts, options: EnableOptions) throws(InputError) {
        guard !options.setsWhitelist, let blocking = findings(of: [.tomlWhitelist], in: source, facts: facts).first(where: Rule.stopsMutualSSL) else {
            return
        }
        throw InputError(path: source.path, .cannotEdit, Rule.whitelistNeeded(blocking))
    }

    private static func findings(of rules: [Rule], in source: SourceFile, facts: HomeFacts) -> [Finding] {
        Linter.lint(sources: [], facts: facts, only: rules, deploymentToml: source).findings
    }
}
