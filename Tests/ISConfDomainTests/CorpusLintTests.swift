import Foundation
import ISConfCore
import ISConfTestSupport
import Testing

@testable import ISConfDomain

/// The verdicts SOURCES.md implies for WSO2's real files.
@Suite(.enabled(if: Corpus.available, Corpus.skipReason))
struct CorpusLintTests {
    @Test func stockIS560IsCompliantButForTheImplicitEnable() throws {
        let report = try Corpus.lint(
            catalina: "catalina-server.xml@product-is-v5.6.0",
            authenticators: "authenticators.xml@product-is-v5.6.0-DERIVED-build-replace",
            facts: HomeFacts(kernelVersion: "4.4.32"))
        #expect(report.findings("client-auth-want").isEmpty)
        let mutual = report.findings("mutual-ssl-authenticator")
        #expect(mutual.count == 1)
        #expect(mutual.first?.severity == .note)
        #expect(mutual.first?.fixable == true)
        #expect(!report.findings.contains { $0.severity == .error })
    }

    @Test func kernel4432FailsBothWithTheAuthenticatorCommentedOut() throws {
        let report = try Corpus.lint(
            catalina: "catalina-server.xml@carbon-kernel-v4.4.32",
            authenticators: "authenticators.xml@carbon-kernel-v4.4.32",
            facts: HomeFacts(root: "k", kernelVersion: "4.4.32"))
        let clientAuth = try #require(report.findings("client-auth-want").first)
        #expect(clientAuth.severity == .error)
        #expect(clientAuth.message.contains("clientAuth=\"false\""))
        #expect(clientAuth.position == SourcePosition(line: 68, column: 20))
        let mutual = try #require(report.findings("mutual-ssl-authenticator").first)
        #expect(mutual.severity == .error)
        #expect(mutual.message.contains("commented out"))
        #expect(mutual.position?.line == 65)
    }

    @Test(arguments: ["catalina-server.xml@carbon-kernel-v4.5.1", "catalina-server.xml@carbon-kernel-v4.10.9"])
    func sslHostConfigShapeReportsCertificateVerification(file: String) throws {
        let report = try Corpus.lint(catalina: file, facts: HomeFacts(root: "k", kernelVersion: "4.5.1"))
        let finding = try #require(report.findings("client-auth-want").first)
        #expect(finding.message.contains("certificateVerification=\"false\""))
        #expect(finding.hint?.contains("SSLHostConfig") == true)
    }

    @Test func renderedIS730() throws {
        let report = try Corpus.lint(
            catalina: "catalina-server.xml@product-is-v7.3.0-DERIVED-rendered",
            authenticators: "authenticators.xml@product-is-v7.3.0-DERIVED-rendered",
            facts: HomeFacts(
                root: "is", deploymentToml: "is/repository/conf/deployment.toml",
                kernelVersion: "4.12.34"))
        #expect(report.findings("client-auth-want").isEmpty, "certificateVerification=\"want\" on the SSLHostConfig")
        #expect(report.findings("mutual-ssl-authenticator").first?.message.contains("disabled") == true)
    }

    @Test func kernel440HasNoAuthenticatorAtAll() throws {
        let report = try Corpus.lint(authenticators: "authenticators.xml@carbon-kernel-v4.4.0")
        #expect(report.findings("mutual-ssl-authenticator").first?.message.contains("not declared") == true)
    }

    @Test func explicitlyEnabledVariantPasses() throws {
        let report = try Corpus.lint(authenticators: "authenticators.xml@product-is-v5.6.0-test-tenantDropdown-enabled")
        #expect(report.findings("mutual-ssl-authenticator").isEmpty)
        #expect(report.findings("whitelist").map(\.severity) == [.warning])
    }

    @Test(arguments: [
        "catalina-server.xml@product-is-v5.3.0", "catalina-server.xml@product-is-v5.6.0",
        "catalina-server.xml@product-is-v5.9.0", "catalina-server.xml@product-is-v7.3.0",
        "catalina-server.xml@kubernetes-is-v5.4.0-pattern-1",
        "catalina-server.xml@kubernetes-is-v5.8.0.3-helm-is-pattern-1",
    ])
    func productFilesAlreadyWant(file: String) throws {
        #expect(try Corpus.lint(catalina: file).findings("client-auth-want").isEmpty)
    }

    /// No false alarms: every real file parses, and its attributes are all names Tomcat knows.
    @Test func everyWellFormedCorpusFileParsesWithoutTypos() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Corpus.directory)
            .filter { $0.hasPrefix("catalina-server.xml@") || $0.hasPrefix("authenticators.xml@") }
        #expect(names.count >= 18)
        for name in names {
            let role: ConfigRole = name.hasPrefix("catalina") ? .catalinaServer : .authenticators
            let report = Linter.lint(sources: [(role, try Corpus.source(name))], facts: HomeFacts())
            #expect(report.findings("xml-malformed").isEmpty, "\(name): \(report.findings("xml-malformed").map(\.message))")
            #expect(report.findings("attribute-typo").isEmpty, "\(name): \(report.findings("attribute-typo").map(\.message))")
            #expect(report.findings("no-https-connector").isEmpty, "\(name)")
        }
    }

    @Test func templatesAreSkippedNotLintedAsXML() {
        let templates = [
            "catalina-server.xml.j2@carbon-kernel-v4.5.1", "catalina-server.xml.j2@product-is-v7.3.0",
            "catalina-server.xml.erb@puppet-is-v5.6.0.1", "authenticators.xml.j2@carbon-kernel-v4.5.1",
        ]
        let result = Discovery.discover(templates.map(Corpus.path))
        #expect(result.targets.isEmpty)
        #expect(result.errors.isEmpty)
        #expect(result.skipped.count == templates.count)
    }
}
