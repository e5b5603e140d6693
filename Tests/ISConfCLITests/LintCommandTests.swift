import Foundation
import ISConfTestSupport
import Testing

@Suite struct LintCommandTests {
    @Test func sampleHomeReportsBothProblemsWithExit1() throws {
        let result = try CLI.run(["lint", CLI.sample])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(
            lines[0].hasSuffix(
                "catalina-server.xml:23:20: error: clientAuth=\"false\" on the HTTPS connector means no client certificate is requested, so mutual SSL cannot work [client-auth-want]"
            ))
        #expect(lines[1].hasPrefix("    hint: "))
        #expect(lines[2].contains("authenticators.xml:13:5: error: MutualSSLAuthenticator is commented out"))
        #expect(lines[4] == "2 errors in 2 files (2 fixable with isconf enable)")
        #expect(result.stderr.isEmpty)
        #expect(!result.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
    }

    @Test func failOnControlsTheExitStatus() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        try scratch.write(
            "home/repository/conf/tomcat/catalina-server.xml",
            """
            <Server><Service><Connector port="9443" SSLEnabled="true" scheme="https" clientAuth="want"/></Service></Server>
            """)
        try scratch.write(
            "home/repository/conf/security/authenticators.xml",
            """
            <Authenticators><Authenticator name="MutualSSLAuthenticator" disabled="false">
            <Config><Parameter name="WhiteListEnabled">false</Parameter></Config></Authenticator></Authenticators>
            """)
        #expect(try CLI.run(["lint", home]).status == 0, "only a warning: below the default --fail-on error")
        #expect(try CLI.run(["lint", "--fail-on", "warning", home]).status == 1)
        #expect(try CLI.run(["lint", "--fail-on", "never", CLI.sample]).status == 0)
    }

    @Test func usageErrorsExit64() throws {
        #expect(try CLI.run(["lint"]).status == 64)
        #expect(try CLI.run(["lint", "--format", "xml", CLI.sample]).status == 64)
        #expect(try CLI.run(["lint", "--fail-on", "sometimes", CLI.sample]).status == 64)
        #expect(try CLI.run(["frobnicate"]).status == 64)
    }

    @Test func jsonOutput() throws {
        let result = try CLI.run(["lint", "--format", "json", CLI.sample])
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.count == 2)
        let first = findings[0]
        #expect(first["rule"] as? String == "client-auth-want")
        #expect(first["severity"] as? String == "error")
        #expect((first["file"] as? String)?.hasSuffix("repository/conf/tomcat/catalina-server.xml") == true)
        #expect(first["line"] as? Int == 23)
        #expect(first["column"] as? Int == 20)
        #expect(first["fixable"] as? Bool == true)
        #expect((first["message"] as? String)?.isEmpty == false)
        #expect((object["errors"] as? [Any])?.isEmpty == true)
    }

    @Test func manyHomesKeepTheirOrderAcrossParallelRuns() throws {
        let scratch = try Scratch()
        var homes: [String] = []
        for index in 0..<30 { homes.append(try scratch.copySample(as: String(format: "h%02d", index))) }
        let folder = try CLI.run(["lint", "--format", "json", scratch.path])
        let listed = try CLI.run(["lint", "--format", "json"] + homes)
        #expect(folder.status == 1)
        #expect(folder.stdout == listed.stdout)
        let homesInOrder = folder.stdout.split(separator: "\n").filter { $0.contains("\"file\"") }
            .compactMap { line in line.split(separator: "/").first { $0.count == 3 && $0.hasPrefix("h") }.map(String.init) }
        #expect(homesInOrder.count == 60)
        #expect(homesInOrder == homesInOrder.sorted(), "findings follow the homes' name order")
    }

    @Test func secretsNeverAppear() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        try scratch.write(
            "home/repository/conf/tomcat/catalina-server.xml",
            """
            <Server xmlns:svns="http://org.wso2.securevault/configuration"><Service>
              <Connector port="9443" SSLEnabled="true" scheme="https" clientAuth="need" keystorePass="S3cr3t-KS"
                         keystorepas="S3cr3t-typo" truststorePass="S3cr3t-TS" svns:secretAlias="Server.Service.Connector.keystorePass">
                <SSLHostConfig truststorePassword="S3cr3t-HC" certificateVerification="bogus">
                  <Certificate certificateKeystorePassword="S3cr3t-CK" certificateKeyPasword="S3cr3t-typo2"/>
                </SSLHostConfig>
              </Connector>
            </Service></Server>
            """)
        for format in ["text", "json", "sarif"] {
            for tomcat in ["7", "9"] {
                let result = try CLI.run(["lint", "--format", format, "--tomcat", tomcat, home])
                #expect(result.status == 1)
                #expect(!result.stdout.contains("S3cr3t") && !result.stderr.contains("S3cr3t"), "\(format): \(result.stdout)")
            }
        }
        let text = try CLI.run(["lint", home]).stdout
        #expect(text.contains("[attribute-typo]"), "the typo is still reported, by name")
    }

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let command = "\(CLI.binary.path) lint \(CLI.sample)"
        let coloured = try CLI.run(["-qec", command, "/dev/null"], executable: "/usr/bin/script")
        #expect(coloured.stdout.contains("\u{1B}[1;31merror"))
        let plain = try CLI.run(["-qec", command, "/dev/null"], environment: ["NO_COLOR": "1"], executable: "/usr/bin/script")
        #expect(plain.stdout.contains("error:") && !plain.stdout.contains("\u{1B}["))
    }

    @Test func rulesCatalogue() throws {
        let list = try CLI.run(["rules"])
        #expect(list.status == 0)
        let one = try CLI.run(["rules", "client-auth-want"])
        #expect(one.status == 0)
        #expect(one.stdout.contains("Triggers: clientAuth=\"true\" locks out clients without a certificate"))
        #expect(one.stdout.contains("Passes: clientAuth=\"want\""))
        #expect(one.stdout.contains("catalina-server.xml:"))
        let toml = try CLI.run(["rules", "toml-enable-boolean"])
        #expect(
            toml.stdout.contains(
                "Triggers: the string \"true\"\n  (kernel 4.12.34)\n  (plugins folder with the mutual SSL bundle)\n  deployment.toml:\n    [server]\n"))
        #expect(toml.stdout.contains("    enable = \"true\"\n"))
        #expect(try CLI.run(["rules", "no-such-rule"]).status == 64)
        for id in list.stdout.split(separator: "\n").compactMap({ $0.split(separator: " ").first.map(String.init) }) {
            let text = try CLI.run(["rules", id]).stdout.lowercased()
                .replacingOccurrences(of: "pass=\"********\"", with: "").replacingOccurrences(of: "password=\"********\"", with: "")
            #expect(!text.contains("pass=\"") && !text.contains("password=\""), "rule \(id)'s examples show a password")
        }
    }
}
