import Foundation
import ISConfCore
import ISConfTOML
import ISConfTestSupport
import ISConfXML
import Testing

@testable import ISConfDomain

/// Discovery of a config repository (lint's walk) and the product a deployment.toml is assumed to be for.
@Suite struct ConfigRepositoryTests {
    static let renderedCatalina =
        "<Server><Service><Connector port=\"9443\" SSLEnabled=\"true\"><SSLHostConfig certificateVerification=\"want\"/></Connector></Service></Server>\n"

    func relative(_ path: String, to directory: Scratch) -> String {
        String(path.dropFirst(directory.path.count + 1))
    }

    func describe(_ targets: [LintTarget], in directory: Scratch) -> [String] {
        targets.map { target in
            if let root = target.facts.root { return "home " + relative(root, to: directory) }
            let files = [target.facts.deploymentToml].compactMap { $0 } + target.files.map(\.path)
            return files.map { relative($0, to: directory) }.joined(separator: " + ")
        }
    }

    @Test func aWalkFindsTheKnownFilesInNameOrderAndGroupsAFoldersFiles() throws {
        let directory = try Scratch()
        try directory.write("b/deployment.toml", "[server]\n")
        try directory.write("b/catalina-server.xml", Self.renderedCatalina)
        try directory.write("b/authenticators.xml", DiscoveryTests.minimalAuthenticators)
        try directory.write("a/values.yaml", "x: 1\n")
        try directory.write("a/qa.toml", "[transport.https.properties]\nproxyPort = 443\n")
        try directory.write("a/tool.toml", "[tool]\nname = \"x\"\n")
        try directory.write("c/catalina-server.xml", Self.renderedCatalina)
        try directory.write("c/deep/er/home/repository/conf/tomcat/catalina-server.xml", Self.renderedCatalina)
        try directory.write(".hidden/deployment.toml", "[server]\n")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/c/up", withDestinationPath: "..")
        let result = Discovery.discover([directory.path], configRepositories: true)
        #expect(result.errors.isEmpty && result.skipped.isEmpty, "\(result.errors) \(result.skipped)")
        #expect(
            describe(result.targets, in: directory) == [
                "a/qa.toml",
                "b/deployment.toml + b/authenticators.xml + b/catalina-server.xml",
                "c/catalina-server.xml",
                "home c/deep/er/home",
            ])
        let group = result.targets[1]
        #expect(group.facts.root == nil && group.facts.tomcatGeneration == .tomcat9)
        #expect(group.files.map(\.role) == [.authenticators, .catalinaServer])

