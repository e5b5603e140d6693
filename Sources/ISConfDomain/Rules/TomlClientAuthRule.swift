extension Rule {
    public static let tomlClientAuth: Rule = Rule(
        id: "toml-client-auth",
        severity: .error,
        summary: "deployment.toml must not put clientAuth in [transport.https.properties].",
        catches: """
            `[transport.https.properties] clientAuth`: renders a Connector attribute beside the SSLHostConfig, and \
            the two conflict.
            """,
        rationale: """
            Older guides set [transport.https.properties] clientAuth = "want". IS 5.9+ renders every key of that \
            table as an attribute of the HTTPS <Connector>, which the template always gives a nested \
            <SSLHostConfig>: Tomcat 9 takes client authentication from the SSLHostConfig's \
            certificateVerification, and a clientAuth on the Connector beside it conflicts with it.
            """,
        fix: "Remove clientAuth and set [transport.https.sslHostConfig.properties] certificateVerification = \"want\".",
        examples: [
            .triggering(
                "clientAuth beside the SSLHostConfig",
                deploymentToml: Sample.deploymentToml(
                    """
                    [transport.https.properties]
                    clientAuth = "want"
                    """), facts: Sample.identityServer73),
            .passing(
                "certificateVerification in the SSLHostConfig's table", deploymentToml: Sample.deploymentToml(Sample.compliantToml),
                facts: Sample.identityServer73),
        ],
        check: { context in
            guard let deployment = context.deployment, deployment.rendersHTTPSConnector else { return [] }
            let setting = deployment[.connectorClientAuth]
            guard let value = setting.value else { return [] }
            return [
                context.finding(
                    .tomlClientAuth,
                    "\(setting.originDescription) = \(value) renders clientAuth on the HTTPS <Connector>, beside the <SSLHostConfig> the template always writes: Tomcat 9 takes client authentication from the SSLHostConfig's certificateVerification, and the two conflict",
                    at: setting.entry, in: deployment,
                    hint:
                        "remove it and set \(DeploymentConfig.displayName(deployment.keyPathToSet(.certificateVerification))) = \"want\" (run: isconf enable)",
                    fixable: true, subject: "deployment.toml:" + DeploymentKey.connectorClientAuth.rawValue)
            ]
        })
}
