extension Rule {
    public static let tomlEnableBoolean: Rule = Rule(
        id: "toml-enable-boolean",
        severity: .error,
        summary: "The authenticator's enable must be the TOML boolean true, not a string.",
        catches: """
            `enable = "true"`: the template's `is sameas true` needs the boolean, so the authenticator is rendered \
            disabled.
            """,
        rationale: """
            The authenticators.xml template tests `enable is sameas true`, which only the TOML boolean true \
            passes: enable = "true" (a string, as some guides write it), "yes" or 1 all render disabled="true", \
            silently.
            """,
        fix: "Write enable = true, without quotes.",
        examples: [
            .triggering(
                "the string \"true\"",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = "true"
                    """), facts: Sample.identityServer73),
            .triggering(
                "an integer",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = 1
                    """), facts: Sample.identityServer73),
            .passing("the boolean true", deploymentToml: Sample.deploymentToml(Sample.compliantToml), facts: Sample.identityServer73),
            .passing(
                "not set (toml-mutual-ssl-authenticator reports it)", deploymentToml: Sample.deploymentToml(""),
                facts: Sample.identityServer73),
        ],
        check: { context in
            guard let deployment = context.deployment else { return [] }
            let setting = deployment[.authenticatorEnabled]
            guard let value = setting.value else { return [] }
            if case .boolean = value { return [] }
            let written: String
            if case .string(let text) = value, text.lowercased() == "true" {
                written = "is the string \(value), not the boolean true"
            } else {
                written = "is \(value), \(value.typePhrase), not a boolean"
            }
            return [
                context.finding(
                    .tomlEnableBoolean,
                    "\(setting.originDescription) \(written): the template's `is sameas true` fails, so the MutualSSLAuthenticator is rendered disabled=\"true\"",
                    at: setting.entry, in: deployment, hint: "write enable = true, without quotes (run: isconf enable)",
                    fixable: true, subject: "deployment.toml:" + DeploymentKey.authenticatorEnabled.rawValue)
            ]
        })
}
