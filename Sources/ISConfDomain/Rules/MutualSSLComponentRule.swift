extension Rule {
    public static let mutualSSLComponent: Rule = Rule(
        id: "mutual-ssl-component",
        severity: .warning,
        summary: "The IS_HOME must contain the MutualSSLAuthenticator bundle for its settings to matter.",
        catches: """
            The plugins folder lacks `org.wso2.carbon.identity.authenticator.mutualssl_*.jar`: the authenticator \
            settings have no effect.
            """,
        rationale:
            "The authenticator ships as repository/components/plugins/org.wso2.carbon.identity.authenticator.mutualssl_*.jar (in IS since 5.1.0). Kernel-only products such as API Manager or EI may lack it; there the settings in authenticators.xml have no effect.",
        fix: "Install the identity-carbon-auth-mutual-ssl feature, or use an IS distribution that ships it.",
        examples: [
            .triggering(
                "plugins folder without the bundle", authenticators: Sample.authenticators(Sample.mutualSSL()),
                facts: HomeFacts(root: ".", pluginsDirectory: "repository/components/plugins", hasMutualSSLComponent: false)),
            .passing(
                "bundle present", authenticators: Sample.authenticators(Sample.mutualSSL()),
                facts: HomeFacts(root: ".", pluginsDirectory: "repository/components/plugins", hasMutualSSLComponent: true)),
            .passing("no plugins folder to tell", authenticators: Sample.authenticators(Sample.mutualSSL())),
        ],
        check: { context in
            guard context.facts.hasMutualSSLComponent == false, let plugins = context.facts.pluginsDirectory else { return [] }
            return [
                Finding(
                    rule: "mutual-ssl-component", severity: .warning,
                    message:
                        "no \(Discovery.mutualSSLBundlePrefix)*.jar in the plugins folder: the MutualSSLAuthenticator settings have no effect in this server",
                    file: plugins, position: nil,
                    hint: "install the mutual SSL authenticator feature (identity-carbon-auth-mutual-ssl)",
                    subject: "plugins")
            ]
        })
}
