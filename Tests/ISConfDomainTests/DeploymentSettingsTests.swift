import ISConfCore
import ISConfTOML
import Testing

@testable import ISConfDomain

/// Effective settings of small deployment.toml files of our own, as the config mapper would render them.
@Suite struct DeploymentSettingsTests {
    static let is73 = HomeFacts(kernelVersion: "4.12.34", hasMutualSSLComponent: true)
    static let tomlPath = "home/repository/conf/deployment.toml"

    private func config(_ toml: String, facts: HomeFacts = is73) throws -> DeploymentConfig {
        let document = try TOMLDocument.parse(SourceFile(path: Self.tomlPath, bytes: Array(toml.utf8)))
        return DeploymentConfig(document: document, mapper: MapperData.load(MapperFiles(), facts: facts))
    }

    private func lint(_ toml: String, facts: HomeFacts = is73, catalina: String? = nil, authenticators: String? = nil) -> LintReport {
        var sources: [(ConfigRole, SourceFile)] = []
        if let catalina { sources.append((.catalinaServer, SourceFile(path: "home/" + ConfigRole.catalinaServer.relativePath, bytes: Array(catalina.utf8)))) }
        if let authenticators {
            sources.append((.authenticators, SourceFile(path: "home/" + ConfigRole.authenticators.relativePath, bytes: Array(authenticators.utf8))))
        }
        return Linter.lint(sources: sources, facts: facts, deploymentToml: SourceFile(path: Self.tomlPath, bytes: Array(toml.utf8)))
    }

    @Test func keysAlreadyRight() throws {
        let toml = Sample.deploymentToml(Sample.compliantToml)
        let settings = try config(toml)
        let verification = settings[.certificateVerification]
        #expect(verification.rendered == "want")
        #expect(verification.origin == .key)
        #expect(verification.entry?.position == SourcePosition(line: 10, column: 1))
        #expect(settings[.authenticatorEnabled].value == .boolean(true))
        #expect(settings[.whiteList].rendered == Sample.thumbprint)
        #expect(settings[.usernameHeader].origin == .defaults(.identityServer(kernel: "4.12.34")))
        #expect(settings[.usernameHeader].rendered == "UserName")
        #expect(settings[.connectorClientAuth].origin == .unset)
        #expect(settings.keyPathToSet(.certificateVerification) == DeploymentKey.certificateVerification.path)
        let report = lint(toml)
        #expect(report.findings.filter { $0.severity > .note }.isEmpty, "\(report.findings.map(\.message))")
    }

