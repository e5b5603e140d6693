extension Rule {
    public static let tomlClientAuth: Rule = Rule(
        id: "toml-client-auth",
        severity: .error,
        summary: "deployment.toml must not put clientAuth in [transport.https.properties].",
        rationale: """
            Older guides set [transport.https.properties] clientAuth = "want". IS 5.9+ renders every key of that \
            table as an attribute of the HTTPS <Connector>, which the template always gives a nested \
            <SSLHostConfig>: Tomcat 9 takes client authentication from the SSLHostConfig's \
            certificateVerification, and a clientAuth on the Connector beside it conflicts with it.
            """,
        fix: "Remove clientAuth and set [transport.https.sslHostConfig.properties] certificateVerification = \"want\".",
        examples: [
            .triggering("clientAuth beside the SSLHostConfig", deploymentToml: Sample.deploymentToml("""
                [transport.https.properties]
                clientAuth = "want"
                """), facts: Sample.identityServer73),
            .passing("certificateVerification in the SSLHostConfig's table", deploymentToml: Sample.deploymentToml(Sample.compliantToml),
                     facts: Sample.identityServer73),
        ],
        check: { context in
            guard let deployment = context.deployment, deployment.rendersHTTPSConnector else { return [] }
            let setting = deployment[.connectorClientAuth]
            guard let value = setting.value else { return [] }
            return [context.finding(
                .tomlClientAuth,
                "\(setting.originDescription) = \(value) renders clientAuth on the HTTPS <Connector>, beside the <SSLHostConfig> the template always writes: Tomcat 9 takes client authentication from the SSLHostConfig's certificateVerification, and the two conflict",
                at: setting.entry, in: deployment,
                hint: "remove it and set \(DeploymentConfig.displayName(deployment.keyPathToSet(.certificateVerification))) = \"want\" (run: isconf enable)",
                fixable: true, subject: "deployment.toml:" + DeploymentKey.connectorClientAuth.rawValue)]
        })

    public static let tomlCertificateTable: Rule = Rule(
        id: "toml-certificate-table",
        severity: .warning,
        summary: "certificateVerification belongs in [transport.https.sslHostConfig.properties], not in its certificate table.",
        rationale: """
            Some guides set [transport.https.sslHostConfig.certificate.properties] certificateVerification = \
            "want". IS 5.9+ renders that table onto the <Certificate> element, which has no such attribute: \
            Tomcat ignores it, and the SSLHostConfig keeps its own value.
            """,
        fix: "Move the key to [transport.https.sslHostConfig.properties].",
        examples: [
            .triggering("in the certificate table", deploymentToml: Sample.deploymentToml("""
                [transport.https.sslHostConfig.certificate.properties]
                certificateVerification = "want"
                """), facts: Sample.identityServer73),
            .passing("in the SSLHostConfig's table", deploymentToml: Sample.deploymentToml(Sample.compliantToml),
                     facts: Sample.identityServer73),
        ],
        check: { context in
            guard let deployment = context.deployment, deployment.rendersHTTPSConnector else { return [] }
            let table = ["transport", "https", "sslHostConfig", "certificate", "properties"]
            let effective = deployment[.certificateVerification]
            return deployment.leaves(under: table).filter { leaf in
                ["certificateverification", "clientauth", "certificate_verification"].contains(leaf.keyPath.last!.lowercased())
            }.map { leaf in
                context.finding(
                    .tomlCertificateTable,
                    "\(DeploymentConfig.displayName(leaf.keyPath)) renders onto <Certificate>, which has no such attribute: Tomcat ignores it, and the SSLHostConfig's certificateVerification stays \(effective.rendered.map { "\"\($0)\"" } ?? "unset") (\(effective.originDescription))",
                    at: leaf, in: deployment, hint: "move it to [transport.https.sslHostConfig.properties] certificateVerification",
                    subject: "deployment.toml:" + DeploymentConfig.flatKey(leaf.keyPath))
            }
        })
}
