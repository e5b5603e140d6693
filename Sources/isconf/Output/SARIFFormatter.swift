import ISConfCommandLine
import ISConfCore
import ISConfDomain

/// SARIF 2.1.0, for code-scanning dashboards in CI.
struct SARIFFormatter {
    static let schema = "https://json.schemastore.org/sarif-2.1.0.json"

    func format(_ report: LintReport, skipped: [InputError]) -> String {
        let rules = Linter.rules
        let descriptors = rules.map { rule -> JSON in
            .object([
                ("id", .string(rule.id)),
                ("name", .string(camelCase(rule.id))),
                ("shortDescription", .object([("text", .string(rule.summary))])),
                ("fullDescription", .object([("text", .string(rule.rationale))])),
                ("help", .object([("text", .string(rule.fix ?? rule.summary))])),
                ("helpUri", .string(Self.helpURI(rule))),
                ("defaultConfiguration", .object([("level", .string(level(rule.severity)))])),
            ])
        }
        let results = report.findings.map { finding -> JSON in
            var region: [(String, JSON)] = []
            if let position = finding.position {
                region = [("startLine", .int(position.line)), ("startColumn", .int(position.column))]
            }
            var physical: [(String, JSON)] = [("artifactLocation", .object([("uri", .string(uri(finding.file)))]))]
            if !region.isEmpty { physical.append(("region", .object(region))) }
            var message = finding.message
            if let hint = finding.hint { message += " (hint: \(hint))" }
            return .object([
                ("ruleId", .string(finding.rule)),
                ("ruleIndex", .int(rules.firstIndex { $0.id == finding.rule } ?? 0)),
                ("level", .string(level(finding.severity))),
                ("message", .object([("text", .string(message))])),
                ("locations", .array([.object([("physicalLocation", .object(physical))])])),
                ("partialFingerprints", .object([("isconf/v1", .string(fingerprint(finding)))])),
                // §3.27.23: present and empty means not suppressed; isconf always knows.
                (
                    "suppressions",
                    .array(
                        finding.suppression.map { suppression in
                            [.object([("kind", .string(suppression.kind.rawValue)), ("justification", .string(suppression.justification))])]
                        } ?? [])
                ),
                ("properties", .object([("fixable", .bool(finding.fixable))])),
            ])
        }
        let notifications =
            report.errors.map { notification($0, level: "error") }
            + skipped.map { notification($0, level: "note") }
        let log = JSON.object([
            ("$schema", .string(Self.schema)),
            ("version", .string("2.1.0")),
            (
                "runs",
                .array([
                    .object([
                        (
                            "tool",
                            .object([
                                (
                                    "driver",
                                    .object([
                                        ("name", .string("isconf")),
                                        ("version", .string(ISConf.version)),
                                        ("semanticVersion", .string(ISConf.version)),
                                        ("rules", .array(descriptors)),
                                    ])
                                )
                            ])
                        ),
                        (
                            "invocations",
                            .array([
                                .object([
                                    ("executionSuccessful", .bool(!report.hasInputFailures)),
                                    ("toolExecutionNotifications", .array(notifications)),
                                ])
                            ])
                        ),
                        ("columnKind", .string("unicodeCodePoints")),
                        ("results", .array(results)),
                    ])
                ])
            ),
        ])
        return log.rendered() + "\n"
    }

    /// The rule's row in the README's catalogue, which carries the anchor `rule-<id>`.
    private static func helpURI(_ rule: Rule) -> String {
        isconfReadmeURL + "#rule-" + rule.id
    }

    private func notification(_ error: InputError, level: String) -> JSON {
        .object([
            ("level", .string(level)),
            ("message", .object([("text", .string(error.message))])),
            (
                "locations",
                .array([
                    .object([
                        (
                            "physicalLocation",
                            .object([
                                ("artifactLocation", .object([("uri", .string(uri(error.path)))]))
                            ])
                        )
                    ])
                ])
            ),
        ])
    }

    private func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    /// A URI reference for a path: relative paths stay relative, absolute ones become file URIs.
    private func uri(_ path: String) -> String {
        var encoded = ""
        for byte in path.utf8 {
            let unreserved =
                (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || "-._~/@:+$,;=!".utf8.contains(byte)
            if unreserved {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }

    /// Stable across line moves and message wording: the rule, the file and what the finding is about.
    private func fingerprint(_ finding: Finding) -> String {
        ContentHash("\(finding.rule)\u{0}\(finding.file)\u{0}\(finding.subject)".utf8).description
    }

    private func camelCase(_ id: String) -> String {
        id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
