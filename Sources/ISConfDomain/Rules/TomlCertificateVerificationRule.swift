extension Rule {
    public static let tomlCertificateVerification: Rule = Rule(
        id: "toml-certificate-verification",
        severity: .error,
        summary: "deployment.toml must make the HTTPS connector's certificateVerification \"want\".",
        catches: """
            The effective certificateVerification (key, shorthand `certificate_verification`, or the product's \
            default, said which) is not want/optional.
            """,
        rationale: """
            IS 5.9+ renders the HTTPS connector's <SSLHostConfig certificateVerification> from \
            [transport.https.sslHostConfig.properties] certificateVerification (shorthand: \
            [transport.https.properties] certificate_verification), or, when deployment.toml sets neither, from \
            the product's default.json: "want" in Identity Server, "false" in the Carbon kernel and kernel-only \
            products. Mutual SSL needs "want" (or "optional"): "false"/"none" requests no client certificate, \
            "required" locks out every client without one, "optionalNoCA" accepts unchecked certificates, and \
            Tomcat 9 refuses to start the connector on any other value.
            """,
        fix: "Set [transport.https.sslHostConfig.properties] certificateVerification = \"want\" (or the shorthand the file already uses).",
        examples: [
            .triggering(
                "set to \"false\"",
                deploymentToml: Sample.deploymentToml(
                    """
                    [transport.https.sslHostConfig.properties]
                    certificateVerification = "false"
                    """), facts: Sample.identityServer73),
            .triggering(
                "\"required\" through the shorthand",
                deploymentToml: Sample.deploymentToml(
                    """
                    [transport.https.properties]
                    certificate_verification = "required"
                    """), facts: Sample.identityServer73),
            .triggering(
                "a value Tomcat 9 refuses, as a dotted key",
                deploymentToml: Sample.deploymentToml(
                    """
                    [transport]
                    https.sslHostConfig.properties.certificateVerification = "need"
                    """), facts: Sample.identityServer73),
            .triggering(
                "unset in a kernel-only product, whose default is \"false\"",
                deploymentToml: Sample.deploymentToml(""), facts: Sample.kernelProduct),
            .passing("unset in IS, whose default is \"want\"", deploymentToml: Sample.deploymentToml(""), facts: Sample.identityServer73),
            .passing("\"want\" set explicitly", deploymentToml: Sample.deploymentToml(Sample.compliantToml), facts: Sample.kernelProduct),
            .passing(
                "\"OPTIONAL\" (Tomcat 9 ignores case) in an inline table",
                deploymentToml: Sample.deploymentToml(
                    """
                    [transport.https]
                    sslHostConfig.properties = { certificateVerification = "OPTIONAL" }
                    """), facts: Sample.kernelProduct),
        ],
        check: { context in
            // Without an HTTPS connector there is no certificateVerification to speak of: toml-https-enabled.
            guard let deployment = context.deployment, deployment.rendersHTTPSConnector else { return [] }
            let setting = deployment[.certificateVerification]
            if setting.value != nil && setting.rendered == nil { return [] }  // an array or table: toml-value-type
            let hint = "set \(DeploymentConfig.displayName(deployment.keyPathToSet(.certificateVerification))) = \"want\" (run: isconf enable)"
            let shown = setting.rendered.map { "certificateVerification is \"\($0)\" (\(setting.originDescription))" }
            let message: String
            switch setting.rendered.map({ EffectiveClientAuth.mode(of: $0, generation: .tomcat9).mode }) {
            case .optional?:
                return []
            case nil:
                message =
                    "no certificateVerification is rendered (\(setting.originDescription)), so Tomcat requests no client certificate and mutual SSL cannot work"
            case .none?:
                message = "\(shown!): Tomcat requests no client certificate, so mutual SSL cannot work"
            case .required?:
                message =
                    "\(shown!): every client must present a certificate, so browsers and mobile apps without one are locked out; mutual SSL here needs \"want\""
            case .optionalNoCA?:
                message = "\(shown!): client certificates are accepted without being checked against the trust store, so any self-made certificate could log in"
            case .invalid?:
                message = "\(shown!), which Tomcat 9 rejects: the HTTPS connector does not start (valid: want/optional, required, none, optionalNoCA)"
            }
            return [
                context.finding(
                    .tomlCertificateVerification, message, at: setting.entry, in: deployment, hint: hint,
                    fixable: true, subject: "deployment.toml:" + DeploymentKey.certificateVerification.rawValue)
            ]
        })
}
