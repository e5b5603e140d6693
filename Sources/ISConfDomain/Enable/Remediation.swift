import ISConfCore
import ISConfTrustStore
import ISConfXML

/// What `isconf enable` is asked to do beyond the two required settings.
public struct EnableOptions: Sendable {
    /// Thumbprints for WhiteList (normalised: lowercase hex, no colons); sets WhiteListEnabled=true.
    public var whitelist: [String]?
    public var usernameHeader: String?
    /// A certificate whose thumbprint joins WhiteList (`--whitelist-this-cert`), in the digest the
    /// authenticator compares (both when that cannot be told), keeping the thumbprints listed.
    public var whitelistCertificate: Thumbprints?

    public init(whitelist: [String]? = nil, usernameHeader: String? = nil, whitelistCertificate: Thumbprints? = nil) {
        self.whitelist = whitelist
        self.usernameHeader = usernameHeader
        self.whitelistCertificate = whitelistCertificate
    }

    /// Whether the WhiteList is to be set, so that the whitelist rule must hold afterwards.
    var setsWhitelist: Bool { whitelist != nil || whitelistCertificate != nil }

    /// The WhiteList to write given the one there (nil: leave it): `--whitelist` as given; with a
    /// certificate, the entries there and `--whitelist`'s, plus the certificate's thumbprints the
    /// authenticator may compare, each once.
    func whitelist(existing: String?, digest: EffectiveThumbprintDigest?) -> [String]? {
        guard let whitelistCertificate else { return whitelist }
        let listed = (existing ?? "").split(separator: ",").map { entry in
            let cleaned = String(entry.trimmingXMLSpace().lowercased().filter { $0 != ":" })
            return isThumbprint(cleaned) ? cleaned : entry.trimmingXMLSpace()
        }.filter { !$0.isEmpty }
        let added = digest.map { [$0.digest.of(whitelistCertificate)] } ?? [whitelistCertificate.sha1, whitelistCertificate.sha256]
        var merged: [String] = []
        for entry in listed + (whitelist ?? []) + added where !merged.contains(entry) { merged.append(entry) }
        return merged == listed && existing != nil ? nil : merged
    }

    /// Accepts thumbprints as keytool and openssl print them (colons, upper case) and normalises them.
    public static func parseWhitelist(_ text: String) throws(InputError) -> [String] {
        var result: [String] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let cleaned = String(raw.trimmingXMLSpace().lowercased().filter { $0 != ":" })
            guard isThumbprint(cleaned) else {
                throw InputError(path: "--whitelist", .invalidArgument, "\"\(raw)\" is not a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint")
            }
            result.append(cleaned)
        }
        return result
    }

    /// An HTTP header name: a token (RFC 9110), which is also safe as XML text.
    public static func validHeaderName(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
    }
}

/// The verified new contents of one file.
public struct FilePlan: Sendable {
    public let role: ConfigRole
    public let original: SourceFile
    public let result: [UInt8]
    /// What was done, one phrase per change, for people.
    public let changes: [String]
    /// Rules that reported a finding before and none after.
    public let rulesFixed: [String]

    public var path: String { original.path }
    public var changed: Bool { original.bytes != result }
}

/// Plans `isconf enable`: the edits that make client-auth-want and mutual-ssl-authenticator hold,
/// as minimal byte patches, each verified against libxml2's tree before it is accepted.
public enum Remediation {
    static let maximumRounds = 4

