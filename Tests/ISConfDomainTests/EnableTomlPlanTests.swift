import Foundation
import Testing
@testable import ISConfDomain
import ISConfTOML
import ISConfXML

/// Python's tomllib, a TOML reader independent of isconf's: checks that an edited deployment.toml holds
/// exactly the original's values with the expected changes made, every value with its TOML type.
enum PythonTOML {
    enum Expected {
        case set([String], Any)
        case remove([String])
    }

    static let available: Bool = (try? run(["-c", "import tomllib"]).status) == 0
    static let skipReason: Comment = "python3 with tomllib (Python 3.11+) is not installed"

    /// Empty tables are dropped on both sides: the config mapper reads only leaves.
    private static let script = """
        import json, sys, tomllib
        def tag(value):
            if isinstance(value, dict):
                return {key: tag(item) for key, item in value.items()}
            if isinstance(value, list):
                return ["array", [tag(item) for item in value]]
            return [type(value).__name__, value if isinstance(value, (str, bool, int, float)) else str(value)]
        def prune(table):
            for key in list(table):
                if isinstance(table[key], dict):
                    prune(table[key])
                    if not table[key]:
                        del table[key]
            return table
        with open(sys.argv[1], "rb") as f: before = tomllib.load(f)
        with open(sys.argv[2], "rb") as f: after = tomllib.load(f)
        for change in json.loads(sys.argv[3]):
            node = before
            for part in change[1][:-1]:
                node = node.setdefault(part, {})
            if change[0] == "set":
                node[change[1][-1]] = change[2]
            else:
                node.pop(change[1][-1], None)
        expected, actual = prune(tag(before)), prune(tag(after))
        print("ok" if expected == actual else "expected " + json.dumps(expected) + "\\nactual   " + json.dumps(actual))
        """

    /// Nil when `after` is `before` with exactly `changes` made; else what differs.
    static func mismatch(before: [UInt8], after: [UInt8], _ changes: [Expected]) throws -> String? {
        let folder = try TemporaryDirectory()
        let beforePath = folder.url.appendingPathComponent("before.toml"), afterPath = folder.url.appendingPathComponent("after.toml")
        try Data(before).write(to: beforePath)
        try Data(after).write(to: afterPath)
        let encoded: [[Any]] = changes.map {
            switch $0 {
            case .set(let path, let value): ["set", path, value]
            case .remove(let path): ["remove", path]
            }
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: encoded), as: UTF8.self)
        let result = try run(["-c", script, beforePath.path, afterPath.path, json])
        guard result.status == 0 else { return "python3 failed: \(result.output)" }
        return result.output == "ok\n" ? nil : result.output
    }

    private static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

/// The lines a change removed and added, as a unified diff shows them.
func diffLines(_ before: [UInt8], _ after: [UInt8]) -> (removed: [String], added: [String]) {
    let diff = UnifiedDiff.make(old: before, new: after, oldName: "a", newName: "b", context: 0)
    // By bytes: as Characters, "\r\n" is one and would not split at "\n".
    let lines = diff.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).dropFirst(2).map { String(decoding: $0, as: UTF8.self) }
    return (lines.filter { $0.hasPrefix("-") }.map { String($0.dropFirst()) },
            lines.filter { $0.hasPrefix("+") }.map { String($0.dropFirst()) })
}

/// `isconf enable`'s plans for deployment.toml, on small files of our own written the ways people write
/// them: each result read back by tomllib, byte-compared with the original, and planned again.
@Suite(.enabled(if: PythonTOML.available, PythonTOML.skipReason))
struct EnableTomlPlanTests {
    static let path = "home/repository/conf/deployment.toml"
    static let authenticator = ["admin_console", "authenticator", "mutual_ssl_authenticator"]
    static let config = authenticator + ["config"]
    static let verification = DeploymentKey.certificateVerification.path