    @Test func stockIS73TakesWantFromTheProductAndLeavesTheAuthenticatorOff() throws {
        let settings = try config(Sample.deploymentToml(""))
        #expect(settings[.certificateVerification].rendered == "want")
        #expect(settings[.certificateVerification].origin == .defaults(.identityServer(kernel: "4.12.34")))
        #expect(settings[.authenticatorEnabled].value == .boolean(false))
        #expect(settings[.enableSHA256].rendered == "true")
        let report = lint(Sample.deploymentToml(""))
        #expect(report.findings("toml-certificate-verification").isEmpty)
        let off = try #require(report.findings("toml-mutual-ssl-authenticator").first)
        #expect(off.position == nil && off.file == Self.tomlPath)
        #expect(
            off.message
                == "deployment.toml does not set [admin_console.authenticator.mutual_ssl_authenticator] enable, and the default of IS 7.3.0 (kernel 4.12.34) is false: the MutualSSLAuthenticator is rendered disabled=\"true\", so certificate logins are refused"
        )
        // No kernel version: the kernel's defaults, which a note owns up to.
        let unknown = lint(Sample.deploymentToml(""), facts: HomeFacts(root: "home"))
        #expect(unknown.findings("toml-certificate-verification").first?.message.contains("\"false\"") == true)
        #expect(unknown.findings("toml-defaults").first?.message.contains("kernel version is unknown") == true)
    }

    @Test func shorthandsFillTheInternalKeyAndAreKeptWhenSetting() throws {
        let settings = try config(
            Sample.deploymentToml(
                """
                [transport.https.properties]
                certificate_verification = "optional"

                [admin_console.authenticator.mutual_ssl_authenticator]
                enable = true
                username_header = "X-User"
                """))
        let verification = settings[.certificateVerification]
        #expect(verification.rendered == "optional")
        #expect(verification.origin == .shorthand)
        #expect(verification.entry?.keyPath == ["transport", "https", "properties", "certificate_verification"])
        #expect(verification.originDescription.hasPrefix("[transport.https.properties] certificate_verification, a shorthand for"))
        #expect(settings.keyPathToSet(.certificateVerification) == ["transport", "https", "properties", "certificate_verification"])
        #expect(settings[.usernameHeader].rendered == "X-User")
        // The file writes the authenticator's config through shorthands only: so do new keys.
        #expect(settings.keyPathToSet(.whiteList) == ["admin_console", "authenticator", "mutual_ssl_authenticator", "white_list"])
        #expect(settings.keyPathToSet(.whiteListEnabled).last == "white_list_enabled")
        #expect(settings.keyPathToSet(.authenticatorEnabled) == DeploymentKey.authenticatorEnabled.path)

        let full = try config(
            Sample.deploymentToml(
                """
                [admin_console.authenticator.mutual_ssl_authenticator.config]
                UsernameHeader = "X-User"
                """))
        #expect(full.keyPathToSet(.whiteList) == DeploymentKey.whiteList.path)
        #expect(try config(Sample.deploymentToml("")).keyPathToSet(.whiteList) == DeploymentKey.whiteList.path)
        #expect(
            lint(Sample.deploymentToml("[transport.https.properties]\ncertificate_verification = \"optional\"")).findings("toml-certificate-verification")
                .isEmpty)
    }

    /// The real mapper's HashMap picks the winner (toml-duplicate-setting reports the pair); the other
    /// rules read the later in table order, a reading that stays the same whatever keys are added.
    @Test func whenKeyAndShorthandAreBothWrittenTheRulesReadTheLaterInTableOrder() throws {
        let shorthandTableFirst = try config(
            Sample.deploymentToml(
                """
                [transport.https.properties]
                certificate_verification = "false"

                [transport.https.sslHostConfig.properties]
                certificateVerification = "want"
                """))
        #expect(shorthandTableFirst[.certificateVerification].rendered == "want")
        #expect(shorthandTableFirst[.certificateVerification].entries.count == 2)
        let keyTableFirst = try config(
            Sample.deploymentToml(
                """
                [transport.https.sslHostConfig.properties]
                certificateVerification = "want"

                [transport.https.properties]
                certificate_verification = "false"
                """))
        #expect(keyTableFirst[.certificateVerification].rendered == "false")
        #expect(keyTableFirst[.certificateVerification].origin == .shorthand)
    }

    @Test func dottedKeysInlineTablesAndComments() throws {
        let toml = Sample.deploymentToml(
            """
            [transport]
            https.sslHostConfig.properties.certificateVerification = "false"  # was "want"
            # https.sslHostConfig.properties.certificateVerification = "want"

            [admin_console.authenticator]
            mutual_ssl_authenticator = { enable = true, config = { WhiteListEnabled = true, WhiteList = "\(Sample.thumbprint)" } }
            """)
        let settings = try config(toml)
        let verification = settings[.certificateVerification]
        #expect(verification.rendered == "false")
        #expect(verification.origin == .key)
        #expect(verification.entry?.position == SourcePosition(line: 10, column: 1))
        #expect(settings[.authenticatorEnabled].value == .boolean(true))
        #expect(settings[.whiteListEnabled].value == .boolean(true))
        #expect(settings[.whiteList].entry?.position == SourcePosition(line: 14, column: 81), "at its own key inside the inline table")
        let report = lint(toml)
        let finding = try #require(report.findings("toml-certificate-verification").first)
        #expect(finding.position == SourcePosition(line: 10, column: 1))
        #expect(
            finding.message
                == "certificateVerification is \"false\" ([transport.https.sslHostConfig.properties] certificateVerification): Tomcat requests no client certificate, so mutual SSL cannot work"
        )
        #expect(report.findings("toml-mutual-ssl-authenticator").isEmpty)
        #expect(report.findings("toml-whitelist").isEmpty)
    }

    @Test func crlfFilesReadTheSame() throws {
        let lf = Sample.deploymentToml(Sample.compliantToml + "\n\n[transport.https.properties]\nclientAuth = \"want\"")
        let crlf = lf.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
        #expect(crlf.contains("\r\n"))
        let (a, b) = (lint(lf), lint(crlf))
        #expect(a.findings.map(\.message) == b.findings.map(\.message))
        #expect(a.findings.map(\.position) == b.findings.map(\.position))
        #expect(b.findings("toml-client-auth").first?.position == SourcePosition(line: 20, column: 1))
    }

    @Test func wrongTypes() throws {
        let report = lint(
            Sample.deploymentToml(
                """
                [admin_console.authenticator.mutual_ssl_authenticator]
                enable = "true"
                priority = 5.0
                white_list_enabled = true
                white_list = ["\(Sample.thumbprint)"]
                """))
        let enable = try #require(report.findings("toml-enable-boolean").first)
        #expect(
            enable.message
                == "[admin_console.authenticator.mutual_ssl_authenticator] enable is the string \"true\", not the boolean true: the template's `is sameas true` fails, so the MutualSSLAuthenticator is rendered disabled=\"true\""
        )
        #expect(enable.position == SourcePosition(line: 10, column: 1))
        #expect(report.findings("toml-mutual-ssl-authenticator").isEmpty, "one finding for a string enable, not two")
        let types = report.findings("toml-value-type")
        #expect(types.count == 2)
        #expect(types.contains { $0.message.contains("priority is 5.0 (a float)") && $0.position?.line == 11 })
        #expect(types.contains { $0.message.contains("white_list, a shorthand for") && $0.message.contains("is an array") && $0.position?.line == 13 })
        #expect(report.findings("toml-whitelist").allSatisfy { !$0.message.contains("entry") }, "an array is not split into entries")
    }

    @Test func theValidatorStopsFromKernel451AndOnlyForTheBoolean() throws {
        let empty = Sample.deploymentToml(
            """
            [admin_console.authenticator.mutual_ssl_authenticator]
            enable = true
            white_list_enabled = true
            white_list = ""
            """)
        let stopMessage = "the config mapper's validator stops the server at start (\"Trusted client certificates list is required\")"
        // The rule is in kernel 4.5.0/4.5.1's validator.json already (IS 5.9), not only from 4.6.1.
        for facts in [
            HomeFacts(kernelVersion: "4.5.1", hasMutualSSLComponent: true), HomeFacts(kernelVersion: "4.6.1", hasMutualSSLComponent: true),
            HomeFacts(),
        ] {
            let stops = try #require(lint(empty, facts: facts).findings("toml-whitelist").first)
            #expect(stops.message.hasSuffix(stopMessage), "\(facts.kernelVersion ?? "unknown kernel"): \(stops.message)")
            #expect(stops.position == SourcePosition(line: 12, column: 1))
        }

        let string = lint(
            Sample.deploymentToml(
                """
                [admin_console.authenticator.mutual_ssl_authenticator]
                enable = true
                white_list_enabled = "true"
                """))
        let quiet = try #require(string.findings("toml-whitelist").first)
        #expect(quiet.message.contains("silently never starts") && quiet.message.contains("validator does not catch it"))
        #expect(string.findings("toml-value-type").first?.severity == .warning)
    }

    @Test func docsKeysThatDoNothing() throws {
        let report = lint(
            Sample.deploymentToml(
                """
                [transport.https.sslHostConfig.certificate.properties]
                certificateVerification = "want"

                [admin_console.authenticator.mutual_ssl_authenticator]
                enable = true
                allowlist = ""
                """), facts: HomeFacts(kernelVersion: "4.12.34", hasMutualSSLComponent: false))
        let table = try #require(report.findings("toml-certificate-table").first)
        #expect(table.position == SourcePosition(line: 10, column: 1))
        #expect(table.message.contains("stays \"false\" (the default of Carbon kernel 4.12.34"))
        #expect(report.findings("toml-certificate-verification").count == 1)
        #expect(report.findings("toml-allowlist").first?.position == SourcePosition(line: 14, column: 1))
    }

    @Test func driftBothWays() throws {
        // A hand edit in the XML: the TOML (IS default) says "want", the XML "false".
        let handEdit = lint(
            Sample.deploymentToml(""), catalina: Sample.renderedCatalina(certificateVerification: "false"),
            authenticators: Sample.renderedAuthenticators(disabled: "true"))
        let drift = try #require(handEdit.findings("generated-by-deployment-toml").first)
        #expect(handEdit.findings("generated-by-deployment-toml").count == 1)
        #expect(drift.file.hasSuffix("catalina-server.xml"))
        #expect(drift.position?.line == 6)
        #expect(
            drift.message.hasPrefix(
                "certificateVerification on the SSLHostConfig is \"false\" here, but deployment.toml renders \"want\" (the default of IS 7.3.0"))
        #expect(handEdit.findings("client-auth-want").isEmpty, "deployment.toml decides: the XML rule would only repeat")

        // A TOML change not rendered yet: enable = true, the XML still disabled, and a new WhiteList.
        let pending = lint(
            Sample.deploymentToml(Sample.compliantToml), catalina: Sample.renderedCatalina(certificateVerification: "want"),
            authenticators: Sample.renderedAuthenticators(disabled: "true"))
        let messages = pending.findings("generated-by-deployment-toml").map(\.message)
        #expect(messages.count == 3, "\(messages)")
        #expect(
            messages.contains {
                $0.hasPrefix(
                    "MutualSSLAuthenticator's disabled is \"true\" here, but deployment.toml renders \"false\" ([admin_console.authenticator.mutual_ssl_authenticator] enable)"
                )
            })
        #expect(messages.contains { $0.hasPrefix("parameter WhiteListEnabled is \"false\" here, but deployment.toml renders \"true\"") })
        #expect(messages.contains { $0.hasPrefix("parameter WhiteList is absent here, but deployment.toml renders \"\(Sample.thumbprint)\"") })

        // Agreement: nothing, however generated the files are.
        let agreed = lint(
            Sample.deploymentToml(""), catalina: Sample.renderedCatalina(certificateVerification: "want"),
            authenticators: Sample.renderedAuthenticators(disabled: "true"))
        #expect(agreed.findings("generated-by-deployment-toml").isEmpty)
    }

    @Test func malformedTOMLIsAnInputFailureWithItsPosition() throws {
        let report = lint(Sample.deploymentToml("[transport.https.sslHostConfig.properties]\ncertificateVerification = \"want"))
        let finding = try #require(report.findings("toml-malformed").first)
        #expect(finding.file == Self.tomlPath)
        #expect(finding.position?.line == 10)
        #expect(report.hasInputFailures)
        #expect(report.findings.count == 1, "nothing else can be said about a file that does not parse")
    }
}