    public static func plan(
        _ source: SourceFile, role: ConfigRole, facts: HomeFacts, tomcat: TomcatGeneration?,
        options: EnableOptions
    ) throws(InputError) -> FilePlan {
        let targetRules: [Rule] =
            role == .catalinaServer
            ? [.clientAuthWant]
            : [.mutualSSLAuthenticator] + (options.setsWhitelist ? [Rule.whitelist] : [])
        let before = Linter.lint(sources: [(role, source)], facts: facts, options: LintOptions(tomcat: tomcat), only: targetRules + [.xmlMalformed])
        if let malformed = before.findings.first(where: { $0.rule == Rule.xmlMalformed.id }) {
            throw InputError(path: source.path, .malformed, malformed.message, position: malformed.position, consequence: .notChanged)
        }

        var current = source.bytes
        var changes: [String] = []
        for round in 0...maximumRounds {
            let document: XMLDocument
            do { document = try XMLDocument.parse(SourceFile(path: source.path, bytes: current)) } catch {
                throw InputError(path: source.path, .internalError, "an edit left the file unreadable (\(error.message))", consequence: .notChanged)
            }
            let context = Linter.makeContext(documents: [(role, document)], facts: facts, options: LintOptions(tomcat: tomcat))
            let planned =
                try role == .catalinaServer
                ? catalinaEdits(context, document: document)
                : authenticatorsEdits(context, document: document, options: options)
            if planned.isEmpty { break }
            // One round more than edits may take, to see that they settled: else the last edits would be lost.
            if round == maximumRounds {
                throw InputError(
                    path: source.path, .cannotEdit,
                    "the edits did not settle in \(maximumRounds) rounds (still to do: "
                        + planned.map(\.description).joined(separator: "; ") + "); not changed")
            }
            let replacements = try Patcher.replacements(for: planned.map(\.edit), in: document)
            let patched = try Patcher.apply(replacements, to: current, path: source.path)
            try EditVerifier.verify(original: document, edits: planned.map(\.edit), patched: patched)
            current = patched
            changes += planned.map(\.description)
        }

        let result = SourceFile(path: source.path, bytes: current)
        // Never a success over a whitelist that still stops every certificate login: only --whitelist can fix it.
        if role == .authenticators, !options.setsWhitelist,
            let blocking = Linter.lint(sources: [(role, result)], facts: facts, options: LintOptions(tomcat: tomcat), only: [.whitelist]).findings.first(
                where: Rule.stopsMutualSSL)
        {
            throw InputError(path: source.path, .cannotEdit, Rule.whitelistNeeded(blocking))
        }
        let after = Linter.lint(sources: [(role, result)], facts: facts, options: LintOptions(tomcat: tomcat), only: targetRules)
        if let left = after.findings.first(where: { $0.fixable || $0.severity == .error }) {
            throw InputError(path: source.path, .cannotEdit, "could not make \(left.rule) hold (\(left.message)); not changed")
        }
        let reportedBefore = Set(before.findings.map(\.rule))
        let reportedAfter = Set(after.findings.map(\.rule))
        let rulesFixed = targetRules.map(\.id).filter { reportedBefore.contains($0) && !reportedAfter.contains($0) }
        return FilePlan(role: role, original: source, result: current, changes: changes, rulesFixed: rulesFixed)
    }

    struct PlannedEdit {
        var edit: XMLEdit
        var description: String
    }

    // MARK: catalina-server.xml

    static func catalinaEdits(_ context: LintContext, document: XMLDocument) throws(InputError) -> [PlannedEdit] {
        guard let server = context.catalina, let connector = server.mainHTTPSConnector else {
            throw InputError(path: document.path, .cannotEdit, "no HTTPS connector to enable client authentication on; not changed")
        }
        guard let connectorIndex = document.index(of: connector.element) else { return [] }
        var edits: [PlannedEdit] = []
        let auth = connector.effectiveClientAuth(generation: context.tomcat)
        if context.tomcat == .tomcat9, let hostConfig = connector.defaultSSLHostConfig,
            let hostIndex = document.index(of: hostConfig.element)
        {
            // The SSLHostConfig shape: the setting lives there; never add clientAuth to this Connector.
            if auth.mode != .optional {
                edits.append(
                    PlannedEdit(
                        edit: .setAttribute(element: hostIndex, name: "certificateVerification", value: "want"),
                        description: "set certificateVerification=\"want\" on the SSLHostConfig of \(connector.subject)"))
            }
            if connector.clientAuth != nil {
                edits.append(
                    PlannedEdit(
                        edit: .removeAttribute(element: connectorIndex, name: "clientAuth"),
                        description: "remove clientAuth from \(connector.subject), which conflicts with its SSLHostConfig"))
            }
        } else if auth.mode != .optional {
            edits.append(
                PlannedEdit(
                    edit: .setAttribute(element: connectorIndex, name: "clientAuth", value: "want"),
                    description: "set clientAuth=\"want\" on \(connector.subject)"))
        }
        return edits
    }

    // MARK: authenticators.xml

