extension Rule {
    public static let tomlHTTPSEnabled: Rule = Rule(
        id: "toml-https-enabled",
        severity: .error,
        summary: "[transport.https] enabled must be the TOML boolean true where the template tests it (IS 7.x).",
        catches: """
            `[transport.https] enabled` false or the string `"true"` where the template tests it (IS 7.x): no HTTPS \
            connector is rendered.
            """,
        rationale: """
            The IS 7.x catalina-server.xml template writes the HTTPS connector only when [transport.https] enabled \
            `is sameas true` (IS's default.json sets it true). false, the string "true" or any other value leaves \
            no HTTPS connector in the rendered catalina-server.xml: nothing listens on 9443, so there is no TLS \
            handshake to ask for a client certificate in. IS 5.9's template has no such test and ignores the key.
            """,
        fix: "Set [transport.https] enabled = true (a TOML boolean, no quotes), or remove it: the default is true.",
        examples: [
            .triggering(
                "enabled = false in IS 7.3",
                deploymentToml: Sample.deploymentToml(
                    """
                    [transport.https]
                    enabled = false
                    """ + "\n\n" + Sample.compliantToml), facts: Sample.identityServer73),
            .triggering(
                "the string \"true\"",
                deploymentToml: Sample.deploymentToml(
                    """
                    [transport.https]
                    enabled = "true"
                    """ + "\n\n" + Sample.compliantToml), facts: Sample.identityServer73),
            .passing(
                "unset: IS 7.3's default is true", deploymentToml: Sample.deploymentToml(Sample.compliantToml),
                facts: Sample.identityServer73),
            .passing(
                "enabled = false in IS 5.9, whose template does not read it",
                deploymentToml: Sample.deploymentToml(
                    """
                    [transport.https]
                    enabled = false
                    """ + "\n\n" + Sample.compliantToml), facts: Sample.identityServer59),
        ],
        check: { context in
            guard let deployment = context.deployment, !deployment.rendersHTTPSConnector else { return [] }
            let setting = deployment[.httpsEnabled]
            let shown =
                setting.value.map { value -> String in
                    if case .string = value { return "\(setting.originDescription) is the string \(value), not the boolean true" }
                    return "\(setting.originDescription) = \(value)"
                } ?? "nothing sets \(DeploymentConfig.displayName(DeploymentKey.httpsEnabled.path))"
            return [
                context.finding(
                    .tomlHTTPSEnabled,
                    "\(shown): the template writes the HTTPS connector only when it `is sameas true`, so catalina-server.xml gets no HTTPS connector and mutual SSL cannot work",
                    at: setting.entry, in: deployment,
                    hint: "set \(DeploymentConfig.displayName(deployment.keyPathToSet(.httpsEnabled))) = true, without quotes (run: isconf enable)",
                    fixable: true, subject: "deployment.toml:" + DeploymentKey.httpsEnabled.rawValue)
            ]
        })
}
