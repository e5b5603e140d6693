extension Rule {
    public static let generatedByDeploymentToml: Rule = Rule(
        id: "generated-by-deployment-toml",
        severity: .warning,
        summary: "From IS 5.9 these XML files are generated from deployment.toml: edit the TOML instead.",
        rationale: """
            IS 5.9+ renders catalina-server.xml and authenticators.xml from repository/conf/deployment.toml at every \
            start; a hand edit is detected and overwritten (unless the server runs with -DavoidConfigUpdate=true). \
            The lasting settings are [transport.https.sslHostConfig.properties] certificateVerification = "want" \
            and [admin_console.authenticator.mutual_ssl_authenticator] enable = true (a TOML boolean).
            """,
        fix: nil,
        examples: [
            .triggering("an IS_HOME with deployment.toml", catalina: Sample.catalina(Sample.legacy("clientAuth=\"want\"")),
                        facts: HomeFacts(root: ".", deploymentToml: "repository/conf/deployment.toml")),
            .passing("an IS 5.6 home", catalina: Sample.catalina(Sample.legacy("clientAuth=\"want\"")),
                     facts: HomeFacts(root: ".", kernelVersion: "4.4.32")),
        ],
        check: { context in
            guard let toml = context.facts.deploymentToml else { return [] }
            var findings: [Finding] = []
            if let server = context.catalina {
                findings.append(context.finding(.generatedByDeploymentToml,
                                                "generated from \(toml) at every start: hand edits here are overwritten",
                                                at: server.document.root, in: server.document,
                                                hint: "set [transport.https.sslHostConfig.properties] certificateVerification = \"want\" in deployment.toml",
                                                subject: "generated"))
            }
            if let config = context.authenticators {
                findings.append(context.finding(.generatedByDeploymentToml,
                                                "generated from \(toml) at every start: hand edits here are overwritten",
                                                at: config.document.root, in: config.document,
                                                hint: "set [admin_console.authenticator.mutual_ssl_authenticator] enable = true in deployment.toml",
                                                subject: "generated"))
            }
            return findings
        })
}
