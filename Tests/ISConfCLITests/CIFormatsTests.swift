import Foundation
import ISConfDomain
import ISConfTestSupport
import Testing

/// The formats CI systems read: GitLab Code Quality (`--format gitlab`) and SARIF's links to the rules.
@Suite struct CIFormatsTests {
    /// GitLab's documented report (docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format):
    /// an array of objects with `description`, `check_name`, `fingerprint` (unique), `severity` (info,
    /// minor, major, critical or blocker), `location.path` (relative to the repository, not `./`-prefixed)
    /// and `location.lines.begin` (an integer).
    static func gitLabIssues(_ text: String) throws -> [[String: Any]] {
        let issues = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "not an array: \(text)")
        for issue in issues {
            #expect(Set(issue.keys) == ["description", "check_name", "fingerprint", "severity", "location"], "\(issue)")
            #expect((issue["description"] as? String)?.isEmpty == false)
            #expect((issue["check_name"] as? String)?.isEmpty == false)
            #expect((issue["fingerprint"] as? String)?.isEmpty == false)
            #expect(["info", "minor", "major", "critical", "blocker"].contains(issue["severity"] as? String ?? ""), "\(issue)")
            let location = try #require(issue["location"] as? [String: Any])
            let path = try #require(location["path"] as? String)
            #expect(!path.hasPrefix("/") && !path.hasPrefix("./") && !path.isEmpty, "\(path)")
            let begin = try #require((location["lines"] as? [String: Any])?["begin"] as? Int, "\(location)")
            #expect(begin >= 1)
        }
        #expect(Set(issues.compactMap { $0["fingerprint"] as? String }).count == issues.count, "fingerprints must be unique")
        return issues
    }

    @Test func gitLabCodeQualityHasTheDocumentedFields() throws {
        let scratch = try Scratch()
        _ = try scratch.copySample(as: "home")
        try scratch.write("conf/prod/deployment.toml", "[super_admin]\nusername = \"admin\"\n")
        let broken = try scratch.write("broken/catalina-server.xml", "<Server><Service></Server>")
        // Relative, absolute and missing paths, from the repository's root as CI runs it.
        let result = try CLI.run(["lint", "--format", "gitlab", "home", broken, "./conf", "missing"], currentDirectory: scratch.path)
        #expect(result.status == 2)
        let issues = try Self.gitLabIssues(result.stdout)
        let summary = issues.map { issue -> String in
            let location = issue["location"] as! [String: Any]
            let line = (location["lines"] as! [String: Any])["begin"] as! Int
            return "\(issue["check_name"]!) \(issue["severity"]!) \(location["path"]!):\(line)"
        }
        #expect(
            summary == [
                "client-auth-want critical home/repository/conf/tomcat/catalina-server.xml:23",
                "mutual-ssl-authenticator critical home/repository/conf/security/authenticators.xml:13",
                "xml-malformed critical broken/catalina-server.xml:1",
                "toml-defaults info conf/prod/deployment.toml:1",
                "toml-mutual-ssl-authenticator critical conf/prod/deployment.toml:1",
                "input-error critical missing:1",
            ], "\(summary)")
        let first = issues[0]
        #expect((first["description"] as? String)?.hasPrefix("clientAuth=\"false\" on the HTTPS connector means no client certificate is requested") == true)
        #expect((first["description"] as? String)?.hasSuffix("(hint: set clientAuth=\"want\" on the Connector (run: isconf enable))") == true)
    }

    /// Fingerprints follow the rule, the repository path and the element, not the line nor how the path
    /// was written, so GitLab matches an issue across pipelines.
    @Test func gitLabFingerprintsAreStable() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        func fingerprints(_ arguments: [String]) throws -> [String] {
            try Self.gitLabIssues(try CLI.run(["lint", "--format", "gitlab"] + arguments, currentDirectory: scratch.path).stdout)
                .compactMap { $0["fingerprint"] as? String }
        }
        let before = try fingerprints(["home"])
        #expect(before.count == 2)
        #expect(try fingerprints([home]) == before, "absolute or relative, the same repository path")
        let path = home + "/repository/conf/tomcat/catalina-server.xml"
        try (try String(contentsOfFile: path, encoding: .utf8)).replacingOccurrences(of: "<Server ", with: "\n\n<Server ")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try fingerprints(["home"]) == before, "lines moved, same issues")
    }

    @Test(.enabled(if: SARIFTests.schemaAvailable, "../shared/schemas/sarif-schema-2.1.0.json is absent"))
    func sarifRulesLinkToTheirREADMEAnchorAndCarryTheirRationale() throws {
        let result = try CLI.run(["lint", "--format", "sarif", CLI.sample])
        #expect(try SARIFTests().validate(result.stdout) == "valid")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let readme = try String(contentsOf: CLI.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(rules.count == Linter.rules.count)
        for (descriptor, rule) in zip(rules, Linter.rules) {
            #expect(descriptor["id"] as? String == rule.id)
            let uri = try #require(descriptor["helpUri"] as? String)
            #expect(uri.hasPrefix("https://") && uri.hasSuffix("/README.md#rule-\(rule.id)"), "\(uri)")
            #expect((descriptor["fullDescription"] as? [String: Any])?["text"] as? String == rule.rationale)
            // The anchor exists in the README's catalogue, on the rule's row.
            let row = readme.split(separator: "\n").first { $0.hasPrefix("| <a id=\"rule-\(rule.id)\"></a>`\(rule.id)` |") }
            #expect(row != nil, "README.md has no catalogue row with the anchor rule-\(rule.id)")
        }
    }
}
