import Foundation
import ISConfCore
import ISConfTestSupport
import Testing

@testable import ISConfDomain

/// WSO2's own deployment.toml of IS 5.9.0 and 7.3.0 in IS_HOMEs built in temporary folders: plugins
/// named for the kernel, with and without the mapper's data files, linted the way `isconf lint` does.
@Suite(.enabled(if: Corpus.available, Corpus.skipReason))
struct DeploymentCorpusTests {
    /// These homes are built without key stores: what the store rules say of them is not the point here.
    static let storeRules = Linter.storeRules
    struct Home {
        let directory: Scratch
        let target: LintTarget
        var toml: String { directory.path + "/repository/conf/deployment.toml" }

        func lint() -> LintReport { Linter.lint(target) }

        func settings() throws -> DeploymentConfig {
            try #require(
                Linter.makeContext(
                    sources: [], facts: target.facts,
                    deploymentToml: try SourceFile.read(path: toml)
                ).deployment)
        }
    }

    /// - Parameters:
    ///   - mapperData: the kernel and IS versions whose default.json, merged, the home carries; nil for none.
    static func home(
        toml: String, appending extra: String = "", kernel: String?, identityServer: Bool = true,
        catalina: String, authenticators: String, mapperData: (kernel: String, product: String, validator: Bool)? = nil
    ) throws -> Home {
        let directory = try Scratch()
        let tomlText = try String(contentsOfFile: Corpus.path(toml), encoding: .utf8) + extra
        try directory.write("repository/conf/deployment.toml", tomlText)
        try directory.write("repository/conf/tomcat/catalina-server.xml", String(contentsOfFile: Corpus.path(catalina), encoding: .utf8))
        try directory.write("repository/conf/security/authenticators.xml", String(contentsOfFile: Corpus.path(authenticators), encoding: .utf8))
        if let kernel { try directory.write("repository/components/plugins/org.wso2.carbon.core_\(kernel).jar", "") }
        if identityServer { try directory.write("repository/components/plugins/org.wso2.carbon.identity.authenticator.mutualssl_5.6.0.jar", "") }
        if let mapperData {
            let files = try DeploymentMapperCorpusTests.writeMapperData(kernel: mapperData.kernel, product: mapperData.product, into: directory)
            if !mapperData.validator { try FileManager.default.removeItem(atPath: files.validator!) }
        }
        return Home(directory: directory, target: Discovery.home(directory.path))
    }

    static func stockIS73(mapperData: Bool, identityServer: Bool = true, appending extra: String = "") throws -> Home {
        try home(
            toml: "deployment.toml@product-is-v7.3.0", appending: extra, kernel: "4.12.34", identityServer: identityServer,
            catalina: "catalina-server.xml@product-is-v7.3.0-DERIVED-rendered",
            authenticators: "authenticators.xml@product-is-v7.3.0-DERIVED-rendered",
            mapperData: mapperData ? ("4.12.34", "7.3.0", true) : nil)
    }

    @Test func stockIS730WithItsMapperData() throws {
        let home = try Self.stockIS73(mapperData: true)
        let settings = try home.settings()
        let defaults = DefaultsSource.homeFile(home.directory.path + "/repository/resources/conf/default.json")
        #expect(settings[.certificateVerification].rendered == "want")
        #expect(settings[.certificateVerification].origin == .defaults(defaults))
        #expect(settings[.authenticatorEnabled].value == .boolean(false))
        #expect(settings[.enableSHA256].rendered == "true")
        #expect(settings.mapper.validatesWhiteList == true)

        let report = home.lint()
        #expect(report.errors.isEmpty, "\(report.errors)")
        let errors = report.findings.filter { $0.severity == .error && !Self.storeRules.contains($0.rule) }
        #expect(errors.map(\.rule) == ["toml-mutual-ssl-authenticator"], "\(report.findings.map { "\($0.rule): \($0.message)" })")
        #expect(errors.first?.file == home.toml)
        #expect(errors.first?.position == nil, "stock 7.3 has no admin_console keys: the default decides")
        #expect(report.findings("generated-by-deployment-toml").isEmpty, "the rendered XML agrees with the TOML")
        #expect(report.findings("toml-defaults").isEmpty, "the home's own default.json is exact")
        // The store rules name the store files (wso2carbon.p12); no finding carries a password.
        #expect(report.findings.allSatisfy { !$0.message.contains("\"wso2carbon\"") && !($0.hint ?? "").contains("\"wso2carbon\"") })
    }

    @Test func stockIS730WithoutMapperDataUsesTheTableAndSaysSo() throws {
        let home = try Self.stockIS73(mapperData: false)
        #expect(try home.settings()[.certificateVerification].origin == .defaults(.identityServer(kernel: "4.12.34")))
        let report = home.lint()
        #expect(
            report.findings.filter { $0.severity == .error && !Self.storeRules.contains($0.rule) }.map(\.rule)
                == ["toml-mutual-ssl-authenticator"])
        let note = try #require(report.findings("toml-defaults").first)
        #expect(note.message.contains("the home has no repository/resources/conf/default.json"))
        #expect(note.message.contains("IS 7.3.0 (kernel 4.12.34)"))
        #expect(report.findings("generated-by-deployment-toml").isEmpty)
    }

    @Test func aKernelOnlyProductDefaultsToFalse() throws {
        let home = try Self.stockIS73(mapperData: false, identityServer: false)
        let report = home.lint()
        let verification = try #require(report.findings("toml-certificate-verification").first)
        #expect(verification.message.contains("\"false\" (the default of Carbon kernel 4.12.34"))
        // The rendered file in the corpus is IS's ("want"); this product would render "false" over it.
        let drift = try #require(report.findings("generated-by-deployment-toml").first)
        #expect(drift.message.hasPrefix("certificateVerification on the SSLHostConfig is \"want\" here, but deployment.toml renders \"false\""))
        #expect(report.findings("mutual-ssl-component").count == 1)
    }

    @Test func enablingInTheTOMLShowsAsDriftUntilTheNextStart() throws {
        let home = try Self.stockIS73(
            mapperData: true,
            appending: """

                [admin_console.authenticator.mutual_ssl_authenticator]
                enable = true
                """)
        let report = home.lint()
        #expect(report.findings("toml-mutual-ssl-authenticator").isEmpty)
        let off = try #require(report.findings("toml-whitelist").first)
        #expect(off.severity == .warning && off.message.hasPrefix("the whitelist is off"))
        let drift = try #require(report.findings("generated-by-deployment-toml").first)
        #expect(report.findings("generated-by-deployment-toml").count == 1)
        #expect(drift.file.hasSuffix("repository/conf/security/authenticators.xml"))
        #expect(drift.message.hasPrefix("MutualSSLAuthenticator's disabled is \"true\" here, but deployment.toml renders \"false\""))
        #expect(
            drift.hint
                == "make the change in deployment.toml ([admin_console.authenticator.mutual_ssl_authenticator] enable); the XML is rendered from it at every start"
        )
    }

    @Test func stockIS590OverTheKernelsStaticFiles() throws {
        let home = try Self.home(
            toml: "deployment.toml@product-is-v5.9.0", kernel: "4.5.1",
            catalina: "catalina-server.xml@carbon-kernel-v4.5.1", authenticators: "authenticators.xml@carbon-kernel-v4.4.32",
            mapperData: ("4.5.1", "5.9.0", false))
        let settings = try home.settings()
        #expect(settings[.certificateVerification].rendered == "want")
        #expect(settings[.enableSHA256].value == nil, "EnableSHA256 came with kernel 4.10")
        #expect(settings.mapper.validatesWhiteList, "kernel 4.5.1's validator.json already has the WhiteList rule")
        let report = home.lint()
        #expect(
            report.findings.filter { $0.severity == .error && !Self.storeRules.contains($0.rule) }.map(\.rule)
                == ["toml-mutual-ssl-authenticator"])
        let drift = report.findings("generated-by-deployment-toml")
        #expect(drift.count == 2, "\(drift.map(\.message))")
        #expect(drift.contains { $0.file.hasSuffix("catalina-server.xml") && $0.message.contains("is \"false\" here, but deployment.toml renders \"want\"") })
        #expect(drift.contains { $0.file.hasSuffix("authenticators.xml") && $0.message.hasPrefix("MutualSSLAuthenticator is commented out here") })
    }

    @Test func stockIS590WithoutMapperDataUsesTheTableForKernel451() throws {
        let home = try Self.home(
            toml: "deployment.toml@product-is-v5.9.0", kernel: "4.5.1",
            catalina: "catalina-server.xml@carbon-kernel-v4.5.1", authenticators: "authenticators.xml@carbon-kernel-v4.4.32")
        let settings = try home.settings()
        #expect(settings[.certificateVerification].origin == .defaults(.identityServer(kernel: "4.5.1")))
        #expect(settings[.certificateVerification].rendered == "want")
        #expect(settings[.enableSHA256].value == nil)
        #expect(settings.mapper.validatesWhiteList, "kernel 4.5.1's validator.json already has the WhiteList rule")
        let report = home.lint()
        #expect(report.findings("toml-defaults").first?.message.contains("IS 5.9.0 (kernel 4.5.1)") == true)
        #expect(
            report.findings.filter { $0.severity == .error && !Self.storeRules.contains($0.rule) }.map(\.rule)
                == ["toml-mutual-ssl-authenticator"])
    }
}
