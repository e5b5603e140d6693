extension Rule {
    public static let tomlMalformed: Rule = Rule(
        id: "toml-malformed",
        severity: .error,
        summary: "deployment.toml must be valid TOML.",
        catches: "deployment.toml is not valid TOML (line and column; exit 2).",
        rationale: """
            From IS 5.9 the config mapper parses repository/conf/deployment.toml at every start and renders \
            catalina-server.xml and authenticators.xml from it; a file it cannot parse stops the server \
            ("Error parsing deployment configuration"), and isconf cannot tell what the XML will say.
            """,
        fix: "Correct the TOML at the reported line and column.",
        traits: .inputFailure,
        examples: [
            .triggering(
                "an unterminated string",
                deploymentToml: Sample.deploymentToml(
                    """
                    [transport.https.sslHostConfig.properties]
                    certificateVerification = "want
                    """), facts: Sample.identityServer73),
            .triggering(
                "a key given twice",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = true
                    enable = false
                    """), facts: Sample.identityServer73),
            .passing("valid TOML", deploymentToml: Sample.deploymentToml(Sample.compliantToml), facts: Sample.identityServer73),
        ],
        check: { context in
            guard let error = context.deploymentMalformed else { return [] }
            return [
                Finding(
                    rule: Rule.tomlMalformed.id, severity: .error, message: error.message, file: error.path,
                    position: error.position, subject: "document")
            ]
        })
}
