import ISConfCore
import ISConfDomain
import ISConfXML

/// One fuzz input through the whole `isconf enable` pipeline, in process:
/// parse → lint (every rule, both roles) → plan the fix (`Remediation.plan`, which patches and
/// verifies against libxml2's tree) → check what the verifier accepted.
///
/// A refusal (a thrown `InputError`) is a fine answer. A crash is not, and neither is a fix that was
/// accepted but does not hold up:
///  * the result must re-parse;
///  * it must lint clean for client-auth-want and mutual-ssl-authenticator (no finding that is
///    `fixable` or an error), and for whitelist too when a whitelist was asked for;
///  * planning again on the result must change nothing (enable is idempotent);
///  * a comment it uncomments must have been a commented-out `<Authenticator>` element: one
///    that was prose (mentioning the authenticator) would leak its words into the document;
///  * every message and hint, as text output prints it, holds no control character and is bounded.
enum Harness {
    static let path = "fuzz-input.xml"
    static let checkedRules: Set<String> = ["client-auth-want", "mutual-ssl-authenticator"]
    static let thumbprint = "3f1c0e5a9b2d4c6e8f0a1b2c3d4e5f60718293a4"

    struct Case {
        var role: ConfigRole
        var tomcat: TomcatGeneration?
        var options: EnableOptions
        var label: String
    }

    static let cases: [Case] = [
        Case(role: .catalinaServer, tomcat: nil, options: EnableOptions(), label: "catalina, tomcat from shape"),
        Case(role: .catalinaServer, tomcat: .tomcat7, options: EnableOptions(), label: "catalina, tomcat 7"),
        Case(role: .catalinaServer, tomcat: .tomcat9, options: EnableOptions(), label: "catalina, tomcat 9"),
        Case(role: .authenticators, tomcat: nil, options: EnableOptions(), label: "authenticators"),
        Case(
            role: .authenticators, tomcat: nil,
            options: EnableOptions(whitelist: [thumbprint], usernameHeader: "X-Client-User"),
            label: "authenticators, --whitelist --username-header"),
    ]

    /// Counts, for the report.
    nonisolated(unsafe) static var plansAccepted = 0
    nonisolated(unsafe) static var plansChanged = 0
    nonisolated(unsafe) static var plansRefused = 0

    /// Nil when every check holds, else what broke.
    static func check(_ bytes: [UInt8]) -> String? {
        let source = SourceFile(path: path, bytes: bytes)
        for role in ConfigRole.allCases {
            let report = Linter.lint(sources: [(role, source)], facts: HomeFacts())
            for text in report.findings.flatMap({ [$0.message, $0.hint ?? ""] }) + report.errors.map(\.message) {
                if let problem = checkDisplayed(text) { return "[lint \(role.rawValue)] " + problem }
            }
        }
        for c in cases {
            let plan: FilePlan
            do {
                plan = try Remediation.plan(source, role: c.role, facts: HomeFacts(), tomcat: c.tomcat, options: c.options)
            } catch {
                plansRefused += 1
                continue
            }
            plansAccepted += 1
            if plan.changed { plansChanged += 1 }
            if let problem = checkAccepted(plan, c) { return "[\(c.label)] " + problem }
        }
        return nil
    }

    /// What text output prints of a message: no control character (a forged line, an escape
    /// sequence), and bounded whatever the values in it.
    static func checkDisplayed(_ text: String) -> String? {
        let shown = DisplayText.message(text)
        if shown.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "a control character in text output: \(shown.debugDescription.prefix(120))"
        }
        if shown.count > DisplayText.messageLimit + 40 { return "text output of \(shown.count) characters" }
        return nil
    }

    static func checkAccepted(_ plan: FilePlan, _ c: Case) -> String? {
        let result = SourceFile(path: path, bytes: plan.result)
        let document: XMLDocument
        do { document = try XMLDocument.parse(result) } catch {
            return "accepted fix does not re-parse: \(error.description)"
        }
        if let original = try? XMLDocument.parse(plan.original) {
            var left = document.allComments().map(\.text)
            for comment in original.allComments().map(\.text) {
                if let kept = left.firstIndex(of: comment) {
                    left.remove(at: kept)
                    continue
                }
                if comment.contains("MutualSSLAuthenticator"), !isCommentedOutAuthenticator(comment) {
                    return "uncommented a comment that is not a commented-out <Authenticator>: <!--\(comment.prefix(80))-->"
                }
            }
        }
        let rules = c.options.whitelist == nil ? checkedRules : checkedRules.union(["whitelist"])
        let report = Linter.lint(sources: [(c.role, result)], facts: HomeFacts(), options: LintOptions(tomcat: c.tomcat))
        if let bad = report.findings.first(where: {
            $0.rule == "xml-malformed" || (rules.contains($0.rule) && ($0.fixable || $0.severity == .error))
        }) {
            return "accepted fix does not lint clean: \(bad.rule) \(bad.severity.rawValue)\(bad.fixable ? " fixable" : ""): \(bad.message)"
        }
        guard plan.changed else { return nil }
        do {
            let again = try Remediation.plan(result, role: c.role, facts: HomeFacts(), tomcat: c.tomcat, options: c.options)
            if again.changed { return "not idempotent: a second enable changes it again (\(again.changes.joined(separator: "; ")))" }
        } catch {
            return "a second enable on the accepted result refuses: \(error.description)"
        }
        return nil
    }

    /// `<!--Authenticator …</Authenticator-->` (dressed as an element) or `<!-- <Authenticator …/> -->`.
    static func isCommentedOutAuthenticator(_ text: String) -> Bool {
        let space: Set<UInt8> = [0x20, 0x09, 0x0D, 0x0A]
        let bytes = Array(text.utf8)
        let start = bytes.firstIndex { !space.contains($0) } ?? bytes.count
        var rest = bytes[start...]
        if start > 0 || rest.first == UInt8(ascii: "<") {  // wrapped: the markup itself must start with "<"
            guard rest.first == UInt8(ascii: "<") else { return false }
            rest = rest.dropFirst()
        }
        let name = String(
            decoding: rest.prefix { !space.contains($0) && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: ">") },
            as: UTF8.self)
        return name == "Authenticator" || name.hasSuffix(":Authenticator")
    }
}
