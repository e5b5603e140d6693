extension Rule {
    public static let tomlAllowlist: Rule = Rule(
        id: "toml-allowlist",
        severity: .warning,
        summary: "The authenticator's whitelist is WhiteList (white_list); allowlist is read by nothing.",
        catches: "`allowlist`, from a docs page, which nothing reads.",
        rationale: """
            A revision of WSO2's mutual SSL page sets allowlist = "" for the MutualSSLAuthenticator. Neither the \
            config mapper nor the authenticator knows that name: beside enable it is ignored, and in the .config \
            table it becomes a <Parameter name="allowlist"> the authenticator never reads. The whitelist is \
            WhiteList (shorthand white_list) with WhiteListEnabled (white_list_enabled).
            """,
        fix: "Rename it to white_list in [admin_console.authenticator.mutual_ssl_authenticator] (WhiteList in its .config table).",
        examples: [
            .triggering(
                "allowlist from the docs page",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = true
                    allowlist = ""
                    """), facts: Sample.identityServer73),
            .triggering(
                "allow_list in the config table",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator.config]
                    allow_list = "\(Sample.thumbprint)"
                    """), facts: Sample.identityServer73),
            .passing(
                "white_list",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = true
                    white_list_enabled = true
                    white_list = "\(Sample.thumbprint)"
                    """), facts: Sample.identityServer73),
        ],
        check: { context in
            guard let deployment = context.deployment else { return [] }
            let table = Array(DeploymentKey.authenticatorEnabled.path.dropLast())
            return deployment.leaves(under: table).filter { leaf in
                leaf.keyPath.last!.lowercased().filter { $0 != "_" && $0 != "-" }.hasPrefix("allowlist")
            }.map { leaf in
                context.finding(
                    .tomlAllowlist,
                    "\(DeploymentConfig.displayName(leaf.keyPath)) is read by nothing: the MutualSSLAuthenticator's whitelist is WhiteList (shorthand white_list), switched on by WhiteListEnabled (white_list_enabled)",
                    at: leaf, in: deployment,
                    hint: "rename it to white_list in [admin_console.authenticator.mutual_ssl_authenticator], with white_list_enabled = true",
                    subject: "deployment.toml:" + DeploymentConfig.flatKey(leaf.keyPath))
            }
        })
}
