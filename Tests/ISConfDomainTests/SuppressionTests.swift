import ISConfCore
import Testing

@testable import ISConfDomain

/// `isconf-ignore` comments in XML and deployment.toml, and the options that suppress, reweigh or
/// skip rules.
@Suite struct SuppressionTests {
    static let reason = "partners are vetted by the gateway"

    func lintXML(
        catalina: String? = nil, authenticators: String? = nil, facts: HomeFacts = HomeFacts(),
        options: LintOptions = LintOptions()
    ) -> LintReport {
        var sources: [(ConfigRole, SourceFile)] = []
        if let catalina { sources.append((.catalinaServer, SourceFile(path: "catalina-server.xml", bytes: Array(catalina.utf8)))) }
        if let authenticators { sources.append((.authenticators, SourceFile(path: "authenticators.xml", bytes: Array(authenticators.utf8)))) }
        return Linter.lint(sources: sources, facts: facts, options: options)
    }

    func lintTOML(_ body: String, options: LintOptions = LintOptions()) -> LintReport {
        Linter.lint(
            sources: [], facts: Sample.identityServer73, options: options,
            deploymentToml: SourceFile(path: HomeFacts.deploymentTomlPath, bytes: Array(Sample.deploymentToml(body).utf8)))
    }

    /// An authenticator with the whitelist off (a `whitelist` warning at its WhiteListEnabled parameter).
    static let whitelistOff = Sample.mutualSSL(
        parameters: """
            <Parameter name="WhiteListEnabled">false</Parameter>
            """)

    @Test func anXMLCommentCoversTheElementAfterItAndWhatIsInside() throws {
        let report = lintXML(
            authenticators: Sample.authenticators(
                """
                    <!-- isconf-ignore whitelist: \(Self.reason) -->
                \(Self.whitelistOff)
                """))
        let finding = try #require(report.findings("whitelist").first)
        #expect(finding.suppression == Suppression(kind: .inSource, justification: Self.reason))
        #expect(report.findings.allSatisfy { $0.suppression != nil }, "\(report.findings.map(\.rule))")
    }