        let old = Discovery.discover([directory.path])
        #expect(describe(old.targets, in: directory).isEmpty, "enable and watch do not walk")
        #expect(old.errors.first?.kind == .noConfiguration)
    }

    @Test func filesGivenTogetherFromOneFolderAreOneTargetAndALoneTomlIsToldOfTheXMLBesideIt() throws {
        let directory = try Scratch()
        let toml = try directory.write("prod/deployment.toml", "[server]\n")
        let catalina = try directory.write("prod/catalina-server.xml", Self.renderedCatalina)
        let other = try directory.write("dev/catalina-server.xml", Self.renderedCatalina)
        let together = Discovery.discover([catalina, other, toml], configRepositories: true)
        #expect(describe(together.targets, in: directory) == ["prod/deployment.toml + prod/catalina-server.xml", "dev/catalina-server.xml"])
        #expect(together.targets[0].facts.renderedCatalinaBeside == nil)

        let alone = Discovery.discover([toml], configRepositories: true)
        #expect(describe(alone.targets, in: directory) == ["prod/deployment.toml"])
        #expect(alone.targets[0].facts.renderedCatalinaBeside == catalina)
        #expect(Discovery.discover([toml]).targets[0].facts.renderedCatalinaBeside == nil)
    }

    @Test func aTemplatedDeploymentTomlIsSkippedAndADeepFolderNamed() throws {
        let directory = try Scratch()
        let template = try directory.write("chart/confs/deployment.toml", "{% if mutual_ssl %}\n[admin_console]\n{% endif %}\n")
        let broken = try directory.write("conf/deployment.toml", "[server\n")
        var deep = "deep"
        for level in 1...Discovery.walkDepth { deep += "/\(level)" }
        try directory.write(deep + "/deployment.toml", "[server]\n")
        let result = Discovery.discover([directory.path], configRepositories: true)
        #expect(result.skipped.map(\.path) == [template, directory.path + "/" + deep], "\(result.skipped)")
        #expect(result.skipped.last?.kind == .tooDeep(limit: Discovery.walkDepth))
        #expect(result.targets.map(\.facts.deploymentToml) == [broken], "a malformed deployment.toml is linted: toml-malformed says where")
    }

    static func document(_ text: String) throws -> TOMLDocument {
        try TOMLDocument.parse(SourceFile(path: "deployment.toml", bytes: Array(text.utf8)))
    }

    static func catalina(_ verification: String) throws -> CatalinaServer {
        let xml = Self.renderedCatalina.replacingOccurrences(of: "\"want\"", with: "\"\(verification)\"")
        return CatalinaServer(document: try XMLDocument.parse(SourceFile(path: "conf/catalina-server.xml", bytes: Array(xml.utf8))))
    }

    @Test func theEvidenceStrongestFirst() throws {
        let apim = AssumedProduct.infer(
            from: try Self.document("[super_admin]\nusername = \"a\"\n[apim.analytics]\nenable = false\n"),
            renderedCatalina: try Self.catalina("want"))
        #expect(apim == AssumedProduct(kind: .kernelOnly(product: "WSO2 API Manager"), evidence: "the file has [apim.analytics], as API Manager's has"))
        let identity = AssumedProduct.infer(
            from: try Self.document("oauth.token_cleanup.enable = true\n[user_store]\ntype = \"ldap\"\n"),
            renderedCatalina: try Self.catalina("false"))
        #expect(identity == AssumedProduct(kind: .identityServer, evidence: "the file has [oauth.token_cleanup], [user_store]"))
        let rendered = AssumedProduct.infer(from: try Self.document("[server]\nhostname = \"h\"\n"), renderedCatalina: try Self.catalina("none"))
        #expect(rendered.kind == .kernelOnly(product: "a kernel-only product"))
        #expect(rendered.evidence == "the catalina-server.xml rendered beside it has certificateVerification=\"none\", the Carbon kernel's default")
        // The TOML sets it: the rendered value says nothing about the product's default.
        let set = AssumedProduct.infer(
            from: try Self.document("[transport.https.properties]\ncertificate_verification = \"false\"\n"),
            renderedCatalina: try Self.catalina("false"))
        #expect(set == AssumedProduct(kind: .identityServer, evidence: "nothing in the file names the product, and isconf is for Identity Server"))
    }

    /// lint assumes; enable plans against the kernel's stricter defaults, which write "want" explicitly.
    @Test func onlyLintAssumesAProduct() throws {
        let source = SourceFile(path: "deployment.toml", bytes: Array("[super_admin]\nusername = \"admin\"\n".utf8))
        let facts = HomeFacts(deploymentToml: "deployment.toml")
        let linted = Linter.makeContext(sources: [], facts: facts, deploymentToml: source, inferringProduct: true).deployment
        #expect(linted?[.certificateVerification].rendered == "want")
        #expect(linted?.mapper.defaultsUnknown == [DeploymentKey.enableSHA256.rawValue, DeploymentKey.httpsEnabled.rawValue])
        let planned = Linter.makeContext(sources: [], facts: facts, deploymentToml: source).deployment
        #expect(planned?[.certificateVerification].rendered == "false")
        #expect(planned?.mapper.defaultsSource == .kernel(nil))
        // A release named on the command line is exact: no assumption, its own table.
        let named = Linter.makeContext(
            sources: [], facts: facts.assuming(IdentityServerRelease.named("7.1.0")), deploymentToml: source,
            inferringProduct: true
        ).deployment
        #expect(named?.mapper.defaultsSource == .identityServer(kernel: "4.10.42"))
        #expect(named?[.enableSHA256].rendered == "true")
        #expect(named?.mapper.notes == ["isconf used its own table: the defaults of IS 7.1.0 (kernel 4.10.42), as --is-version says"])
    }

    @Test func releasesAndTheirProblems() {
        #expect(IdentityServerRelease.named("5.9.0")?.kernel == "4.5.1")
        #expect(IdentityServerRelease.problem(with: "7.3.0") == nil)
        #expect(IdentityServerRelease.problem(with: "7.3.0.1") == "'7.3.0.1' is not an IS version of the form X.Y.Z, e.g. 7.3.0")
        #expect(IdentityServerRelease.problem(with: "٧.٣.٠") == "'٧.٣.٠' is not an IS version of the form X.Y.Z, e.g. 7.3.0")
        #expect(IdentityServerRelease.problem(with: "5.0.0")?.hasPrefix("'5.0.0' is not an Identity Server release isconf knows") == true)
        // An IS_HOME's own plugins folder wins over the release named.
        #expect(HomeFacts(kernelVersion: "4.4.32").assuming(IdentityServerRelease.named("7.3.0")).kernelVersion == "4.4.32")
    }
}

extension ConfigRepositoryTests {
    /// Table names come from the file: quoted as TOML writes them, and cut when long.
    @Test func evidenceNamesTablesAsTOMLWritesThemAndCutsLongOnes() throws {
        let long = String(repeating: "x", count: 300)
        let assumed = AssumedProduct.infer(from: try Self.document("[oauth.\"a.b\"]\nk = 1\n[user_store.\(long)]\nk = 1\n"), renderedCatalina: nil)
        #expect(assumed.evidence.hasPrefix("the file has [oauth.\"a.b\"], [user_store.xxxx"), "\(assumed.evidence)")
        #expect(assumed.evidence.hasSuffix("…(311 bytes)]"), "\(assumed.evidence)")
    }
}
