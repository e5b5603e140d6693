import ISConfCore
import ISConfTOML
import Testing

@testable import ISConfDomain

/// What `isconf enable` leaves to the user on IS 5.9+, and how its diffs of deployment.toml keep secrets
/// out. (EnableTomlCommandTests runs it on real and sample files and reads the results back with tomllib.)
@Suite struct EnableTomlPlanTests {
    static let path = "home/repository/conf/deployment.toml"

    @Test func clientAuthInsideAnInlineTableIsLeftToTheUser() throws {
        let source = SourceFile(
            path: Self.path,
            bytes: Array(
                Sample.deploymentToml(
                    """
                    [transport.https]
                    properties = { proxyPort = 443, clientAuth = "want" }
                    """
                ).utf8))
        let error = try #require(throws: InputError.self) {
            try DeploymentRemediation.plan(source, facts: Sample.identityServer73, options: EnableOptions())
        }
        #expect(error.kind == .cannotEdit, "\(error)")
    }

    @Test func malformedTOMLIsRefusedWithItsPosition() throws {
        let source = SourceFile(path: Self.path, bytes: Array("[server]\nhostname = \"localhost\"\n[server]\n".utf8))
        let error = try #require(throws: InputError.self) {
            try DeploymentRemediation.plan(source, facts: Sample.identityServer73, options: EnableOptions())
        }
        #expect(error.position?.line == 3, "\(error)")
        #expect(error.kind == .malformed && error.consequence == .notChanged, "\(error)")
    }

    /// A line at a time (`redactSecrets(in:)`, made for XML) sees `password = "…"` but not a quoted key,
    /// a multi-line string or the encryption key; the diff masks them all, and comments too.
    @Test func theDiffMasksEverySecret() throws {
        let toml = Sample.deploymentToml(
            """
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
        let plan = try DeploymentRemediation.plan(
            SourceFile(path: Self.path, bytes: Array(toml.utf8)), facts: Sample.identityServer73,
            options: EnableOptions())
        let plain = UnifiedDiff.make(old: plan.original.bytes, new: plan.result, oldName: "a", newName: "b", context: 50)
        #expect((1...8).allSatisfy { plain.contains("Tok\($0)") }, "the tokens are in the diff's context, to be masked")
        let masked = UnifiedDiff.make(
            old: redactSecrets(in: plan.document), new: redactSecrets(in: plan.edited),
            oldName: "a", newName: "b", context: 50, redact: redactTOMLSecrets(in:))
        for token in (1...8).map({ "Tok\($0)" }) {
            #expect(!masked.contains(token), "\(token) leaks:\n\(masked)")
        }
        #expect(masked.contains(" \"key_password\" = \"********\"\n") && masked.contains(" #password = \"********\"\n"), "\(masked)")
        // Masking keeps every line where it was: the hunk is numbered as in the real file.
        let diff = plan.diff(name: "repository/conf/deployment.toml")
        #expect(diff.hasPrefix("--- a/repository/conf/deployment.toml\n+++ b/repository/conf/deployment.toml\n"))
        #expect(
            diff.split(separator: "\n")[2]
                == UnifiedDiff.make(
                    old: plan.original.bytes, new: plan.result, oldName: "a",
                    newName: "b"
                ).split(separator: "\n")[2])
    }
}
