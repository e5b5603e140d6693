import Testing

@testable import ISConfDomain

/// Every rule's examples are its tests: triggering ones must fire, passing ones must not.
@Suite struct RuleExampleTests {
    static let cases: [(String, Int)] = Linter.rules.flatMap { rule in rule.examples.indices.map { (rule.id, $0) } }

    @Test("rule example", arguments: cases)
    func example(ruleID: String, index: Int) throws {
        let rule = try #require(Linter.rule(id: ruleID))
        let example = rule.examples[index]
        let context = Linter.makeContext(
            sources: example.sources, facts: example.facts, options: LintOptions(tomcat: example.tomcat),
            deploymentToml: example.deploymentSource)
        if rule.id != Rule.xmlMalformed.id {
            #expect(context.malformed.isEmpty, "example '\(example.title)' of \(ruleID) is not well-formed: \(context.malformed)")
        }
        if rule.id != Rule.tomlMalformed.id {
            #expect(
                context.deploymentMalformed == nil,
                "example '\(example.title)' of \(ruleID) is not valid TOML: \(String(describing: context.deploymentMalformed))")
        }
        let report = Linter.lint(
            sources: example.sources, facts: example.facts, options: LintOptions(tomcat: example.tomcat), only: [rule],
            deploymentToml: example.deploymentSource)
        let fired = report.findings.filter { $0.rule == rule.id }
        #expect(
            !fired.isEmpty == example.triggers,
            "\(ruleID) example '\(example.title)' should \(example.triggers ? "" : "not ")fire; got \(fired.map(\.message))")
        for finding in fired {
            #expect(finding.severity <= rule.severity, "\(ruleID) reported \(finding.severity) above its declared \(rule.severity)")
        }
    }

    @Test func everyRuleIsDocumentedBothWays() {
        for rule in Linter.rules {
            #expect(rule.examples.contains { $0.triggers }, "\(rule.id) has no triggering example")
            #expect(rule.examples.contains { !$0.triggers }, "\(rule.id) has no passing example")
            #expect(!rule.summary.isEmpty && !rule.rationale.isEmpty)
        }
    }
}