    /// Plans `toml`, checks the result with tomllib and by lines, and that a second plan changes nothing.
    @discardableResult
    func enable(_ toml: String, facts: HomeFacts = Sample.identityServer73, options: EnableOptions = EnableOptions(),
                expect changes: [PythonTOML.Expected], removed: [String] = [], added: [String],
                sourceLocation: SourceLocation = #_sourceLocation) throws -> DeploymentPlan {
        let source = SourceFile(path: Self.path, bytes: Array(toml.utf8))
        let plan = try DeploymentRemediation.plan(source, facts: facts, options: options)
        #expect(try PythonTOML.mismatch(before: source.bytes, after: plan.result, changes) == nil, sourceLocation: sourceLocation)
        let lines = diffLines(source.bytes, plan.result)
        #expect(lines.removed == removed, sourceLocation: sourceLocation)
        #expect(lines.added == added, sourceLocation: sourceLocation)
        let again = try DeploymentRemediation.plan(SourceFile(path: Self.path, bytes: plan.result), facts: facts, options: options)
        #expect(!again.changed && again.changes.isEmpty, "a second run changes nothing", sourceLocation: sourceLocation)
        let report = Linter.lint(sources: [], facts: facts, deploymentToml: SourceFile(path: Self.path, bytes: plan.result))
        let left = report.findings.filter { $0.severity == .error }
        #expect(left.isEmpty, "\(left.map(\.message))", sourceLocation: sourceLocation)
        return plan
    }

    @Test func theKeysAlreadyRightChangeNothing() throws {
        let plan = try enable(Sample.deploymentToml(Sample.compliantToml), options: EnableOptions(whitelist: [Sample.thumbprint]),
                              expect: [], added: [])
        #expect(!plan.changed && plan.rulesFixed.isEmpty && plan.edits.isEmpty)
    }

    @Test func stockIS73GetsOnlyTheAuthenticatorItsDefaultsLack() throws {
        let plan = try enable(Sample.deploymentToml(""), expect: [.set(Self.authenticator + ["enable"], true)],
                              added: ["[admin_console.authenticator.mutual_ssl_authenticator]", "enable = true"])
        #expect(plan.changes == ["add [admin_console.authenticator.mutual_ssl_authenticator] enable = true"])
        #expect(plan.rulesFixed == ["toml-mutual-ssl-authenticator"])
    }

    @Test func aKernelOnlyProductAlsoGetsCertificateVerification() throws {
        let plan = try enable(Sample.deploymentToml(""), facts: Sample.kernelProduct,
                              expect: [.set(Self.verification, "want"), .set(Self.authenticator + ["enable"], true)],
                              added: ["[transport.https.sslHostConfig.properties]", "certificateVerification = \"want\"", "",
                                      "[admin_console.authenticator.mutual_ssl_authenticator]", "enable = true"])
        #expect(plan.rulesFixed == ["toml-certificate-verification", "toml-mutual-ssl-authenticator"])
    }

    @Test func aStringTrueBecomesTheBoolean() throws {
        let plan = try enable(Sample.deploymentToml("""
            [admin_console.authenticator.mutual_ssl_authenticator]
            enable = "true"
            priority = "5"

            [admin_console.authenticator.mutual_ssl_authenticator.config]
            WhiteListEnabled = "true"
            """), options: EnableOptions(whitelist: [Sample.thumbprint]),
            expect: [.set(Self.authenticator + ["enable"], true), .set(Self.config + ["WhiteListEnabled"], true),
                     .set(Self.config + ["WhiteList"], Sample.thumbprint)],
            removed: ["enable = \"true\"", "WhiteListEnabled = \"true\""],
            added: ["enable = true", "WhiteListEnabled = true", "WhiteList = \"\(Sample.thumbprint)\""])
        #expect(plan.changes[0] == "set [admin_console.authenticator.mutual_ssl_authenticator] enable = true (was \"true\")")
        #expect(plan.rulesFixed == ["toml-enable-boolean"])
    }

