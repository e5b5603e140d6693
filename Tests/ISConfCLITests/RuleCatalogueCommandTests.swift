import Foundation
import ISConfDomain
import Testing

/// `isconf rules` prints every rule of the catalogue, and the README's catalogue is what
/// `isconf rules --format markdown` prints, pasted by `make catalogue` rather than kept by hand.
@Suite struct RuleCatalogueCommandTests {
    static let start = "<!-- rules:start -->\n"
    static let end = "<!-- rules:end -->\n"

    @Test func readmeCatalogueIsTheCommandsMarkdown() throws {
        let generated = try CLI.run(["rules", "--format", "markdown"])
        #expect(generated.status == 0 && generated.stderr.isEmpty)
        let readme = try String(contentsOf: CLI.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let from = try #require(readme.range(of: Self.start), "README.md has no line \(Self.start)")
        let to = try #require(readme.range(of: Self.end, range: from.upperBound..<readme.endIndex), "README.md has no line \(Self.end)")
        #expect(
            String(readme[from.upperBound..<to.lowerBound]) == generated.stdout,
            "README.md's rule catalogue differs from `isconf rules --format markdown`: run `make catalogue` to regenerate it")
    }

    @Test func markdownHasOneRowPerRuleWithItsAnchor() throws {
        let lines = try CLI.run(["rules", "--format", "markdown"]).stdout.split(separator: "\n").map(String.init)
        #expect(lines.prefix(2) == ["| rule | severity | what it catches |", "| --- | --- | --- |"])
        let rows = Array(lines.dropFirst(2))
        #expect(rows.count == Linter.rules.count)
        for (row, rule) in zip(rows, Linter.rules) {
            #expect(row == "| <a id=\"rule-\(rule.id)\"></a>`\(rule.id)` | \(rule.severity.rawValue) | \(rule.catches) |")
        }
    }

    @Test func textListsEveryRuleWithItsSeverityAndSummary() throws {
        let list = try CLI.run(["rules"])
        #expect(list.status == 0)
        let lines = list.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == Linter.rules.count)
        for (line, rule) in zip(lines, Linter.rules) {
            let columns = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            #expect(columns.first.map(String.init) == rule.id && columns.dropFirst().first.map(String.init) == rule.severity.rawValue)
            #expect(line.hasSuffix("  \(rule.summary)"), "\(line)")
        }
        #expect(try CLI.run(["rules", "--format", "text"]).stdout == list.stdout)
    }

    @Test func markdownIsTheWholeCatalogueOnly() throws {
        let result = try CLI.run(["rules", "client-auth-want", "--format", "markdown"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--format markdown prints the whole catalogue"))
        #expect(try CLI.run(["rules", "--format", "html"]).status == 64)
    }
}
