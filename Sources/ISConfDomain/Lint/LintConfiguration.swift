import ISConfCore
import ISConfTOML

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A repository's `.isconf.toml`: how isconf lints the configuration kept there. Read with isconf's
/// own TOML parser, strictly: an unknown key or rule, a wrong type or a bad value stops the run
/// with the file, line and column, because a configuration silently half-read would lint with
/// settings nobody chose.
///
/// ```toml
/// is-version = "7.3.0"                      # the IS version the files are for
/// ignore = ["default-store-password"]      # rules suppressed everywhere
/// [severity]
/// whitelist = "warning"                    # a rule's findings all get this severity
/// [stores]
/// check = false                            # no key store rules
/// [stores.paths]                           # where the stores the connector names really are
/// "repository/resources/security/client-truststore.jks" = "/secrets/prod/client-truststore.jks"
/// [certificate-expiry]
/// warn-days = 60
/// ```
public enum LintConfiguration {
    public static let fileName = ".isconf.toml"

    /// The tables the file may have; anything else is an unknown key.
    private static let tables: Set<[String]> = [["severity"], ["stores"], ["stores", "paths"], ["certificate-expiry"]]
    private static let knownKeys = "is-version, ignore, [severity], [stores] check, [stores.paths], [certificate-expiry] warn-days"
    /// Ten years: a longer window is a typo.
    private static let warnDaysLimit = 3650

    /// The configuration file for what is linted in `folder`: the nearest `.isconf.toml` in it or a
    /// folder above, up to the repository root (the folder holding `.git`) or the file-system root.
    /// Answers are kept in `cache` by folder, for the many homes of one fleet.
    public static func find(from folder: String, cache: inout [String: String?]) -> String? {
        var visited: [String] = []
        var current = absolute(folder)
        var found: String?
        while true {
            if let known = cache[current] {
                found = known
                break
            }
            visited.append(current)
            let candidate = FileSystem.join(current, fileName)
            if case .success(.file) = FileSystem.kind(candidate) {
                found = relativeToWorkingDirectory(candidate)
                break
            }
            if current == "/" || FileSystem.exists(FileSystem.join(current, ".git")) { break }
            current = parent(of: current)
        }
        for folder in visited { cache[folder] = found }
        return found
    }

