import Foundation
import ISConfTestSupport
import Testing

/// `isconf lint` on an IS 5.9+ home: findings at deployment.toml's keys, in every format.
@Suite struct DeploymentLintCommandTests {
    static let sample = CLI.packageRoot.appendingPathComponent("conf-samples/is-home-7.3").path
    static let toml = sample + "/repository/conf/deployment.toml"

    @Test func textPointsAtTheTOMLKeys() throws {
        let result = try CLI.run(["lint", Self.sample])
        #expect(result.status == 1)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        // The note and two findings on deployment.toml's keys first; then the store rules' warnings on the
        // rendered connector (the sample keeps WSO2's default store password, as a stock pack does).
        #expect(lines.count == 11, "\(result.stdout)")
        #expect(lines[0].hasPrefix(Self.toml + ": note: deployment.toml leaves certificateVerification"))
        #expect(lines[0].contains("isconf used its own table: the defaults of IS 7.3.0 (kernel 4.12.34)"))
        #expect(
            lines[2] == Self.toml
                + ":26:1: error: [transport.https.properties] clientAuth = \"want\" renders clientAuth on the HTTPS <Connector>, beside the <SSLHostConfig> the template always writes: Tomcat 9 takes client authentication from the SSLHostConfig's certificateVerification, and the two conflict [toml-client-auth]"
        )
        #expect(lines[3] == "    hint: remove it and set [transport.https.sslHostConfig.properties] certificateVerification = \"want\" (run: isconf enable)")
        #expect(lines[4].hasPrefix(Self.toml + ":29:1: error: [admin_console.authenticator.mutual_ssl_authenticator] enable is the string \"true\""))
        #expect(lines[6].hasSuffix("[default-store-password]"))
        // deployment.toml, catalina-server.xml and authenticators.xml are linted; findings are in the first two.
        #expect(lines[10].hasPrefix("2 errors, 2 warnings, 1 note in 3 files"), "\(lines[10])")
        #expect(!result.stdout.contains("\"wso2carbon\"") && !result.stdout.contains("\"admin\""), "deployment.toml's passwords stay out")
        #expect(
            !result.stdout.contains("[client-auth-want]") && !result.stdout.contains("[mutual-ssl-authenticator]"),
            "the rendered XML says what the TOML says: only the TOML is reported")
    }

    @Test func jsonCarriesTheTOMLPositions() throws {
        let result = try CLI.run(["lint", "--format", "json", Self.sample])
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(
            findings.map { $0["rule"] as? String }
                == ["toml-defaults", "toml-client-auth", "toml-enable-boolean", "default-store-password", "default-store-password"])
        let enable = findings[2]
        #expect(enable["file"] as? String == Self.toml)
        #expect(enable["line"] as? Int == 29)
        #expect(enable["column"] as? Int == 1)
        #expect(enable["severity"] as? String == "error")
        #expect(findings[0]["line"] is NSNull)
    }

    @Test(.enabled(if: SARIFTests.schemaAvailable, "../shared/schemas/sarif-schema-2.1.0.json is absent"))
    func sarifIsValidAndLocatesTheTOMLKey() throws {
        let result = try CLI.run(["lint", "--format", "sarif", Self.sample])
        #expect(result.status == 1)
        #expect(try SARIFTests().validate(result.stdout) == "valid")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let results = try #require(((log["runs"] as? [[String: Any]])?.first)?["results"] as? [[String: Any]])
        let enable = try #require(results.first { $0["ruleId"] as? String == "toml-enable-boolean" })
        let physical = try #require((enable["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect(((physical["artifactLocation"] as? [String: Any])?["uri"] as? String)?.hasSuffix("repository/conf/deployment.toml") == true)
        #expect((physical["region"] as? [String: Any])?["startLine"] as? Int == 29)
    }

    @Test func malformedTOMLExits2WithLineAndColumn() throws {
        let scratch = try Scratch()
        let home = try scratch.copy(Self.sample, as: "home")
        try scratch.write("home/repository/conf/deployment.toml", "[server]\nhostname = \"localhost\"\n[server]\nnode_ip = 1\n")
        let result = try CLI.run(["lint", home])
        #expect(result.status == 2)
        let line = try #require(result.stdout.split(separator: "\n").first.map(String.init))
        #expect(line.hasPrefix(home + "/repository/conf/deployment.toml:3:"), "\(result.stdout)")
        #expect(line.hasSuffix("[toml-malformed]"))
        #expect(result.stdout.contains("[client-auth-want]"), "without a readable TOML the XML rules speak for the XML")
    }

    /// A `.toml` given directly is a deployment.toml: linted at its keys, whatever its name.
    @Test func aTOMLFileGivenDirectlyIsLintedAsDeploymentToml() throws {
        let scratch = try Scratch()
        let toml = try scratch.write("prod.toml", try String(contentsOfFile: Self.toml, encoding: .utf8))
        let result = try CLI.run(["lint", "--format", "json", toml])
        #expect(result.status == 1, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(
            findings.contains { $0["rule"] as? String == "toml-enable-boolean" && $0["file"] as? String == toml && $0["line"] as? Int == 29 },
            "\(result.stdout)")
        #expect((object["errors"] as? [Any])?.isEmpty == true, "\(result.stdout)")
        #expect(!findings.contains { ($0["rule"] as? String)?.hasPrefix("toml-") == false }, "no XML or store rule without an IS_HOME")
    }

    @Test func aMalformedTOMLFileGivenDirectlyIsATomlMalformedFinding() throws {
        let scratch = try Scratch()
        let toml = try scratch.write("deployment.toml", "[server]\nhostname = \"localhost\"\nnode_ip = = 1\n")
        let result = try CLI.run(["lint", toml])
        #expect(result.status == 2)
        let line = try #require(result.stdout.split(separator: "\n").first.map(String.init))
        #expect(line.hasPrefix(toml + ":3:"), "\(result.stdout)")
        #expect(line.hasSuffix("[toml-malformed]"), "\(result.stdout)")
    }

    @Test func aHandEditInTheRenderedXMLIsDrift() throws {
        let scratch = try Scratch()
        let home = try scratch.copy(Self.sample, as: "home")
        let path = home + "/repository/conf/tomcat/catalina-server.xml"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        try original.replacingOccurrences(of: "certificateVerification=\"want\"", with: "certificateVerification=\"optional\"")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["lint", "--fail-on", "never", home])
        #expect(result.status == 0)
        #expect(
            result.stdout.contains(
                path + ":26:39: warning: certificateVerification on the SSLHostConfig is \"optional\" here, but deployment.toml renders \"want\""),
            "\(result.stdout)")
    }
}

extension Scratch {
    /// A copy of a folder below the scratch folder.
    func copy(_ source: String, as name: String) throws -> String {
        let destination = url.appendingPathComponent(name)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: source), to: destination)
        return destination.path
    }
}
