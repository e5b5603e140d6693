extension Rule {
    public static let tomlDefaults: Rule = Rule(
        id: "toml-defaults",
        severity: .note,
        summary: "isconf says which defaults it assumed for what deployment.toml leaves unset.",
        catches: "Which defaults isconf assumed for the settings deployment.toml leaves unset, and from where.",
        rationale: """
            What deployment.toml leaves unset comes from the product's default.json, which differs between \
            products and versions: IS 5.9+ defaults certificateVerification to "want", the Carbon kernel (and \
            kernel-only products) to "false"; kernel 4.10+ adds EnableSHA256. isconf reads the home's own \
            repository/resources/conf/default.json and key-mappings.json, exactly what its config mapper uses; \
            without them it falls back to its own table for the kernel version in repository/components/plugins, \
            or for the release --is-version names. A deployment.toml with neither (a config repository, without \
            its IS pack) is read by the defaults of the product it looks like: Identity Server (from tables such \
            as [super_admin], [user_store], [database.identity_db], or a rendered catalina-server.xml beside it \
            with certificateVerification="want"), or a kernel-only product (API Manager's [apim] tables, or a \
            rendered "false"); isconf says which it assumed and why.
            """,
        fix: "Lint the whole IS_HOME, with its repository/resources/conf and repository/components/plugins, for exact defaults.",
        examples: [
            .triggering(
                "no mapper data and no kernel version", deploymentToml: Sample.deploymentToml(""),
                facts: HomeFacts(root: ".", deploymentToml: HomeFacts.deploymentTomlPath)),
            .triggering(
                "no mapper data: isconf's table for IS 7.3.0", deploymentToml: Sample.deploymentToml(""),
                facts: Sample.identityServer73),
            .passing(
                "every setting given in deployment.toml",
                deploymentToml: Sample.deploymentToml(
                    """
                    [transport.https.sslHostConfig.properties]
                    certificateVerification = "want"

                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = true
                    priority = "5"
                    username_header = "UserName"
                    white_list_enabled = true
                    white_list = "\(Sample.thumbprint)"
                    """), facts: Sample.identityServer73),
        ],
        check: { context in
            guard let deployment = context.deployment, !deployment.mapper.notes.isEmpty else { return [] }
            let defaulted = [
                DeploymentKey.certificateVerification, .authenticatorEnabled, .authenticatorPriority,
                .usernameHeader, .whiteListEnabled,
            ].filter {
                if case .defaults = deployment[$0].origin { true } else { false }
            }
            guard !defaulted.isEmpty else { return [] }
            let names = defaulted.map { $0.path.last! }.joined(separator: ", ")
            // A file without its IS_HOME, read by the release --is-version names, has nothing more to give.
            let hint: String? =
                if case .assumed = deployment.mapper.defaultsSource {
                    "pass --is-version (the IS release the file is for, e.g. --is-version 7.3.0) to be exact"
                } else if context.facts.root == nil && context.facts.identityServerRelease != nil {
                    nil
                } else {
                    "lint the whole IS_HOME (with repository/resources/conf and repository/components/plugins) for its exact defaults"
                }
            return [
                context.finding(
                    .tomlDefaults,
                    "deployment.toml leaves \(names) to the config mapper's defaults: \(deployment.mapper.notes.joined(separator: "; "))",
                    at: nil, in: deployment, hint: hint, subject: "deployment.toml:defaults")
            ]
        })
}
