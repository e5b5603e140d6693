import ISConfTOML

extension Rule {
    public static let tomlValueType: Rule = Rule(
        id: "toml-value-type",
        severity: .error,
        summary: "deployment.toml's mutual SSL values must have the TOML type the templates and the server read.",
        catches: "A mutual SSL value of the wrong TOML type for the template or the server.",
        rationale: """
            The templates print each value as text into the XML: an array or a table there becomes a Java \
            collection's text, not a comma-separated list or an attribute Tomcat or Carbon can read, and with \
            WhiteListEnabled = true the config mapper's validator fails on a WhiteList that is not a string. \
            Carbon parses priority with Integer.parseInt, so it must be an integer or a string of digits. \
            WhiteListEnabled should be a boolean: the authenticator reads the string "true" too, but the \
            validator compares with the boolean, so an empty WhiteList then goes unnoticed at start, and any \
            other type reads as false. (enable has its own rule, toml-enable-boolean.)
            """,
        fix: "Write WhiteList as one string (\"tp1,tp2\"), WhiteListEnabled as true or false, priority as 5 or \"5\".",
        examples: [
            .triggering(
                "WhiteList as an array",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = true
                    white_list_enabled = true
                    white_list = ["\(Sample.thumbprint)"]
                    """), facts: Sample.identityServer73),
            .triggering(
                "WhiteListEnabled as a string (a warning)",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator.config]
                    WhiteListEnabled = "true"
                    WhiteList = "\(Sample.thumbprint)"
                    """), facts: Sample.identityServer73),
            .triggering(
                "priority as a float",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    priority = 5.0
                    """), facts: Sample.identityServer73),
            .triggering(
                "certificateVerification as a table",
                deploymentToml: Sample.deploymentToml(
                    """
                    [transport.https.sslHostConfig.properties.certificateVerification]
                    value = "want"
                    """), facts: Sample.identityServer73),
            .passing(
                "the types the templates expect",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = true
                    priority = 5

                    [admin_console.authenticator.mutual_ssl_authenticator.config]
                    WhiteListEnabled = true
                    WhiteList = "\(Sample.thumbprint),\(Sample.thumbprint)"
                    """), facts: Sample.identityServer73),
        ],
        check: { context in
            guard let deployment = context.deployment else { return [] }
            let rule = Rule.tomlValueType
            var findings: [Finding] = []
            let checked: [DeploymentKey] = [
                .certificateVerification, .connectorClientAuth, .authenticatorPriority, .usernameHeader,
                .whiteListEnabled, .whiteList, .enableSHA256,
            ]
            for key in checked {
                let subject = "deployment.toml:" + key.rawValue
                if let inside = deployment.leaves(under: key.path).first {
                    findings.append(
                        context.finding(
                            rule,
                            "\(DeploymentConfig.displayName(key.path)) is a table (here \(DeploymentConfig.displayName(inside.keyPath))), but the template writes it as one value",
                            at: inside, in: deployment, hint: "write \(TOMLValue.key(key.path.last!)) = <value> instead of a table",
                            subject: subject))
                    continue
                }
                let setting = deployment[key]
                guard let entry = setting.entry else { continue }
                let value = entry.value
                let name = setting.originDescription
                switch (key, value) {
                case (_, .array), (_, .table):
                    let consequence =
                        key == .whiteList
                        ? "it is written as a list's text, not the comma-separated string the authenticator splits, and with WhiteListEnabled = true the config mapper's validator fails on it and the server does not start"
                        : "the template writes it as a collection's text, which nothing reads as intended"
                    findings.append(
                        context.finding(
                            rule, "\(name) is \(value.typePhrase): \(consequence)", at: entry, in: deployment,
                            hint: key == .whiteList ? "write one string: \"tp1,tp2\"" : "write a single value",
                            subject: subject))
                case (.authenticatorPriority, .integer):
                    continue
                case (.authenticatorPriority, .string(let text)) where javaParseInt(text) != nil:
                    continue
                case (.authenticatorPriority, _):
                    findings.append(
                        context.finding(
                            rule, "\(name) is \(value) (\(value.typePhrase)), which Carbon's Integer.parseInt rejects",
                            at: entry, in: deployment, hint: "write priority = 5", subject: subject))
                case (.whiteListEnabled, .boolean), (.enableSHA256, .boolean):
                    continue
                case (.whiteListEnabled, .string(let text)) where ["true", "false"].contains(text.lowercased()):
                    if text.lowercased() == "true" {
                        findings.append(
                            context.finding(
                                rule,
                                "\(name) is the string \(value): the authenticator reads it, but the config mapper's validator only checks the boolean true, so a missing or empty WhiteList is not caught at start",
                                at: entry, in: deployment, severity: .warning, hint: "write it without quotes: true",
                                subject: subject))
                    }
                case (.whiteListEnabled, _), (.enableSHA256, _):
                    if case .string(let text) = value, ["true", "false"].contains(text.lowercased()) { continue }
                    findings.append(
                        context.finding(
                            rule, "\(name) is \(value) (\(value.typePhrase)), which the authenticator reads as false",
                            at: entry, in: deployment, hint: "write true or false, without quotes", subject: subject))
                default:
                    continue
                }
            }
            return findings
        })
}
