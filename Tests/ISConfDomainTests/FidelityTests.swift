import ISConfCore
import ISConfTOML
import Testing

@testable import ISConfDomain

/// Where isconf's verdicts and `enable` used to disagree with the real server (issue 15): each test here
/// fails on the code before it. TemplateProofTests checks the verdicts over the real templates at large.
@Suite struct FidelityTests {
    static let tomlPath = "home/repository/conf/deployment.toml"
    static let emptyWhitelist = """
        <Parameter name="UsernameHeader">UserName</Parameter>
        <Parameter name="WhiteListEnabled">true</Parameter>
        <Parameter name="WhiteList"/>
        """

    private func planXML(_ text: String, options: EnableOptions = EnableOptions()) throws(InputError) -> FilePlan {
        try Remediation.plan(
            SourceFile(path: "authenticators.xml", bytes: Array(text.utf8)), role: .authenticators,
            facts: HomeFacts(), tomcat: nil, options: options)
    }

    private func planTOML(
        _ body: String, facts: HomeFacts = Sample.identityServer73,
        options: EnableOptions = EnableOptions()
    ) throws(InputError) -> DeploymentPlan {
        try DeploymentRemediation.plan(
            SourceFile(path: Self.tomlPath, bytes: Array(Sample.deploymentToml(body).utf8)),
            facts: facts, options: options)
    }

    private func lintTOML(_ text: String, facts: HomeFacts = Sample.identityServer73) -> LintReport {
        Linter.lint(sources: [], facts: facts, deploymentToml: SourceFile(path: Self.tomlPath, bytes: Array(text.utf8)))
    }

    // MARK: 1. enable never reports success on a result its rules find broken