    static func authenticatorsEdits(_ context: LintContext, document: XMLDocument, options: EnableOptions) throws(InputError) -> [PlannedEdit] {
        guard let config = context.authenticators else { return [] }
        guard let authenticator = config.mutualSSL else {
            if let comment = config.commentedOutMutualSSL, let index = document.index(of: comment) {
                return [PlannedEdit(edit: .uncomment(comment: index), description: "uncomment MutualSSLAuthenticator")]
            }
            let whitelist = options.whitelist(
                existing: nil,
                digest: EffectiveThumbprintDigest(
                    componentVersion: context.facts.mutualSSLComponentVersion, enableSHA256: nil))
            return [
                PlannedEdit(
                    edit: .appendChild(
                        parent: 0,
                        markup: newAuthenticator(
                            prefix: document.root.prefix,
                            usernameHeader: options.usernameHeader,
                            whitelist: whitelist)),
                    description: "add MutualSSLAuthenticator (Priority 5, UsernameHeader, WhiteListEnabled, WhiteList)")
            ]
        }
        guard let index = document.index(of: authenticator.element) else { return [] }
        var edits: [PlannedEdit] = []
        let disabled = authenticator.element.attribute("disabled")
        if disabled?.value.lowercased() != "false" {
            edits.append(
                PlannedEdit(
                    edit: .setAttribute(element: index, name: "disabled", value: "false"),
                    description: disabled == nil
                        ? "add disabled=\"false\" to MutualSSLAuthenticator (it was enabled only implicitly)"
                        : "set disabled=\"false\" on MutualSSLAuthenticator"))
        }
        var wanted: [(String, String)] = []
        if let header = options.usernameHeader { wanted.append(("UsernameHeader", header)) }
        if options.setsWhitelist {
            wanted.append(("WhiteListEnabled", "true"))
            let digest = authenticator.thumbprintDigest(componentVersion: context.facts.mutualSSLComponentVersion)
            if let whitelist = options.whitelist(existing: authenticator.parameter("WhiteList")?.value, digest: digest) {
                wanted.append(("WhiteList", whitelist.joined(separator: ",")))
            }
        }
        guard !wanted.isEmpty else { return edits }
        let prefix = authenticator.element.prefix.map { $0 + ":" } ?? ""
        guard let configElement = authenticator.element.childElements.last(where: { $0.localName == "Config" }),
            let configIndex = document.index(of: configElement)
        else {
            var lines: [(depth: Int, text: String)] = [(0, "<\(prefix)Config>")]
            lines += wanted.map { (1, parameterMarkup(prefix: prefix, name: $0.0, value: $0.1)) }
            lines.append((0, "</\(prefix)Config>"))
            edits.append(
                PlannedEdit(
                    edit: .appendChild(parent: index, markup: Markup(lines)),
                    description: "add <Config> with \(wanted.map(\.0).joined(separator: ", "))"))
            return edits
        }
        for (name, value) in wanted {
            let existing = configElement.childElements.last { $0.localName == "Parameter" && $0.attribute("name")?.value == name }
            if let existing, let parameterIndex = document.index(of: existing) {
                if existing.text != value {
                    edits.append(PlannedEdit(edit: .setText(element: parameterIndex, text: value), description: "set \(name)"))
                }
            } else {
                edits.append(
                    PlannedEdit(
                        edit: .appendChild(parent: configIndex, markup: Markup([(0, parameterMarkup(prefix: prefix, name: name, value: value))])),
                        description: "add \(name)"))
            }
        }
        return edits
    }

    static func newAuthenticator(prefix: String?, usernameHeader: String?, whitelist: [String]?) -> Markup {
        let p = prefix.map { $0 + ":" } ?? ""
        return Markup([
            (0, "<\(p)Authenticator name=\"\(AuthenticatorsConfig.mutualSSLName)\" disabled=\"false\">"),
            (1, "<\(p)Priority>5</\(p)Priority>"),
            (1, "<\(p)Config>"),
            (2, parameterMarkup(prefix: p, name: "UsernameHeader", value: usernameHeader ?? "UserName")),
            (2, parameterMarkup(prefix: p, name: "WhiteListEnabled", value: whitelist == nil ? "false" : "true")),
            (
                2,
                whitelist.map { parameterMarkup(prefix: p, name: "WhiteList", value: $0.joined(separator: ",")) }
                    ?? "<\(p)Parameter name=\"WhiteList\"/>"
            ),
            (1, "</\(p)Config>"),
            (0, "</\(p)Authenticator>"),
        ])
    }

    static func parameterMarkup(prefix: String, name: String, value: String) -> String {
        "<\(prefix)Parameter name=\"\(name)\">\(escapeXMLText(value))</\(prefix)Parameter>"
    }
}

/// `&`, `<` and `>` as entities: enough for text built into markup.
func escapeXMLText(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