    @Test func severalRulesStackedCommentsAndFoldedReasons() throws {
        // Two ids in one comment, a second comment stacked below it, a reason over two lines.
        let catalina = Sample.commentBeforeHTTPSConnector(
            """
            isconf-ignore client-auth-want, attribute-typo: the load balancer
                   verifies client certificates --><!-- isconf-ignore no-https-connector: unused here
            """, in: Sample.catalina(Sample.legacy("clientAuth=\"false\" clientauth=\"want\"")))
        let report = lintXML(catalina: catalina)
        for rule in ["client-auth-want", "attribute-typo"] {
            let finding = try #require(report.findings(rule).first, "\(rule) should fire")
            #expect(finding.suppression?.justification == "the load balancer verifies client certificates")
        }
        // The stacked comment covers the same connector, where no-https-connector finds nothing.
        #expect(
            report.findings("unused-suppression").map(\.message) == [
                "isconf-ignore no-https-connector suppresses nothing: no-https-connector finds nothing in what it covers"
            ])
    }

    @Test func anXMLCommentDoesNotReachTheNextSibling() throws {
        // Before the plain HTTP connector: the HTTPS connector after it keeps its finding.
        let catalina = Sample.catalina(Sample.legacy("clientAuth=\"false\""))
            .replacing("<Connector port=\"9763\"", with: "<!-- isconf-ignore client-auth-want: \(Self.reason) -->\n<Connector port=\"9763\"")
        let report = lintXML(catalina: catalina)
        #expect(try #require(report.findings("client-auth-want").first).suppression == nil)
        #expect(report.findings("unused-suppression").count == 1)
    }

    @Test func aCommentBeforeTheCommentedOutAuthenticatorCoversIt() throws {
        let report = lintXML(
            authenticators: Sample.authenticators(
                """
                    <!-- isconf-ignore mutual-ssl-authenticator: certificate logins are off on this tier -->
                    <!--Authenticator name="MutualSSLAuthenticator" disabled="false">
                        <Priority>5</Priority>
                    </Authenticator-->
                """))
        #expect(try #require(report.findings("mutual-ssl-authenticator").first).suppression?.kind == .inSource)
    }

    @Test func refusedSuppressionsAreReportedAndSuppressNothing() throws {
        let cases = [
            ("isconf-ignore client-auth-want", "gives no reason"),
            ("isconf-ignore client-auth-want:   ", "gives no reason"),
            ("isconf-ignore: \(Self.reason)", "names no rule"),
            ("isconf-ignore client-auth-wants: \(Self.reason)", "names the unknown rule 'client-auth-wants'"),
            ("isconf-ignore client-auth-want, nope: \(Self.reason)", "names the unknown rule 'nope'"),
        ]
        for (comment, problem) in cases {
            let report = lintXML(catalina: Sample.commentBeforeHTTPSConnector(comment, in: Sample.catalina(Sample.legacy("clientAuth=\"false\""))))
            let invalid = try #require(report.findings("suppression-invalid").first, "\(comment)")
            #expect(invalid.message.contains(problem), "\(comment): \(invalid.message)")
            #expect(invalid.severity == .error)
            #expect(invalid.position?.line == 5, "at the comment")
            #expect(try #require(report.findings("client-auth-want").first).suppression == nil, "\(comment) must not suppress")
            #expect(report.findings("unused-suppression").isEmpty)
        }
    }

    @Test func aCommentFollowedByTextIsRefused() throws {
        let report = lintXML(
            authenticators: Sample.authenticators(
                """
                    <Authenticator name="X"><Priority><!-- isconf-ignore priority-format: \(Self.reason) --> 5 </Priority></Authenticator>
                """))
        #expect(try #require(report.findings("suppression-invalid").first).message.contains("is not just before an element"))
        #expect(try #require(report.findings("priority-format").first).suppression == nil)
    }

    @Test func notSuppressionsAreLeftAlone() {
        for text in [" isconf-ignored whitelist: x ", " see isconf-ignore whitelist: x", " ordinary comment "] {
            #expect(InlineSuppression.parse(text) == nil, "\(text)")
        }
        #expect(InlineSuppression.parse("isconf-ignore whitelist whitelist-thumbprint:  a  b\n c ")?.reason == "a b c")
        #expect(InlineSuppression.parse("\n  isconf-ignore whitelist whitelist-thumbprint: a")?.ruleIDs == ["whitelist", "whitelist-thumbprint"])
    }

    // MARK: deployment.toml

    static let clientAuthTable = """
        [transport.https.properties]
        clientAuth = "want"
        """

    @Test func tomlOnTheLineBeforeTheKeyAtItsEndAndBeforeItsTable() throws {
        let forms = [
            "[transport.https.properties]\n# isconf-ignore toml-client-auth: \(Self.reason)\nclientAuth = \"want\"",
            "[transport.https.properties]\nclientAuth = \"want\"   # isconf-ignore toml-client-auth: \(Self.reason)",
            "# isconf-ignore toml-client-auth: \(Self.reason)\n[transport.https.properties]\nproxyPort = 443\nclientAuth = \"want\"",
            "[transport.https.properties] # isconf-ignore toml-client-auth: \(Self.reason)\nclientAuth = \"want\"",
            // Stacked with another suppression line in between.
            "[transport.https.properties]\n# isconf-ignore toml-client-auth: \(Self.reason)\n# isconf-ignore toml-value-type: also\nclientAuth = \"want\"",
        ]
        for body in forms {
            let report = lintTOML(body)
            let finding = try #require(report.findings("toml-client-auth").first, "\(body)")
            #expect(finding.suppression == Suppression(kind: .inSource, justification: Self.reason), "\(body)")
            #expect(report.findings("suppression-invalid").isEmpty, "\(body)")
        }
    }

    @Test func tomlSuppressionCoversOnlyItsKeyOrTable() throws {
        // On the line before another key: clientAuth, on the next line but one, is not covered.
        let report = lintTOML("[transport.https.properties]\n# isconf-ignore toml-client-auth: \(Self.reason)\nproxyPort = 443\nclientAuth = \"want\"")
        #expect(try #require(report.findings("toml-client-auth").first).suppression == nil)
        #expect(report.findings("unused-suppression").count == 1)
        // Before the previous table: the next table is not covered.
        let before = lintTOML("# isconf-ignore toml-client-auth: \(Self.reason)\n[server.extra]\nx = 1\n\n\(Self.clientAuthTable)")
        #expect(try #require(before.findings("toml-client-auth").first).suppression == nil)
    }

    @Test func tomlMultiLineArrayIsCoveredFromItsLastLine() throws {
        let report = lintTOML(
            """
            [admin_console.authenticator.mutual_ssl_authenticator]
            enable = true

            [admin_console.authenticator.mutual_ssl_authenticator.config]
            WhiteListEnabled = true
            WhiteList = [
                "not-a-thumbprint",
            ]  # isconf-ignore toml-whitelist, toml-value-type: \(Self.reason)
            """)
        let covered = report.findings.filter { ["toml-whitelist", "toml-value-type"].contains($0.rule) }
        #expect(!covered.isEmpty)
        #expect(covered.allSatisfy { $0.suppression?.kind == .inSource }, "\(covered.map(\.message))")
    }

    @Test func tomlSuppressionWithNothingToCoverIsRefused() throws {
        let report = lintTOML("# isconf-ignore toml-client-auth: \(Self.reason)\n\n\(Self.clientAuthTable)")
        #expect(try #require(report.findings("suppression-invalid").first).message.contains("is neither at the end of a key's"))
        #expect(try #require(report.findings("toml-client-auth").first).suppression == nil)
    }

    @Test func hashesInStringsAreNotComments() throws {
        let report = lintTOML("[transport.https.properties]\nclientAuth = \"want # isconf-ignore toml-client-auth: \(Self.reason)\"")
        #expect(report.findings("suppression-invalid").isEmpty)
        #expect(report.findings("unused-suppression").isEmpty)
    }

    // MARK: Options

    @Test func ignoredRulesAreSuppressedExternally() throws {
        let options = LintOptions(ignoredRules: ["client-auth-want": "--ignore on the command line"])
        let report = lintXML(catalina: Sample.catalina(Sample.legacy("clientAuth=\"false\"")), options: options)
        #expect(
            try #require(report.findings("client-auth-want").first).suppression
                == Suppression(kind: .external, justification: "--ignore on the command line"))
        // A comment's own reason comes first.
        let both = lintXML(
            catalina: Sample.commentBeforeHTTPSConnector(
                "isconf-ignore client-auth-want: \(Self.reason)",
                in: Sample.catalina(Sample.legacy("clientAuth=\"false\""))),
            options: options)
        #expect(try #require(both.findings("client-auth-want").first).suppression?.kind == .inSource)
    }

    @Test func malformedFilesAreNeverSuppressed() throws {
        let report = lintXML(catalina: "<Server>", options: LintOptions(ignoredRules: ["xml-malformed": "x"], severities: ["xml-malformed": .note]))
        #expect(try #require(report.findings("xml-malformed").first).suppression == nil)
        #expect(report.hasInputFailures)
    }

    @Test func severityOverridesApplyToEveryFindingOfTheRule() throws {
        let authenticators = Sample.authenticators(Self.whitelistOff)
        #expect(try #require(lintXML(authenticators: authenticators).findings("whitelist").first).severity == .warning)
        let report = lintXML(authenticators: authenticators, options: LintOptions(severities: ["whitelist": .error]))
        #expect(try #require(report.findings("whitelist").first).severity == .error)
    }

    @Test func storeChecksOffRunNoStoreRuleAndJudgeNoSuppressionOfOne() throws {
        let catalina = Sample.commentBeforeHTTPSConnector(
            "isconf-ignore default-store-password: rotated at deploy time",
            in: Sample.storeCatalina(keystorePass: "wso2carbon"))
        let facts = Sample.home([.keys(password: "wso2carbon"), .trust([("partner", Sample.partnerCertificate)])])
        let on = lintXML(catalina: catalina, facts: facts)
        #expect(try #require(on.findings("default-store-password").first).suppression?.kind == .inSource)
        let off = lintXML(catalina: catalina, facts: facts, options: LintOptions(checksStores: false))
        #expect(off.findings.filter { Linter.storeRules.contains($0.rule) }.isEmpty)
        #expect(off.findings("unused-suppression").isEmpty, "a rule that did not run cannot be judged")
        // Without the stores on disk, checks on: store-access reports them missing.
        let missing = lintXML(catalina: Sample.storeCatalina(), facts: HomeFacts(root: "/nonexistent-isconf-home"))
        #expect(!missing.findings("store-access").isEmpty)
        let skipped = lintXML(
            catalina: Sample.storeCatalina(), facts: HomeFacts(root: "/nonexistent-isconf-home"),
            options: LintOptions(checksStores: false))
        #expect(skipped.findings("store-access").isEmpty)
    }

    @Test func storePathsOpenTheStoreWhereItReallyIs() throws {
        var trust = Sample.Store.trust([("partner", Sample.partnerCertificate)])
        trust.path = "mounted/client-truststore.jks"
        let facts = Sample.home([.keys(), trust])
        let unmapped = lintXML(catalina: Sample.storeCatalina(), facts: facts)
        #expect(try #require(unmapped.findings("store-access").first).message.contains("does not exist"))
        let mapped = lintXML(
            catalina: Sample.storeCatalina(), facts: facts,
            options: LintOptions(storePaths: [Sample.trustStorePath: "./mounted/client-truststore.jks"]))
        #expect(mapped.findings("store-access").isEmpty, "\(mapped.findings.map(\.message))")
        #expect(mapped.findings("truststore-empty").isEmpty)
    }

    @Test func expiryWindowIsConfigurable() throws {
        let facts = Sample.home([.keys(), .trust([("soon-partner", Sample.expiringCertificate)])])
        let catalina = Sample.storeCatalina()
        #expect(try #require(lintXML(catalina: catalina, facts: facts).findings("certificate-expiry").first).severity == .warning)
        #expect(lintXML(catalina: catalina, facts: facts, options: LintOptions(expiryWarningDays: 7)).findings("certificate-expiry").isEmpty)
        let expired = Sample.home([.keys(), .trust([("old", Sample.expiredCertificate)])])
        #expect(
            try #require(
                lintXML(catalina: catalina, facts: expired, options: LintOptions(expiryWarningDays: 0))
                    .findings("certificate-expiry").first
            ).severity == .error)
    }
}
