import ISConfDomain

/// One line per change, then diffs, then where the backups went and a summary.
struct EnableTextFormatter {
    var check: Bool

    func format(_ outcomes: [TargetOutcome]) -> String {
        var out = ""
        let files = outcomes.flatMap(\.files)
        for file in files {
            let path = DisplayText.escaped(file.path)
            if !file.changed {
                out += "\(path): already compliant\n"
                continue
            }
            if !check && !file.written {
                out += "\(path): not changed\n"
                continue
            }
            for change in file.changes { out += "\(path): \(check ? "would " : "")\(DisplayText.message(change))\n" }
        }
        // Diff lines keep their tabs, but no other control character reaches the terminal.
        for file in files { if let diff = file.diff { out += DisplayText.escaped(diff, keepingTabs: true, keepingLineEnds: true) } }
        let backups = Set(files.compactMap { $0.backup.map(backupRun) }).sorted()
        for folder in backups { out += "backup: \(DisplayText.escaped(folder))\n" }
        if let summary = enableSummary(files, check: check) { out += summary + "\n" }
        return out
    }

    /// The run's backup folder, from one backed-up file's path.
    private func backupRun(_ path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard let stampIndex = parts.lastIndex(where: { $0.count == 20 && $0.hasSuffix("Z") && $0.first?.isNumber == true }) else {
            return path
        }
        return parts[...stampIndex].joined(separator: "/") + "/"
    }
}

/// The last line of the text output and the JSON's `message`; nil when no file was planned.
func enableSummary(_ files: [FileOutcome], check: Bool) -> String? {
    let changed = files.filter(\.changed).count
    let written = files.filter(\.written).count
    if files.isEmpty { return nil }
    if changed == 0 { return "already compliant: nothing to change" }
    if check { return "\(changed) file\(changed == 1 ? "" : "s") would change (run without --check to apply)" }
    if written < changed { return "mutual SSL not enabled: \(written) of \(changed) files changed (see the error)" }
    let effect =
        files.contains { $0.written && $0.isDeploymentToml }
        ? "it takes effect at the next start of the server, which renders catalina-server.xml and authenticators.xml from deployment.toml"
        : "restart the server for it to take effect"
    return "mutual SSL enabled: \(written) file\(written == 1 ? "" : "s") changed; \(effect)"
}

/// `{"changed": …, "restart_required": …, "message": …, "files": [{path, changed, written, rules_fixed,
/// changes, diff?, backup?, trusted_certificate?}], "errors": [...]}`.
struct EnableJSONFormatter {
    var check: Bool

    func format(_ outcomes: [TargetOutcome], errors: [String]) -> String {
        let files = outcomes.flatMap(\.files)
        let document = JSON.object([
            ("changed", .bool(files.contains(where: \.changed))),
            // Written files take effect when the server next starts (IS 5.9+ renders the XML from deployment.toml then).
            ("restart_required", .bool(files.contains(where: \.written))),
            ("message", .optional(enableSummary(files, check: check))),
            (
                "files",
                .array(
                    files.map { file in
                        var members: [(String, JSON)] = [
                            ("path", .string(file.path)),
                            ("changed", .bool(file.changed)),
                            ("written", .bool(file.written)),
                            ("rules_fixed", .array(file.rulesFixed.map(JSON.string))),
                            ("changes", .array(file.changes.map(JSON.string))),
                        ]
                        if let diff = file.diff { members.append(("diff", .string(diff))) }
                        if let backup = file.backup { members.append(("backup", .string(backup))) }
                        if let trusted = file.trustedCertificate {
                            members.append(
                                (
                                    "trusted_certificate",
                                    .object([
                                        ("alias", .string(trusted.alias)),
                                        ("sha1", .string(trusted.thumbprints.sha1)),
                                        ("sha256", .string(trusted.thumbprints.sha256)),
                                    ])
                                ))
                        }
                        return .object(members)
                    })
            ),
            ("errors", .array(errors.map(JSON.string))),
        ])
        return document.rendered() + "\n"
    }
}
