import ISConfTOML

extension Rule {
    public static let tomlVersion: Rule = Rule(
        id: "toml-1.0-only",
        severity: .error,
        summary: "deployment.toml must not use TOML 1.0 constructs the config mapper's TOML 0.5 parser rejects.",
        catches: """
            TOML 1.0 that the mapper's TOML 0.5 parser rejects (mixed-type arrays, a raw tab in a basic string, a \
            leading zero in an exponent, quotes before a multi-line string's closing delimiter): the server does not \
            start.
            """,
        rationale: """
            The config mapper reads deployment.toml with cava-toml, a TOML 0.5 parser. TOML 1.0 (1.0.0-rc.1) \
            allowed what 0.5 rejects: arrays mixing value types ([1, "a"], [1, 2.0]), raw tab characters in \
            basic strings, leading zeros in a float's exponent (1e06), and one or two quotes just before a \
            multi-line string's closing delimiter. Such a file is valid TOML 1.0, so other tools accept it, but \
            the server fails to parse it at start and does not come up.
            """,
        fix: "Write it the TOML 0.5 way: one type per array (quote the numbers: [\"1\", \"a\"]), \\t for a tab, 1e6, or an escaped quote.",
        examples: [
            .triggering(
                "an array mixing integers and strings",
                deploymentToml: Sample.deploymentToml(
                    """
                    [cors]
                    allowed_origins = ["https://a.example", 8443]
                    """), facts: Sample.identityServer73),
            .triggering(
                "an array mixing integers and floats",
                deploymentToml: Sample.deploymentToml(
                    """
                    [custom_settings]
                    weights = [1, 2.5]
                    """), facts: Sample.identityServer73),
            .triggering(
                "a raw tab in a basic string",
                deploymentToml: Sample.deploymentToml(
                    "[admin_console.authenticator.mutual_ssl_authenticator.config]\nUsernameHeader = \"User\tName\""),
                facts: Sample.identityServer73),
            .triggering(
                "a leading zero in an exponent",
                deploymentToml: Sample.deploymentToml(
                    """
                    [custom_settings]
                    ratio = 1.5e06
                    """), facts: Sample.identityServer73),
            .triggering(
                "two quotes before the closing delimiter",
                deploymentToml: Sample.deploymentToml(
                    "[custom_settings]\nmotd = \"\"\"say \"hi\"\"\"\"\""), facts: Sample.identityServer73),
            .passing(
                "one type per array; arrays of arrays of different types were fine in 0.5",
                deploymentToml: Sample.deploymentToml(
                    """
                    [custom_settings]
                    ports = [9443, 9763]
                    pairs = [[1, 2], ["a", "b"]]
                    """), facts: Sample.identityServer73),
            .passing(
                "a tab in a literal string, an exponent without a leading zero",
                deploymentToml: Sample.deploymentToml(
                    "[custom_settings]\nmotd = 'a\tb'\nratio = 1.5e6\nescaped = \"a\\tb\""), facts: Sample.identityServer73),
        ],
        check: { context in
            guard let deployment = context.deployment else { return [] }
            let bytes = deployment.document.source.bytes
            return deployment.leaves.compactMap { entry in
                var problems: [String] = []
                if let mixed = TOML05.mixedArray(entry.value) { problems.append(mixed) }
                problems += TOML05.textProblems(bytes[entry.valueSpan.range], checkExponents: TOML05.holdsFloat(entry.value))
                guard !problems.isEmpty else { return nil }
                return context.finding(
                    .tomlVersion,
                    "\(DeploymentConfig.displayName(entry.keyPath)) has \(problems.joined(separator: " and ")): valid TOML 1.0, but the config mapper reads deployment.toml with a TOML 0.5 parser, which rejects it, so the server does not start",
                    at: entry, in: deployment, hint: Rule.tomlVersion.fix,
                    subject: "deployment.toml:" + DeploymentConfig.flatKey(entry.keyPath))
            }
        })
}

/// What TOML 1.0 allows and TOML 0.5, which the config mapper's parser implements, does not.
enum TOML05 {
    /// "an array mixing integer and string values" for the first array (at any depth) whose elements are
    /// not all of one type; arrays count as one type whatever they hold, as in 0.5.
    static func mixedArray(_ value: TOMLValue) -> String? {
        guard case .array(let items) = value else { return nil }
        var kinds: [String] = []
        for item in items where !kinds.contains(item.typeName) { kinds.append(item.typeName) }
        if kinds.count > 1 { return "an array mixing \(kinds.joined(separator: " and ")) values" }
        return items.lazy.compactMap(mixedArray).first
    }

    static func holdsFloat(_ value: TOMLValue) -> Bool {
        switch value {
        case .float: true
        case .array(let items): items.contains(where: holdsFloat)
        case .table(let members): members.values.contains(where: holdsFloat)
        default: false
        }
    }

    /// Problems only the raw text shows: a tab in a basic string, quotes right before a multi-line
    /// string's closing delimiter, and (when the value holds floats) an exponent with a leading zero.
    static func textProblems(_ raw: ArraySlice<UInt8>, checkExponents: Bool) -> [String] {
        let (quote, apostrophe, backslash, tab, hash, newline): (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0x22, 0x27, 0x5C, 0x09, 0x23, 0x0A)
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        var problems: [String] = []
        func note(_ problem: String) { if !problems.contains(problem) { problems.append(problem) } }
        var index = raw.startIndex
        while index < raw.endIndex {
            let byte = raw[index]
            if byte == hash {
                while index < raw.endIndex, raw[index] != newline { index += 1 }
                continue
            }
            if byte == quote || byte == apostrophe {
                let multiLine = index + 2 < raw.endIndex && raw[index + 1] == byte && raw[index + 2] == byte
                index += multiLine ? 3 : 1
                while index < raw.endIndex {
                    if byte == quote, raw[index] == backslash {
                        index += 2
                        continue
                    }
                    if byte == quote, raw[index] == tab { note("a raw tab character in a basic string") }
                    if raw[index] == byte {
                        var run = 0
                        while index + run < raw.endIndex, raw[index + run] == byte { run += 1 }
                        if !multiLine {
                            index += 1
                            break
                        }
                        if run >= 3 {
                            if run > 3 { note("quotes right before a multi-line string's closing delimiter") }
                            index += run
                            break
                        }
                        index += run
                        continue
                    }
                    index += 1
                }
                continue
            }
            if checkExponents, byte == 0x65 || byte == 0x45, index > raw.startIndex, isDigit(raw[index - 1]) {
                var next = index + 1
                if next < raw.endIndex, raw[next] == 0x2B || raw[next] == 0x2D { next += 1 }
                if next + 1 < raw.endIndex, raw[next] == 0x30, isDigit(raw[next + 1]) { note("a leading zero in a float's exponent") }
            }
            index += 1
        }
        return problems
    }
}
