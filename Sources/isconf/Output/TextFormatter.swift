import ISConfDomain

/// `path:line:col: severity: message [rule-id]`, the shape compilers use, so editors can jump to it.
struct TextFormatter {
    var colour: Bool
    /// Only the findings that fail the run (at or above `failOn`; none for never), without the summary.
    var quiet = false
    var failOn: Severity? = .error

    /// The findings, two lines each at most (the finding and its hint), as a long run prints them.
    /// Suppressed findings are left out; the summary counts them.
    func findingLines(_ findings: [Finding]) -> String {
        var out = ""
        for finding in findings where finding.suppression == nil && (!quiet || failOn.map { finding.severity >= $0 } ?? false) {
            var location = DisplayText.escaped(finding.file)
            if let position = finding.position { location += ":\(position.line):\(position.column)" }
            out += "\(paint(location, "1")): \(paint(finding.severity.rawValue, severityColour(finding.severity))): "
            out += "\(DisplayText.message(finding.message)) \(paint("[\(finding.rule)]", "2"))\n"
            if let hint = finding.hint { out += "    hint: \(DisplayText.message(hint))\n" }
        }
        return out
    }

    /// The last line: counts by severity, files, what enable fixes, what was suppressed, unreadable
    /// inputs; nothing when quiet.
    func summaryLine(_ report: LintReport, fileCount: Int) -> String {
        guard !quiet else { return "" }
        let reported = report.findings.filter { $0.suppression == nil }
        let counts = Severity.allCases.reversed().map { severity in
            (severity, reported.filter { $0.severity == severity }.count)
        }
        let files = "\(fileCount) file\(fileCount == 1 ? "" : "s")"
        let parts = counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0.rawValue)\($0.1 == 1 ? "" : "s")" }
        var line = parts.isEmpty ? "no findings in \(files)" : parts.joined(separator: ", ") + " in \(files)"
        let fixable = reported.filter(\.fixable).count
        if fixable > 0 { line += " (\(fixable) fixable with isconf enable)" }
        let suppressed = report.findings.count - reported.count
        if suppressed > 0 { line += ", \(suppressed) suppressed" }
        if !report.errors.isEmpty { line += "; \(report.errors.count) input\(report.errors.count == 1 ? "" : "s") unreadable" }
        return line + "\n"
    }

    private func severityColour(_ severity: Severity) -> String {
        switch severity {
        case .error: "1;31"
        case .warning: "1;33"
        case .note: "1;36"
        }
    }

    private func paint(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
