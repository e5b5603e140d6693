extension Rule {
    public static let tomlCertificateTable: Rule = Rule(
        id: "toml-certificate-table",
        severity: .warning,
        summary: "certificateVerification belongs in [transport.https.sslHostConfig.properties], not in its certificate table.",
        catches: """
            certificateVerification under `[transport.https.sslHostConfig.certificate.properties]`: rendered onto \
            `<Certificate>`, the wrong element.
            """,
        rationale: """
            Some guides set [transport.https.sslHostConfig.certificate.properties] certificateVerification = \
            "want". IS 5.9+ renders that table onto the <Certificate> element, which has no such attribute: \
            Tomcat ignores it, and the SSLHostConfig keeps its own value.
            """,
        fix: "Move the key to [transport.https.sslHostConfig.properties].",
        examples: [
            .triggering(
                "in the certificate table",
                deploymentToml: Sample.deploymentToml(
                    """
                    [transport.https.sslHostConfig.certificate.properties]
                    certificateVerification = "want"
                    """), facts: Sample.identityServer73),
            .passing(
                "in the SSLHostConfig's table", deploymentToml: Sample.deploymentToml(Sample.compliantToml),
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