    @Test func shorthandsTheFileUsesAreTheOnesSet() throws {
        try enable(Sample.deploymentToml("""
            [transport.https.properties]
            certificate_verification = "false"

            [admin_console.authenticator.mutual_ssl_authenticator]
            enable = true
            white_list_enabled = false
            """), options: EnableOptions(whitelist: [Sample.thumbprint, String(repeating: "ab", count: 32)], usernameHeader: "X-User"),
            expect: [.set(["transport", "https", "properties", "certificate_verification"], "want"),
                     .set(Self.authenticator + ["white_list_enabled"], true),
                     .set(Self.authenticator + ["username_header"], "X-User"),
                     .set(Self.authenticator + ["white_list"], Sample.thumbprint + "," + String(repeating: "ab", count: 32))],
            removed: ["certificate_verification = \"false\"", "white_list_enabled = false"],
            added: ["certificate_verification = \"want\"", "white_list_enabled = true",
                    "username_header = \"X-User\"", "white_list = \"\(Sample.thumbprint),\(String(repeating: "ab", count: 32))\""])
    }

    @Test func dottedKeysAreEditedAndJoinedInPlace() throws {
        try enable(Sample.deploymentToml("""
            [transport]
            https.sslHostConfig.properties.certificateVerification = "need"

            [admin_console]
            authenticator.mutual_ssl_authenticator.priority = "5"
            """), facts: Sample.kernelProduct,
            expect: [.set(Self.verification, "want"), .set(Self.authenticator + ["enable"], true)],
            removed: ["https.sslHostConfig.properties.certificateVerification = \"need\""],
            added: ["https.sslHostConfig.properties.certificateVerification = \"want\"",
                    "authenticator.mutual_ssl_authenticator.enable = true"])
    }

    @Test func inlineTablesKeepTheirShape() throws {
        try enable(Sample.deploymentToml("""
            [transport.https]
            sslHostConfig.properties = { certificateVerification = "false" }

            [admin_console.authenticator]
            mutual_ssl_authenticator = { priority = "5" }
            """),
            expect: [.set(Self.verification, "want"), .set(Self.authenticator + ["enable"], true)],
            removed: ["sslHostConfig.properties = { certificateVerification = \"false\" }", "mutual_ssl_authenticator = { priority = \"5\" }"],
            added: ["sslHostConfig.properties = { certificateVerification = \"want\" }",
                    "mutual_ssl_authenticator = { priority = \"5\", enable = true }"])
    }

    @Test func commentsBesideTheKeysStay() throws {
        try enable(Sample.deploymentToml("""
            # Mutual SSL: on from the next release.
            [admin_console.authenticator.mutual_ssl_authenticator] # the admin console's
            enable = false   # off for now
            # priority = 5
            """),
            expect: [.set(Self.authenticator + ["enable"], true)],
            removed: ["enable = false   # off for now"], added: ["enable = true   # off for now"])
    }

    @Test func crlfLineEndingsAreKept() throws {
        let toml = Sample.deploymentToml("""
            [transport.https.properties]
            clientAuth = "want"
            proxyPort = 443
            """).replacingOccurrences(of: "\n", with: "\r\n")
        let plan = try enable(toml, expect: [.remove(["transport", "https", "properties", "clientAuth"]),
                                             .set(Self.authenticator + ["enable"], true)],
                              removed: ["clientAuth = \"want\"\r"],
                              added: ["\r", "[admin_console.authenticator.mutual_ssl_authenticator]\r", "enable = true\r"])
        let bytes = plan.result
        #expect(bytes.indices.allSatisfy { bytes[$0] != 0x0A || ($0 > 0 && bytes[$0 - 1] == 0x0D) }, "every line still ends in CRLF")
    }

