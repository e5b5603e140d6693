import ISConfCore
import ISConfDomain

/// `{"findings": [...], "errors": [...], "skipped": [...], "summary": {...}}` for scripts and dashboards.
/// Suppressed findings stay, with `suppressed: {kind, justification}` (null for the others).
struct JSONFormatter {
    func format(_ report: LintReport, skipped: [InputError], fileCount: Int) -> String {
        let findings = report.findings.map { finding -> JSON in
            .object([
                ("rule", .string(finding.rule)),
                ("severity", .string(finding.severity.rawValue)),
                ("file", .string(finding.file)),
                ("line", .optional(finding.position?.line)),
                ("column", .optional(finding.position?.column)),
                ("message", .string(finding.message)),
                ("hint", .optional(finding.hint)),
                ("fixable", .bool(finding.fixable)),
                (
                    "suppressed",
                    finding.suppression.map { suppression in
                        .object([("kind", .string(suppression.kind.rawValue)), ("justification", .string(suppression.justification))])
                    } ?? .null
                ),
            ])
        }
        let errors = report.errors.map { error -> JSON in
            .object([("file", .string(error.path)), ("message", .string(error.message))])
        }
        let skippedFiles = skipped.map { item -> JSON in
            .object([("file", .string(item.path)), ("reason", .string(item.message))])
        }
        // The summary counts what is reported; suppressed findings are counted apart.
        let reported = report.findings.filter { $0.suppression == nil }
        let count = { (severity: Severity) in reported.filter { $0.severity == severity }.count }
        let document = JSON.object([
            ("tool", .object([("name", .string("isconf")), ("version", .string(ISConf.version))])),
            ("findings", .array(findings)),
            ("errors", .array(errors)),
            ("skipped", .array(skippedFiles)),
            (
                "summary",
                .object([
                    ("files", .int(fileCount)),
                    ("errors", .int(count(.error))),
                    ("warnings", .int(count(.warning))),
                    ("notes", .int(count(.note))),
                    ("fixable", .int(reported.filter(\.fixable).count)),
                    ("suppressed", .int(report.findings.count - reported.count)),
                ])
            ),
        ])
        return document.rendered() + "\n"
    }
}
