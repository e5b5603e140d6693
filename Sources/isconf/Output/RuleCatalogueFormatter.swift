import ISConfDomain

/// The rule catalogue as `isconf rules` prints it: an aligned list for the terminal, or the Markdown
/// table that the README carries between `<!-- rules:start -->` and `<!-- rules:end -->` (`make
/// catalogue` pastes it there, and a test fails while the two differ).
struct RuleCatalogueFormatter {
    let rules: [Rule]

    /// One line per rule: its id, its severity and its summary, in columns.
    func text() -> String {
        let width = rules.map(\.id.count).max() ?? 0
        var text = ""
        for rule in rules {
            let padding = String(repeating: " ", count: width - rule.id.count)
            let severity = rule.severity.rawValue + String(repeating: " ", count: 7 - rule.severity.rawValue.count)
            text += "\(rule.id)\(padding)  \(severity)  \(rule.summary)\n"
        }
        return text
    }

    /// One table row per rule, each with the anchor `rule-<id>` that SARIF's helpUri links to.
    func markdown() -> String {
        var text = "| rule | severity | what it catches |\n| --- | --- | --- |\n"
        for rule in rules {
            text += "| <a id=\"rule-\(rule.id)\"></a>`\(rule.id)` | \(rule.severity.rawValue) | \(rule.catches) |\n"
        }
        return text
    }
}