    /// The options a configuration file sets over the defaults; its relative store paths are taken
    /// from the file's folder.
    public static func load(_ path: String) throws(InputError) -> LintOptions {
        let document = try TOMLDocument.parse(try SourceFile.read(path: path))
        func failure(_ message: String, at offset: Int) -> InputError {
            InputError(path: path, .invalidArgument, message, position: document.position(of: offset))
        }
        for header in document.tables where header.isArrayElement || !tables.contains(header.path) {
            let name = header.path.joined(separator: ".")
            throw failure(
                tables.contains(header.path)
                    ? "[[\(name)]] must be a single table, [\(name)]"
                    : "unknown table [\(name)] (known: \(knownKeys))", at: header.span.start)
        }
        var options = LintOptions()
        let folder = SafeWriter.parent(of: path)
        for entry in document.entries {
            // `severity = {}`: an empty table, written inline.
            if case .table = entry.value, tables.contains(entry.keyPath) { continue }
            let key = entry.keyPath.joined(separator: ".")
            func wrongType(_ expected: String) -> InputError {
                failure("\(key) must be \(expected), not \(article(entry.value.typeName))", at: entry.keySpan.start)
            }
            func badValue(_ message: String) -> InputError { failure(message, at: entry.valueSpan.start) }
            switch (entry.keyPath.first, entry.keyPath.count) {
            case ("is-version", 1):
                guard case .string(let version) = entry.value else { throw wrongType("a string") }
                if let problem = IdentityServerRelease.problem(with: version) { throw badValue("is-version: \(problem)") }
                options.isVersion = version
            case ("ignore", 1):
                guard case .array(let items) = entry.value else { throw wrongType("an array of rule ids") }
                for item in items {
                    guard case .string(let id) = item else {
                        throw badValue("ignore must hold rule ids (strings), not \(article(item.typeName))")
                    }
                    if let problem = problem(ignoring: id) {
                        throw failure(problem, at: offset(of: id, in: entry, document) ?? entry.valueSpan.start)
                    }
                    options.ignoredRules[id] = "listed in ignore in \(path)"
                }
            case ("severity", 2):
                let id = entry.keyPath[1]
                guard Linter.rule(id: id) != nil else {
                    throw failure("unknown rule '\(id)' in [severity] (isconf rules lists them)", at: entry.keySpan.start)
                }
                guard !Linter.inputFailureRules.contains(id) else {
                    throw failure("\(id) cannot change severity: it means a file could not be read (exit status 2)", at: entry.keySpan.start)
                }
                guard case .string(let name) = entry.value else { throw wrongType("a string: note, warning or error") }
                guard let severity = Severity(rawValue: name) else {
                    throw badValue("severity of \(id) must be note, warning or error, not \(entry.value) (to turn a rule off, list it in ignore)")
                }
                options.severities[id] = severity
            case ("stores", 2) where entry.keyPath[1] == "check":
                guard case .boolean(let check) = entry.value else { throw wrongType("a boolean") }
                options.checksStores = check
            case ("stores", 3) where entry.keyPath[1] == "paths":
                guard case .string(let real) = entry.value else { throw wrongType("a string: the path of the store") }
                guard !real.isEmpty else { throw badValue("\(key) must be a path, not an empty string") }
                options.storePaths[entry.keyPath[2]] = real.hasPrefix("/") ? real : FileSystem.join(folder == "." ? "" : folder, real)
            case ("certificate-expiry", 2) where entry.keyPath[1] == "warn-days":
                guard case .integer(let days) = entry.value else { throw wrongType("a whole number of days") }
                guard (0...Int64(warnDaysLimit)).contains(days) else {
                    throw badValue("certificate-expiry.warn-days must be from 0 to \(warnDaysLimit) days, not \(days)")
                }
                options.expiryWarningDays = Int(days)
            case ("severity", 1), ("stores", 1), ("certificate-expiry", 1),
                ("stores", 2) where entry.keyPath[1] == "paths":
                throw wrongType("a table")
            default:
                throw failure("unknown key \(key) (known: \(knownKeys))", at: entry.keySpan.start)
            }
        }
        return options
    }

    /// Why `id` cannot be ignored, for `ignore` and `--ignore`; nil when it can.
    public static func problem(ignoring id: String) -> String? {
        if Linter.rule(id: id) == nil { return "unknown rule '\(id)' (isconf rules lists them)" }
        if Linter.inputFailureRules.contains(id) {
            return "\(id) cannot be ignored: it means a file could not be read (exit status 2)"
        }
        return nil
    }

    private static func article(_ typeName: String) -> String {
        (["a", "e", "i", "o", "u"].contains(typeName.first.map(String.init) ?? "") ? "an " : "a ") + typeName
    }

    /// Where the string `id` is written inside the array of `entry`, to point at it.
    private static func offset(of id: String, in entry: TOMLEntry, _ document: TOMLDocument) -> Int? {
        let bytes = document.source.bytes[entry.valueSpan.range]
        for quote in ["\"", "'"] {
            let needle = Array((quote + id + quote).utf8)
            if let start = bytes.indices.first(where: { bytes[$0...].starts(with: needle) }) { return start }
        }
        return nil
    }

    /// `path` from the root, with `.` and `..` taken away; relative paths start at the working directory.
    private static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileSystem.join(workingDirectory(), path)
        var parts: [String] = []
        for part in full.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(String(part))
            }
        }
        // Not `joined(separator:)`: its generic body, not specialized for us, costs a scan of every
        // protocol conformance in the binary at the first lint of each start.
        var absolute = ""
        for part in parts { absolute += "/" + part }
        return absolute.isEmpty ? "/" : absolute
    }

    private static func parent(of folder: String) -> String {
        guard let slash = folder.lastIndex(of: "/"), slash != folder.startIndex else { return "/" }
        return String(folder[..<slash])
    }

    /// As the user would write it: below the working directory, relative to it.
    private static func relativeToWorkingDirectory(_ path: String) -> String {
        let base = workingDirectory()
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    private static func workingDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
