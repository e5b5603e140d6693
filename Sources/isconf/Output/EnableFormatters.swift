import ISConfDomain

/// One line per change, then diffs, then where the backups went and a summary.
struct EnableTextFormatter {
    var check: Bool

    func format(_ outcomes: [TargetOutcome]) -> String {
        var out = ""
        let files = outcomes.flatMap(\.files)
        for file in files {
            if !file.changed {
                out += "\(file.path): already compliant\n"
                continue
            }
            if !check && !file.written {
                out += "\(file.path): not changed\n"
                continue
            }
            for change in file.changes { out += "\(file.path): \(check ? "would " : "")\(change)\n" }
        }
        for file in files { if let diff = file.diff { out += diff } }
        let backups = Set(files.compactMap { $0.backup.map(backupRun) }).sorted()
        for folder in backups { out += "backup: \(folder)\n" }
        let changed = files.filter(\.changed).count
        let written = files.filter(\.written).count
        if files.isEmpty { return out }
        if changed == 0 {
            out += "already compliant: nothing to change\n"
        } else if check {
            out += "\(changed) file\(changed == 1 ? "" : "s") would change (run without --check to apply)\n"
        } else if written < changed {
            out += "mutual SSL not enabled: \(written) of \(changed) files changed (see the error)\n"
        } else {
            out += "mutual SSL enabled: \(written) file\(written == 1 ? "" : "s") changed; restart the server for it to take effect\n"
        }
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

/// `{"changed": …, "files": [{path, changed, rules_fixed, changes, diff?, backup?, trusted_certificate?}], "errors": [...]}`.
struct EnableJSONFormatter {
    func format(_ outcomes: [TargetOutcome], errors: [String]) -> String {
        let files = outcomes.flatMap(\.files)
        let document = JSON.object([
            ("changed", .bool(files.contains(where: \.changed))),
            ("files", .array(files.map { file in
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
                    members.append(("trusted_certificate", .object([
                        ("alias", .string(trusted.alias)),
                        ("sha1", .string(trusted.thumbprints.sha1)),
                        ("sha256", .string(trusted.thumbprints.sha256)),
                    ])))
                }
                return .object(members)
            })),
            ("errors", .array(errors.map(JSON.string))),
        ])
        return document.rendered() + "\n"
    }
}
