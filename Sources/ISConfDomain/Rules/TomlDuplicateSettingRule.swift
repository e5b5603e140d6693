import ISConfTOML

extension Rule {
    public static let tomlDuplicateSetting: Rule = Rule(
        id: "toml-duplicate-setting",
        severity: .error,
        summary: "A mutual SSL setting must be written once: as its full key or as its key-mappings shorthand, not both.",
        catches: """
            A setting written both as its full key and as its key-mappings shorthand: the mapper's \
            `java.util.HashMap` order picks the winner, not the file's order; a warning when the two mean the same \
            for mutual SSL.
            """,
        rationale: """
            The config mapper flattens deployment.toml into dotted keys in a java.util.HashMap, then copies each \
            key-mappings.json shorthand (white_list, certificate_verification, …) onto its full key while \
            iterating that map. When a file writes both, which value the XML gets depends on the map's \
            iteration order, so on how many keys the file has and on the JDK, never on their order in the file: \
            adding an unrelated key can flip it. An error when the two values disagree on what mutual SSL needs, \
            a warning when the second is merely redundant.
            """,
        fix: "Remove one of the two (isconf enable keeps the form the file's other keys use).",
        examples: [
            .triggering(
                "the whitelist switched on by one and off by the other",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = true
                    white_list_enabled = false

                    [admin_console.authenticator.mutual_ssl_authenticator.config]
                    WhiteListEnabled = true
                    WhiteList = "\(Sample.thumbprint)"
                    """), facts: Sample.identityServer73),
            .triggering(
                "the same value twice (a warning)",
                deploymentToml: Sample.deploymentToml(
                    Sample.compliantToml + """

                        [transport.https.properties]
                        certificate_verification = "want"
                        """), facts: Sample.identityServer73),
            .passing(
                "each setting once, some as shorthands",
                deploymentToml: Sample.deploymentToml(
                    """
                    [transport.https.properties]
                    certificate_verification = "want"

                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = true
                    white_list_enabled = true

                    [admin_console.authenticator.mutual_ssl_authenticator.config]
                    WhiteList = "\(Sample.thumbprint)"
                    """), facts: Sample.identityServer73),
        ],
        check: { context in
            guard let deployment = context.deployment else { return [] }
            return DeploymentKey.allCases.compactMap { key -> Finding? in
                let setting = deployment[key]
                let written = setting.entries.sorted { $0.keySpan.start < $1.keySpan.start }
                guard written.count > 1, let later = written.last else { return nil }
                let pair = written.map { "\(DeploymentConfig.displayName($0.keyPath)) = \($0.value)" }.joined(separator: " and ")
                let race =
                    "\(pair) both set \(DeploymentConfig.displayName(key.path)): the config mapper copies the shorthand onto the key in the iteration order of a java.util.HashMap of the file's keys, so which one the XML gets depends on how many keys the file has and on the JDK, not on their order in the file"
                let meanings = Set(written.map { key.mutualSSLMeaning(of: $0.value) })
                let severity: Severity = meanings.count > 1 ? .error : .warning
                let message =
                    severity == .error ? race + ", and the two disagree on what mutual SSL needs" : race + " (the same for mutual SSL: one is redundant)"
                return context.finding(
                    .tomlDuplicateSetting, message, at: later, in: deployment, severity: severity,
                    hint: "remove one of the two (run: isconf enable)", fixable: true,
                    subject: "deployment.toml:" + key.rawValue)
            }
        })
}
