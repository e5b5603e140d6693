import Foundation
import ISConfTestSupport
import Testing

/// `isconf lint` with `.isconf.toml`, `--config`, `--ignore`, `isconf-ignore` comments, `--fail-on note`,
/// `--quiet` and `--color`, run on the built binary.
@Suite struct ConfigAndSuppressionCommandTests {
    static let catalinaPath = "repository/conf/tomcat/catalina-server.xml"
    static let authenticatorsPath = "repository/conf/security/authenticators.xml"

    /// A scratch repository (a folder with `.git`) holding a copy of the sample IS_HOME at `fleet/home`.
    func repository() throws -> (scratch: Scratch, repo: String, home: String) {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.path + "/repo/.git", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: scratch.path + "/repo/fleet", withIntermediateDirectories: true)
        let home = try scratch.copySample(as: "repo/fleet/home")
        return (scratch, scratch.path + "/repo", home)
    }

    func edit(_ path: String, replacing old: String, with new: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(old))
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func theConfigurationIsFoundUpwardsAndStopsAtTheRepositoryRoot() throws {
        let (scratch, repo, home) = try repository()
        try scratch.write("repo/.isconf.toml", "ignore = [\"client-auth-want\"]\n")
        // Above the repository root: never read for what is inside it.
        try scratch.write(".isconf.toml", "ignore = [\"mutual-ssl-authenticator\"]\n")
        let inside = try CLI.run(["lint", home])
        #expect(inside.status == 1)
        #expect(!inside.stdout.contains("[client-auth-want]"))
        #expect(inside.stdout.contains("[mutual-ssl-authenticator]"))
        #expect(inside.stdout.hasSuffix("1 error in 2 files (1 fixable with isconf enable), 1 suppressed\n"), "\(inside.stdout)")
        // A home outside the repository gets the configuration above it.
        let outside = try scratch.copySample(as: "outside/home")
        let result = try CLI.run(["lint", outside])
        #expect(!result.stdout.contains("[mutual-ssl-authenticator]") && result.stdout.contains("[client-auth-want]"))
        // A configuration nearer the home wins; a file given directly looks from its folder.
        try scratch.write("repo/fleet/.isconf.toml", "")
        #expect(try CLI.run(["lint", home]).stdout.hasSuffix("2 errors in 2 files (2 fixable with isconf enable)\n"))
        try FileManager.default.removeItem(atPath: repo + "/fleet/.isconf.toml")
        let single = try CLI.run(["lint", home + "/" + Self.catalinaPath])
        #expect(single.stdout == "no findings in 1 file, 1 suppressed\n", "\(single.stdout)")
    }

    @Test func configOptionReplacesTheSearch() throws {
        let (scratch, _, home) = try repository()
        try scratch.write("repo/.isconf.toml", "ignore = [\"client-auth-want\"]\n")
        let config = try scratch.write("elsewhere.toml", "ignore = [\"mutual-ssl-authenticator\"]\n")
        let result = try CLI.run(["lint", "--config", config, home])
        #expect(result.stdout.contains("[client-auth-want]") && !result.stdout.contains("[mutual-ssl-authenticator]"))
        let missing = try CLI.run(["lint", "--config", scratch.path + "/none.toml", home])
        #expect(missing.status == 2)
        #expect(missing.stdout.isEmpty)
        #expect(missing.stderr.hasPrefix("isconf: error: \(scratch.path)/none.toml: "))
    }

    @Test func aBadConfigurationIsOneLineAndExit2WithNothingLinted() throws {
        let (scratch, _, home) = try repository()
        let bad = [
            ("verbose = true\n", "1:1: unknown key verbose"),
            ("ignore = [\"client-auth\"]\n", "1:11: unknown rule 'client-auth'"),
            ("[stores]\ncheck = \"off\"\n", "2:1: stores.check must be a boolean, not a string"),
            ("ignore = [\n", "2:1: invalid TOML"),
        ]
        for (text, expected) in bad {
            let config = try scratch.write("repo/.isconf.toml", text)
            for format in ["text", "json", "sarif"] {
                let result = try CLI.run(["lint", "--format", format, home])
                #expect(result.status == 2, "\(text)")
                #expect(result.stdout.isEmpty, "nothing linted: \(result.stdout)")
                let lines = result.stderr.split(separator: "\n")
                #expect(lines.count == 1 && lines[0].hasPrefix("isconf: error: \(config):\(expected)"), "\(result.stderr)")
            }
        }
    }

    @Test func severityStoresAndPathsFromTheConfiguration() throws {
        let (scratch, _, home) = try repository()
        try scratch.write(
            "repo/.isconf.toml",
            """
            ignore = ["client-auth-want", "mutual-ssl-authenticator"]
            [severity]
            store-access = "warning"
            [stores.paths]
            "repository/resources/security/client-truststore.jks" = "mounted/truststore.jks"
            """)
        // The trust store is looked for where the configuration says, relative to it: missing there.
        let mapped = try CLI.run(["lint", home])
        #expect(mapped.status == 0, "a warning now, below --fail-on error")
        #expect(mapped.stdout.contains("warning: the trust store \(scratch.path)/repo/mounted/truststore.jks does not exist"), "\(mapped.stdout)")
        try FileManager.default.createDirectory(atPath: scratch.path + "/repo/mounted", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: home + "/repository/resources/security/client-truststore.jks",
            toPath: scratch.path + "/repo/mounted/truststore.jks")
        #expect(try CLI.run(["lint", home]).stdout == "no findings in 2 files, 2 suppressed\n")
        // Store checks off: no store rule runs, even with the store missing.
        try FileManager.default.removeItem(atPath: scratch.path + "/repo/mounted/truststore.jks")
        try scratch.write(
            "repo/.isconf.toml",
            """
            ignore = ["client-auth-want", "mutual-ssl-authenticator"]
            [stores]
            check = false
            [stores.paths]
            "repository/resources/security/client-truststore.jks" = "mounted/truststore.jks"
            """)
        #expect(try CLI.run(["lint", home]).stdout == "no findings in 2 files, 2 suppressed\n")
    }

    /// The sample home with its HTTPS connector's finding suppressed in the file and the authenticator's by `--ignore`.
    func suppressedHome() throws -> (Scratch, String) {
        let (scratch, _, home) = try repository()
        try edit(
            home + "/" + Self.catalinaPath, replacing: "<!-- HTTPS: the connector mutual SSL is about. -->",
            with: "<!-- isconf-ignore client-auth-want: the F5 in front asks for client certificates -->")
        return (scratch, home)
    }

    @Test func inlineSuppressionsLeaveTheTextAndStayInJSON() throws {
        let (scratch, home) = try suppressedHome()
        defer { withExtendedLifetime(scratch) {} }
        let text = try CLI.run(["lint", "--ignore", "mutual-ssl-authenticator", home])
        #expect(text.status == 0)
        #expect(text.stdout == "no findings in 2 files, 2 suppressed\n")
        let object = try json(try CLI.run(["lint", "--format", "json", "--ignore", "mutual-ssl-authenticator", home]).stdout)
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.count == 2)
        #expect(
            findings[0]["suppressed"] as? [String: String]
                == ["kind": "inSource", "justification": "the F5 in front asks for client certificates"])
        #expect(findings[1]["suppressed"] as? [String: String] == ["kind": "external", "justification": "--ignore on the command line"])
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary["errors"] == 0 && summary["suppressed"] == 2 && summary["fixable"] == 0)
        // Unsuppressed findings say so with null.
        let plain = try json(try CLI.run(["lint", "--format", "json", CLI.sample]).stdout)
        #expect((plain["findings"] as? [[String: Any]])?.allSatisfy { $0["suppressed"] is NSNull } == true)
    }

    @Test func tomlSuppressionsOnTheCommandLine() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.path + "/.git", withIntermediateDirectories: true)
        let toml = try scratch.write(
            "deployment.toml",
            """
            [transport.https.properties]
            # isconf-ignore toml-client-auth: removed with the 7.3 upgrade, INFRA-1234
            clientAuth = "want"

            [admin_console.authenticator.mutual_ssl_authenticator]
            enable = "true"  # isconf-ignore toml-enable-boolean
            """)
        let result = try CLI.run(["lint", toml])
        #expect(result.status == 1)
        #expect(!result.stdout.contains("[toml-client-auth]"))
        #expect(
            result.stdout.contains("deployment.toml:6:18: error: this isconf-ignore gives no reason, so it suppresses nothing [suppression-invalid]"),
            "\(result.stdout)")
        #expect(result.stdout.contains("[toml-enable-boolean]"), "a refused suppression suppresses nothing")
    }

    @Test(.enabled(if: SARIFTests.schemaAvailable, "../shared/schemas/sarif-schema-2.1.0.json is absent"))
    func sarifCarriesSuppressionsAndValidates() throws {
        let (scratch, home) = try suppressedHome()
        defer { withExtendedLifetime(scratch) {} }
        let output = try CLI.run(["lint", "--format", "sarif", "--ignore", "mutual-ssl-authenticator", home]).stdout
        #expect(try SARIFTests().validate(output) == "valid")
        let run = try #require((try json(output)["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(
            results.map { $0["suppressions"] as? [[String: String]] } == [
                [["kind": "inSource", "justification": "the F5 in front asks for client certificates"]],
                [["kind": "external", "justification": "--ignore on the command line"]],
            ])
        let plain = try json(try CLI.run(["lint", "--format", "sarif", CLI.sample]).stdout)
        let plainResults = try #require(((plain["runs"] as? [[String: Any]])?.first)?["results"] as? [[String: Any]])
        #expect(plainResults.allSatisfy { ($0["suppressions"] as? [Any])?.isEmpty == true })
    }

    @Test func ignoreNamesKnownRulesOnly() throws {
        #expect(try CLI.run(["lint", "--ignore", "client-auth", CLI.sample]).status == 64)
        let malformed = try CLI.run(["lint", "--ignore", "xml-malformed", CLI.sample])
        #expect(malformed.status == 64)
        #expect(malformed.stderr.contains("xml-malformed cannot be ignored"))
        #expect(try CLI.run(["lint", "--ignore", "client-auth-want", "--ignore", "mutual-ssl-authenticator", CLI.sample]).status == 0)
    }

    /// The sample with both errors ignored and a stale suppression: one note left.
    func homeWithOnlyANote() throws -> (Scratch, String) {
        let (scratch, _, home) = try repository()
        try edit(
            home + "/" + Self.catalinaPath, replacing: "<!-- HTTPS: the connector mutual SSL is about. -->",
            with: "<!-- isconf-ignore attribute-typo: we spell clientauth our own way -->")
        return (scratch, home)
    }

    static let ignoreBoth = ["--ignore", "client-auth-want", "--ignore", "mutual-ssl-authenticator"]

    @Test func failOnNote() throws {
        let (scratch, home) = try homeWithOnlyANote()
        defer { withExtendedLifetime(scratch) {} }
        let result = try CLI.run(["lint"] + Self.ignoreBoth + [home])
        #expect(result.status == 0)
        #expect(result.stdout.contains("note: isconf-ignore attribute-typo suppresses nothing"))
        #expect(try CLI.run(["lint", "--fail-on", "note"] + Self.ignoreBoth + [home]).status == 1)
        #expect(try CLI.run(["lint", "--fail-on", "warning"] + Self.ignoreBoth + [home]).status == 0)
    }

    @Test func quietPrintsOnlyWhatFails() throws {
        let (scratch, home) = try homeWithOnlyANote()
        defer { withExtendedLifetime(scratch) {} }
        // Errors and a note: only the errors, with their hints, no summary.
        let result = try CLI.run(["lint", "--quiet", home])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 4, "\(result.stdout)")
        #expect(lines[0].contains("error:") && lines[2].contains("error:") && lines[1].hasPrefix("    hint:"))
        #expect(!result.stdout.contains("note:") && !result.stdout.contains(" in 2 files"))
        // Nothing that fails: nothing at all.
        let clean = try CLI.run(["lint", "--quiet"] + Self.ignoreBoth + [home])
        #expect(clean.status == 0 && clean.stdout.isEmpty && clean.stderr.isEmpty)
        #expect(try CLI.run(["lint", "--quiet", "--fail-on", "note"] + Self.ignoreBoth + [home]).stdout.contains("note:"))
        #expect(try CLI.run(["lint", "--quiet", "--fail-on", "never", home]).stdout.isEmpty)
    }

    @Test func colorSwitch() throws {
        let always = try CLI.run(["lint", "--color", "always", CLI.sample])
        #expect(always.stdout.contains("\u{1B}[1;31merror\u{1B}[0m"))
        // NO_COLOR speaks for auto only.
        #expect(try CLI.run(["lint", "--color", "always", CLI.sample], environment: ["NO_COLOR": "1"]).stdout.contains("\u{1B}["))
        #expect(!(try CLI.run(["lint", "--color", "never", CLI.sample]).stdout.contains("\u{1B}[")))
        #expect(!(try CLI.run(["lint", "--color", "auto", CLI.sample]).stdout.contains("\u{1B}[")), "not a terminal")
        #expect(!(try CLI.run(["lint", "--color", "always", "--format", "json", CLI.sample]).stdout.contains("\u{1B}[")))
        #expect(try CLI.run(["lint", "--color", "sometimes", CLI.sample]).status == 64)
    }
}
