// What the XML and TOML whitelist rules, the thumbprint rule and `enable` share about the
// MutualSSLAuthenticator's WhiteList.

extension Rule {
    /// A whitelist finding that stops every certificate login (or the server) whatever else is right:
    /// WhiteListEnabled with no or an empty WhiteList, not one bad entry among others.
    static func stopsMutualSSL(_ finding: Finding) -> Bool {
        [Rule.whitelist.id, Rule.tomlWhitelist.id].contains(finding.rule) && finding.severity == .error && !finding.subject.hasSuffix("]")
    }

    /// Why `enable` writes nothing when the whitelist would still stop mutual SSL, and what to pass.
    static func whitelistNeeded(_ blocking: Finding) -> String {
        "enabling mutual SSL would leave it broken: \(blocking.message); pass --whitelist THUMBPRINT[,…] "
            + "(or --trust-client-cert CERT --whitelist-this-cert) to set the WhiteList too; not changed"
    }
}

/// "WhiteList entry N is …" for each entry that is not a thumbprint, by index; shared with the TOML rule.
func whitelistEntryProblems(_ entries: [String]) -> [(index: Int, message: String)] {
    entries.enumerated().filter { !isThumbprint($0.element) }.map { index, entry in
        let shown = entry.count > 80 ? String(entry.prefix(77)) + "..." : entry
        let problem =
            entry.isEmpty
            ? "an empty entry"
            : entry == "*"
                ? "\"*\", which is not a wildcard"
                : "\"\(shown)\", which is not a thumbprint (40 or 64 lowercase hex digits without colons)"
        return (index, "WhiteList entry \(index + 1) is \(problem)")
    }
}

let whitelistEntryHint = "write thumbprints as lowercase hex without colons (openssl x509 -noout -fingerprint -sha256)"

func isThumbprint(_ text: String) -> Bool {
    (text.utf8.count == 40 || text.utf8.count == 64)
        && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
}
