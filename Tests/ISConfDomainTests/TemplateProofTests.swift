import Foundation
import ISConfCore
import ISConfTestSupport
import Testing

@testable import ISConfDomain

/// isconf's verdict on a deployment.toml must be its verdict on the XML WSO2's real templates render from
/// it. Tests/render/render_templates.py renders the corpus's `.j2` templates with Python's jinja2 the way the
/// config mapper does (defaults, key-mappings, the TOML, Jinjava's `sameas`) over every combination of the
/// mutual SSL settings, for IS 5.9.0 and 7.3.0, in one run; each variant's TOML is linted as an IS home of
/// that version, and its rendered XML as the files given directly with --tomcat 9.
@Suite struct TemplateProofTests {
    static let script = PackagePaths.root.appendingPathComponent("Tests/render/render_templates.py").path
    static let pythonReady: Bool = (try? python(["-c", "import jinja2, tomllib"]).status) == 0

    /// What a verdict is about; each rule (TOML or XML) speaks to one of them.
    static let tomlAreas = [
        "toml-https-enabled": "connector", "toml-certificate-verification": "connector",
        "toml-mutual-ssl-authenticator": "authenticator", "toml-enable-boolean": "authenticator",
        "toml-whitelist": "whitelist",
    ]
    static let xmlAreas = [
        "no-https-connector": "connector", "client-auth-want": "connector",
        "mutual-ssl-authenticator": "authenticator", "whitelist": "whitelist",
    ]

    struct Variant: Decodable {
        var version: String
        var toml: String
        var catalina: String
        var authenticators: String
        var validatorStops: Bool
    }

    @Test(
        .enabled(if: Corpus.available, Corpus.skipReason),
        .enabled(if: pythonReady, "python3 with jinja2 and tomllib is not installed (scripts/setup.sh installs python3-jinja2)"))
    func theVerdictOnTheTOMLIsTheVerdictOnTheXMLItRenders() throws {
        let run = try Self.python([Self.script, Corpus.directory])
        try #require(run.status == 0, "render_templates.py failed: \(run.stderr)")
        let variants = try JSONDecoder().decode([Variant].self, from: run.stdout)
        // Only the rules a verdict is made of: the store rules would open files for nothing, 9,600 times.
        let tomlRules = Linter.rules.filter { Self.tomlAreas[$0.id] != nil }
        let xmlRules = Linter.rules.filter { Self.xmlAreas[$0.id] != nil }
        // Each variant on its own core: 9,600 lints of a debug build are most of the test's time.
        let results = UnsafeMutableBufferPointer<String?>.allocate(capacity: variants.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        nonisolated(unsafe) let shared = results
        DispatchQueue.concurrentPerform(iterations: variants.count) { index in
            shared[index] = Self.mismatch(variants[index], tomlRules: tomlRules, xmlRules: xmlRules)
        }
        let mismatches = results.compactMap { $0 }
        let counts = Dictionary(variants.map { ($0.version, 1) }, uniquingKeysWith: +)
        #expect(counts == ["5.9.0": 2400, "7.3.0": 2400], "variants rendered per IS version")
        let disagreeing = mismatches.count
        #expect(disagreeing == 0, "of \(variants.count) variants; the first:\n\(mismatches.prefix(3).joined(separator: "\n\n"))")
    }

    /// Why the verdicts on a variant's TOML and on the XML it renders differ; nil when they agree.
    static func mismatch(_ variant: Variant, tomlRules: [Rule], xmlRules: [Rule]) -> String? {
        let facts = variant.version == "5.9.0" ? Sample.identityServer59 : Sample.identityServer73
        let toml = Linter.lint(
            sources: [], facts: facts, only: tomlRules,
            deploymentToml: SourceFile(path: HomeFacts.deploymentTomlPath, bytes: Array(variant.toml.utf8)))
        let xml = Linter.lint(
            sources: [
                (.catalinaServer, SourceFile(path: "catalina-server.xml", bytes: Array(variant.catalina.utf8))),
                (.authenticators, SourceFile(path: "authenticators.xml", bytes: Array(variant.authenticators.utf8))),
            ],
            facts: HomeFacts(), options: LintOptions(tomcat: .tomcat9), only: xmlRules)
        var rendered = verdict(xml, areas: xmlAreas)
        // The validator stops the server before anything is rendered: the verdict is an error.
        if variant.validatorStops { rendered["whitelist"] = .error }
        guard verdict(toml, areas: tomlAreas) != rendered else { return nil }
        let said = { (report: LintReport) in report.findings.map { "\($0.severity) \($0.rule): \($0.message)" } }
        return "IS \(variant.version):\n\(variant.toml)\nTOML: \(said(toml))\nXML: \(said(xml))"
    }

    /// The highest severity said about each area.
    static func verdict(_ report: LintReport, areas: [String: String]) -> [String: Severity] {
        var verdict: [String: Severity] = [:]
        for finding in report.findings {
            guard let area = areas[finding.rule] else { continue }
            verdict[area] = max(verdict[area] ?? finding.severity, finding.severity)
        }
        return verdict
    }

    static func python(_ arguments: [String]) throws -> (status: Int32, stdout: Data, stderr: String) {
        let result = try ExternalProgram.run("/usr/bin/env", ["python3"] + arguments)
        return (result.status, result.standardOutput, result.stderr)
    }
}
