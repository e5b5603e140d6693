import ISConfCore
import ISConfDomain

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// GitLab Code Quality (`artifacts: reports: codequality:`): an array of issues, each with
/// `description`, `check_name`, `fingerprint`, `severity` and `location` (`path` relative to the
/// repository, `lines.begin`), the fields GitLab's documentation lists. GitLab matches issues across
/// pipelines by fingerprint, so it is built like SARIF's partialFingerprints (rule, file, the element
/// concerned, not the line) and made unique within the report.
struct GitLabFormatter {
    /// The folder paths are made relative to: the repository's root, where CI runs isconf.
    var currentDirectory: String

    func format(_ report: LintReport) -> String {
        var seen: [String: Int] = [:]
        func fingerprint(_ parts: String...) -> String {
            let base = parts.joined(separator: "\u{0}")
            let occurrence = seen[base, default: 0]
            seen[base] = occurrence + 1
            return ContentHash((occurrence == 0 ? base : base + "\u{0}\(occurrence)").utf8).description
        }
        var issues: [JSON] = report.findings.map { finding in
            let path = repositoryPath(finding.file)
            var description = finding.message
            if let hint = finding.hint { description += " (hint: \(hint))" }
            return issue(
                description: description, checkName: finding.rule,
                fingerprint: fingerprint(finding.rule, path, finding.subject),
                severity: severity(finding.severity), path: path, line: finding.position?.line)
        }
        // An input isconf could not read was not checked at all: GitLab should show it too.
        issues += report.errors.map { error in
            let path = repositoryPath(error.path)
            return issue(
                description: error.message, checkName: Self.inputErrorCheck,
                fingerprint: fingerprint(Self.inputErrorCheck, path, error.message),
                severity: "critical", path: path, line: error.position?.line)
        }
        return JSON.array(issues).rendered() + "\n"
    }

    /// The check_name of an input that could not be read or parsed outside the rules (a missing path,
    /// an unreadable folder).
    static let inputErrorCheck = "input-error"

    private func issue(
        description: String, checkName: String, fingerprint: String, severity: String,
        path: String, line: Int?
    ) -> JSON {
        .object([
            ("description", .string(description)),
            ("check_name", .string(checkName)),
            ("fingerprint", .string(fingerprint)),
            ("severity", .string(severity)),
            // A finding about a whole file has no line; GitLab requires one, and the file's first will do.
            ("location", .object([("path", .string(path)), ("lines", .object([("begin", .int(line ?? 1))]))])),
        ])
    }

    /// GitLab's scale is info, minor, major, critical, blocker: an error stops mutual SSL (or the server),
    /// which is critical; a warning is a real weakness, major; a note is information.
    private func severity(_ severity: Severity) -> String {
        switch severity {
        case .error: "critical"
        case .warning: "major"
        case .note: "info"
        }
    }

    /// The path relative to the current directory, without `./`, as GitLab wants repository paths;
    /// a path outside it keeps the `../` that leads there.
    private func repositoryPath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : currentDirectory + "/" + path
        let target = Self.components(absolute)
        let base = Self.components(currentDirectory)
        var common = 0
        while common < min(target.count, base.count), target[common] == base[common] { common += 1 }
        let relative = Array(repeating: "..", count: base.count - common) + target[common...]
        return relative.isEmpty ? "." : relative.joined(separator: "/")
    }

    /// The path's folders and name, with `.`, empty parts and `..` resolved lexically (as the path was
    /// given; links are not followed).
    private static func components(_ path: String) -> [String] {
        var parts: [String] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { if !parts.isEmpty { parts.removeLast() } } else { parts.append(String(part)) }
        }
        return parts
    }

    /// The process's working folder, as the kernel names it.
    static func workingDirectory() -> String {
        guard let pointer = getcwd(nil, 0) else { return "." }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