    @Test func clientAuthBesideTheSSLHostConfigIsRemoved() throws {
        let plan = try enable(Sample.deploymentToml("""
            [transport.https.properties]
            proxyPort = 443
            clientAuth = "want"

            [admin_console.authenticator.mutual_ssl_authenticator]
            enable = true
            """),
            expect: [.remove(["transport", "https", "properties", "clientAuth"])],
            removed: ["clientAuth = \"want\""], added: [])
        #expect(plan.changes == ["remove [transport.https.properties] clientAuth = \"want\", which conflicts with the SSLHostConfig's certificateVerification"])
        #expect(plan.rulesFixed == ["toml-client-auth"])
    }

    @Test func clientAuthInsideAnInlineTableIsLeftToTheUser() throws {
        let source = SourceFile(path: Self.path, bytes: Array(Sample.deploymentToml("""
            [transport.https]
            properties = { proxyPort = 443, clientAuth = "want" }
            """).utf8))
        let error = try #require(throws: InputError.self) {
            try DeploymentRemediation.plan(source, facts: Sample.identityServer73, options: EnableOptions())
        }
        #expect(error.message.contains("inline table") && error.message.contains("by hand"), "\(error)")
    }

    @Test func malformedTOMLIsRefusedWithItsPosition() throws {
        let source = SourceFile(path: Self.path, bytes: Array("[server]\nhostname = \"localhost\"\n[server]\n".utf8))
        let error = try #require(throws: InputError.self) {
            try DeploymentRemediation.plan(source, facts: Sample.identityServer73, options: EnableOptions())
        }
        #expect(error.position?.line == 3, "\(error)")
        #expect(error.message.hasSuffix("; not changed"))
    }

    /// A line at a time (`redactSecrets(in:)`, made for XML) sees `password = "…"` but not a quoted key,
    /// a multi-line string or the encryption key; the diff masks them all, and comments too.
    @Test func theDiffMasksEverySecret() throws {
        let toml = Sample.deploymentToml("""
            [keystore.primary]
            password = "Tok1-plain"
            "key_password" = "Tok2-quoted-key"
            trust_store_password = \"\"\"
            Tok3-multi
            line\"\"\"

            [encryption]
            key = "Tok4-encryption"

            [database.identity_db]
            pool = { password = 'Tok5-inline' }
            #password = "Tok6-commented"
            client_secret = "Tok7-secret"

            [secrets]
            ldap_bind = "[Tok8-vault]"

            [admin_console.authenticator.mutual_ssl_authenticator]
            enable = false
            """)
        #expect(redactSecrets(in: "password = \"Tok1-plain\"") == "password = \"********\"")
        #expect(redactSecrets(in: "\"key_password\" = \"Tok2-quoted-key\"").contains("Tok2"), "why the document itself is masked")
        let plan = try DeploymentRemediation.plan(SourceFile(path: Self.path, bytes: Array(toml.utf8)), facts: Sample.identityServer73,
                                                  options: EnableOptions())
        let plain = UnifiedDiff.make(old: plan.original.bytes, new: plan.result, oldName: "a", newName: "b", context: 50)
        #expect((1...8).allSatisfy { plain.contains("Tok\($0)") }, "the tokens are in the diff's context, to be masked")
        let masked = UnifiedDiff.make(old: redactSecrets(in: plan.document), new: redactSecrets(in: plan.edited),
                                      oldName: "a", newName: "b", context: 50, redact: redactTOMLSecrets(in:))
        for token in (1...8).map({ "Tok\($0)" }) {
            #expect(!masked.contains(token), "\(token) leaks:\n\(masked)")
        }
        #expect(masked.contains(" \"key_password\" = \"********\"\n") && masked.contains(" #password = \"********\"\n"), "\(masked)")
        // Masking keeps every line where it was: the hunk is numbered as in the real file.
        let diff = plan.diff(name: "repository/conf/deployment.toml")
        #expect(diff.hasPrefix("--- a/repository/conf/deployment.toml\n+++ b/repository/conf/deployment.toml\n"))
        #expect(diff.split(separator: "\n")[2] == UnifiedDiff.make(old: plan.original.bytes, new: plan.result, oldName: "a",
                                                                   newName: "b").split(separator: "\n")[2])
    }
}
