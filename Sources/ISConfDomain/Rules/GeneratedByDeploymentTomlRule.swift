import ISConfXML

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
            let documents: [(XMLDocument?, String)] = [
                (context.catalina?.document, "[transport.https.sslHostConfig.properties] certificateVerification = \"want\""),
                (context.authenticators?.document, "[admin_console.authenticator.mutual_ssl_authenticator] enable = true"),
            ]
            return documents.compactMap { document, setting in
                document.map { document in
                    context.finding(.generatedByDeploymentToml,
                                    "generated from \(toml) at every start: hand edits here are overwritten",
                                    at: document.root, in: document, hint: "set \(setting) in deployment.toml",
                                    subject: "generated")
                }
            }
        })
}
