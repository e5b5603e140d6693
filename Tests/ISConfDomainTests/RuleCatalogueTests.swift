import Foundation
import ISConfCore
import Testing

@testable import ISConfDomain

/// `Linter.rules` is the only list of rules: these check it against the rule files and against what the
/// catalogue and the README need of each rule, without naming any.
@Suite struct RuleCatalogueTests {
    static let rulesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/ISConfDomain/Rules")

    /// The ids declared in a file of Rules/, in the shape every rule is written: `static let name: Rule = Rule(` and
    /// then `id: "…"` as its first argument.
    static func declaredIDs(in source: String) -> [String] {
        source.matches(of: /static let \w+: Rule = Rule\(\s*id: "([^"]+)"/).map { String($0.output.1) }
    }

    /// `toml-client-auth` → `tomlclientauth`, to compare with a file named TomlClientAuthRule.swift whatever
    /// the case of its acronyms (XMLMalformedRule, TrustStoreEmptyRule, Toml10OnlyRule for toml-1.0-only).
    static func letters(of id: String) -> String { id.filter { $0 != "-" && $0 != "." }.lowercased() }

    @Test func everyRuleFileHoldsOneRuleNamedAfterItsFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.rulesFolder.path).filter { $0.hasSuffix(".swift") }
        var declared: [String] = []
        for file in files.sorted() {
            let ids = Self.declaredIDs(in: try String(contentsOf: Self.rulesFolder.appendingPathComponent(file), encoding: .utf8))
            declared += ids
            if file.hasSuffix("Rule.swift") {
                let name = String(file.dropLast("Rule.swift".count))
                #expect(ids.count == 1, "\(file) declares \(ids.count) rules; a rule file holds exactly one")
                #expect(ids.allSatisfy { Self.letters(of: $0) == name.lowercased() }, "\(file) declares \(ids), not the rule it is named after")
            } else {
                #expect(ids.isEmpty, "\(file) is a support file but declares \(ids): a rule goes in a file of its own named after it")
            }
        }
        #expect(
            declared.count == Linter.rules.count && Set(declared) == Set(Linter.rules.map(\.id)),
            "the rules declared in Rules/ and the rules Linter.rules lists differ: \(Set(declared).symmetricDifference(Linter.rules.map(\.id)).sorted())")
    }

    @Test func idsAreUniqueAndKebabCase() {
        #expect(Set(Linter.rules.map(\.id)).count == Linter.rules.count, "rule ids must be unique")
        for rule in Linter.rules {
            #expect(rule.id.wholeMatch(of: /[a-z0-9]+([-.][a-z0-9]+)*/) != nil, "\(rule.id) is not kebab-case")
            #expect(Linter.rule(id: rule.id)?.id == rule.id)
        }
    }

    @Test func everyRuleDescribesWhatItCatchesInOneTableCell() {
        for rule in Linter.rules {
            #expect(!rule.catches.isEmpty, "\(rule.id) does not say what it catches")
            #expect(
                !rule.catches.contains("|") && !rule.catches.contains("\n"),
                "\(rule.id)'s catches would break the README's table: no | and no line break")
        }
    }

    /// Each trait does what it says for every rule that declares it, on the rule's own triggering examples.
    @Test(arguments: Linter.rules.filter { !$0.traits.isEmpty }.map(\.id))
    func traitsTakeEffect(ruleID: String) throws {
        let rule = try #require(Linter.rule(id: ruleID))
        for example in rule.examples where example.triggers {
            func findings(_ options: LintOptions, deploymentToml: SourceFile? = example.deploymentSource) -> LintReport {
                Linter.lint(sources: example.sources, facts: example.facts, options: options, only: [rule], deploymentToml: deploymentToml)
            }
            let plain = LintOptions(tomcat: example.tomcat)
            #expect(!findings(plain).findings.isEmpty, "\(ruleID) example '\(example.title)' does not fire")
            if rule.traits.contains(.opensKeyStores) {
                var storesOff = plain
                storesOff.checksStores = false
                #expect(findings(storesOff).findings.isEmpty, "\(ruleID) ran with store checks off")
            }
            if rule.traits.contains(.inputFailure) {
                #expect(findings(plain).hasInputFailures, "\(ruleID)'s finding does not count as an input failure")
            }
            if rule.traits.contains(.supersededByDeploymentToml) {
                let deployment = SourceFile(path: HomeFacts.deploymentTomlPath, bytes: Array(Sample.deploymentToml(Sample.compliantToml).utf8))
                #expect(findings(plain, deploymentToml: deployment).findings.isEmpty, "\(ruleID) ran where deployment.toml decides")
            }
        }
    }
}