    @Test func enablingOverAnEmptyWhitelistWritesNothingAndSaysWhatToPass() throws {
        let disabled = Sample.authenticators(Sample.mutualSSL("disabled=\"true\"", parameters: Self.emptyWhitelist))
        let error = try #require(throws: InputError.self) { try planXML(disabled) }
        #expect(
            error.message.hasPrefix(
                "enabling mutual SSL would leave it broken: WhiteListEnabled is true and WhiteList is empty: every certificate login is rejected"), "\(error)")
        #expect(error.message.contains("pass --whitelist THUMBPRINT[,…] (or --trust-client-cert CERT --whitelist-this-cert)"))
        #expect(error.kind == .cannotEdit, "\(error)")
        // Already enabled, nothing to change: not "already compliant" either.
        let enabled = Sample.authenticators(Sample.mutualSSL(parameters: Self.emptyWhitelist))
        #expect(throws: InputError.self) { try planXML(enabled) }
        // With the thumbprints it needs, it fixes both.
        let fixed = try planXML(disabled, options: EnableOptions(whitelist: [Sample.thumbprint]))
        #expect(fixed.changes == ["set disabled=\"false\" on MutualSSLAuthenticator", "set WhiteList"])
        let after = Linter.lint(sources: [(.authenticators, SourceFile(path: "a.xml", bytes: fixed.result))], facts: HomeFacts())
        #expect(!after.findings.contains { $0.severity == .error }, "\(after.findings.map(\.message))")
    }

    @Test func enablingTheTOMLOverAnEmptyWhitelistWritesNothingAndSaysWhatToPass() throws {
        let body = """
            [admin_console.authenticator.mutual_ssl_authenticator]
            enable = "true"
            white_list_enabled = "true"
            white_list = ""
            """
        let error = try #require(throws: InputError.self) { try planTOML(body) }
        #expect(error.message.hasPrefix("enabling mutual SSL would leave it broken: WhiteListEnabled is on and WhiteList is empty"), "\(error)")
        #expect(error.message.contains("--whitelist"))
        #expect(error.kind == .cannotEdit, "\(error)")
        let fixed = try planTOML(body, options: EnableOptions(whitelist: [Sample.thumbprint]))
        #expect(
            fixed.changes.contains("set [admin_console.authenticator.mutual_ssl_authenticator] white_list = \"\(Sample.thumbprint)\" (was \"\")"),
            "\(fixed.changes)")
    }

    // MARK: 2. a disabled authenticator's broken settings are reported before it is enabled

    @Test func aDisabledAuthenticatorsEmptyWhitelistIsAWarningNow() throws {
        let xml = Linter.lint(
            sources: [
                (
                    .authenticators,
                    SourceFile(
                        path: "a.xml",
                        bytes: Array(
                            Sample.authenticators(
                                Sample.mutualSSL("disabled=\"true\"", parameters: Self.emptyWhitelist)
                            ).utf8))
                )
            ], facts: HomeFacts())
        let finding = try #require(xml.findings("whitelist").first)
        #expect(
            finding.severity == .warning
                && finding.message == "once enabled, WhiteListEnabled is true and WhiteList is empty: every certificate login is rejected")
        let toml = lintTOML(
            Sample.deploymentToml(
                """
                [admin_console.authenticator.mutual_ssl_authenticator.config]
                WhiteListEnabled = "true"
                """))
        let tomlFinding = try #require(toml.findings("toml-whitelist").first)
        #expect(tomlFinding.severity == .warning && tomlFinding.message.hasPrefix("once enabled, WhiteListEnabled is on and nothing sets WhiteList"))
    }

    // MARK: 3. a setting written as its full key and as its shorthand

    @Test func bothFormsAreReportedAndEnableRemovesTheRedundantOne() throws {
        let body = """
            [transport.https.properties]
            certificate_verification = "false"

            [transport.https.sslHostConfig.properties]
            certificateVerification = "want"
            protocols = "TLSv1.2"

            [admin_console.authenticator.mutual_ssl_authenticator]
            enable = true
            """
        let finding = try #require(lintTOML(Sample.deploymentToml(body)).findings("toml-duplicate-setting").first)
        #expect(finding.severity == .error, "\"false\" and \"want\" disagree")
        #expect(finding.message.contains("java.util.HashMap") && finding.position?.line == 13, "at the later of the two")
        let plan = try planTOML(body)
        // The SSLHostConfig's other key is written in full: the full key stays, the shorthand goes, with its emptied table.
        #expect(
            plan.changes == [
                "remove [transport.https.properties] certificate_verification = \"false\", which [transport.https.sslHostConfig.properties] certificateVerification also sets"
            ])
        #expect(!String(decoding: plan.result, as: UTF8.self).contains("[transport.https.properties]"))
        #expect(plan.rulesFixed == ["toml-duplicate-setting"])
    }

    @Test func twoWhitelistsThatDisagreeAreLeftToTheUser() throws {
        let body = """
            [admin_console.authenticator.mutual_ssl_authenticator]
            enable = true
            white_list_enabled = true
            white_list = "\(Sample.thumbprint)"

            [admin_console.authenticator.mutual_ssl_authenticator.config]
            WhiteList = "\(String(repeating: "ab", count: 20))"
            """
        let error = try #require(throws: InputError.self) { try planTOML(body) }
        #expect(error.kind == .cannotEdit, "\(error)")
        // The same list twice is only redundant: the shorthand the table's other keys use stays.
        let same = body.replacingOccurrences(of: String(repeating: "ab", count: 20), with: Sample.thumbprint)
        #expect(lintTOML(Sample.deploymentToml(same)).findings("toml-duplicate-setting").first?.severity == .warning)
        let plan = try planTOML(same)
        #expect(plan.changes.first?.hasPrefix("remove [admin_console.authenticator.mutual_ssl_authenticator.config] WhiteList") == true, "\(plan.changes)")
    }

    // MARK: 4. [transport.https] enabled

    @Test func httpsTurnedOffIsAnErrorInIS73AndEnableTurnsItOn() throws {
        let body = """
            [transport.https]
            enabled = "true"

            [admin_console.authenticator.mutual_ssl_authenticator]
            enable = true
            """
        let report = lintTOML(Sample.deploymentToml(body))
        #expect(
            report.findings("toml-https-enabled").first?.message.hasPrefix("[transport.https] enabled is the string \"true\", not the boolean true") == true)
        #expect(
            lintTOML(Sample.deploymentToml(body), facts: Sample.identityServer59).findings("toml-https-enabled").isEmpty,
            "IS 5.9's template writes the connector whatever enabled says")
        let plan = try planTOML(body)
        #expect(plan.changes == ["set [transport.https] enabled = true (was \"true\")"])
    }

    // MARK: 5. TOML 1.0 the mapper's TOML 0.5 parser rejects

    @Test func mixedArraysAreTheirOwnRuleNotMalformed() throws {
        let report = lintTOML(
            Sample.deploymentToml(
                """
                [cors]
                allowed_origins = ["https://a.example", 8443]
                """))
        let finding = try #require(report.findings("toml-1.0-only").first)
        #expect(finding.message.hasPrefix("[cors] allowed_origins has an array mixing string and integer values"))
        #expect(report.findings("toml-malformed").isEmpty && !report.hasInputFailures)
    }
}
