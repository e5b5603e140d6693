extension Rule {
    public static let tomlMutualSSLAuthenticator: Rule = Rule(
        id: "toml-mutual-ssl-authenticator",
        severity: .error,
        summary: "deployment.toml must enable the MutualSSLAuthenticator (enable = true).",
        catches: "The authenticator is not enabled in deployment.toml (off by default from IS 5.9).",
        rationale: """
            IS 5.9+ renders MutualSSLAuthenticator into authenticators.xml with disabled="false" only when \
            [admin_console.authenticator.mutual_ssl_authenticator] enable is true; the default (kernel and IS \
            alike) is false, so a stock deployment.toml renders disabled="true" and certificate logins are refused.
            """,
        fix: "Set [admin_console.authenticator.mutual_ssl_authenticator] enable = true (a TOML boolean, no quotes).",
        examples: [
            .triggering("not set: disabled by default", deploymentToml: Sample.deploymentToml(""), facts: Sample.identityServer73),
            .triggering(
                "enable = false",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = false # off for now
                    """), facts: Sample.identityServer73),
            .passing("enable = true", deploymentToml: Sample.deploymentToml(Sample.compliantToml), facts: Sample.identityServer73),
            .passing(
                "enable = true in an inline table",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator]
                    mutual_ssl_authenticator = { enable = true, priority = "5" }
                    """), facts: Sample.identityServer73),
        ],
        check: { context in
            guard let deployment = context.deployment else { return [] }
            let setting = deployment[.authenticatorEnabled]
            switch setting.value {
            case .boolean(true)?: return []
            case .boolean(false)?, nil: break
            default: return []  // not a boolean: toml-enable-boolean says why it stays off
            }
            let name = DeploymentConfig.displayName(DeploymentKey.authenticatorEnabled.path)
            let cause =
                switch setting.origin {
                case .key, .shorthand: "\(setting.originDescription) = false"
                case .defaults(let source): "deployment.toml does not set \(name), and \(source) is false"
                case .unset: "nothing sets \(name)"
                }
            let message = cause + ": the MutualSSLAuthenticator is rendered disabled=\"true\", so certificate logins are refused"
            return [
                context.finding(
                    .tomlMutualSSLAuthenticator, message, at: setting.entry, in: deployment,
                    hint: "set \(name) = true (run: isconf enable)",
                    fixable: true, subject: "deployment.toml:" + DeploymentKey.authenticatorEnabled.rawValue)
            ]
        })
}
