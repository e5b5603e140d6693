extension Rule {
    public static let tomlWhitelist: Rule = Rule(
        id: "toml-whitelist",
        severity: .error,
        summary: "deployment.toml's whitelist must be on, non-empty and made of thumbprints.",
        catches: """
            WhiteListEnabled true with no or an empty WhiteList (the config mapper refuses to start the server: its \
            validator has the rule from kernel 4.5.0, IS 5.9), entries that are not thumbprints; a warning when the \
            whitelist is off.
            """,
        rationale: """
            The MutualSSLAuthenticator logs in, without a password, any user named by a client whose certificate \
            the trust store accepts; WhiteListEnabled = true limits that to the thumbprints in WhiteList \
            (shorthands white_list_enabled, white_list; comma-separated lowercase hex, 40 digits for SHA-1, 64 \
            for SHA-256). The config mapper's validator (in validator.json from kernel 4.5.0, the first with \
            deployment.toml) stops the server when WhiteListEnabled is the boolean true and WhiteList is empty \
            or missing. When WhiteListEnabled is the string "true", which the validator does not compare equal, \
            or a home's own validator.json lacks the rule, nothing stops the start: a missing WhiteList keeps the authenticator from starting, an empty one rejects every \
            certificate login.
            """,
        fix: "Set white_list_enabled = true and white_list = \"<thumbprint>,…\" in [admin_console.authenticator.mutual_ssl_authenticator].",
        examples: [
            .triggering(
                "whitelist off (a warning)",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = true
                    """), facts: Sample.identityServer73),
            .triggering(
                "on and empty: the validator stops IS 7.3",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator.config]
                    WhiteListEnabled = true
                    WhiteList = ""
                    """), facts: Sample.identityServer73),
            .triggering(
                "on and missing in IS 5.9: kernel 4.5.1's validator stops it too",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = true
                    white_list_enabled = true
                    """), facts: Sample.identityServer59),
            .triggering(
                "an uppercase thumbprint with colons",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = true
                    white_list_enabled = true
                    white_list = "3B:8D:7F:0A:9C:1E:2D:4F:5A:6B:7C:8D:9E:0F:1A:2B:3C:4D:5E:6F"
                    """), facts: Sample.identityServer73),
            .passing("on with a thumbprint", deploymentToml: Sample.deploymentToml(Sample.compliantToml), facts: Sample.identityServer73),
            .triggering(
                "authenticator off, WhiteListEnabled the string \"true\" and no WhiteList (a warning: once enabled…)",
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    white_list_enabled = "true"
                    """), facts: Sample.identityServer73),
            .passing(
                "authenticator off: the whitelist being off does not matter yet", deploymentToml: Sample.deploymentToml(""),
                facts: Sample.identityServer73),
        ],
        check: { context in
            guard let deployment = context.deployment else { return [] }
            let rule = Rule.tomlWhitelist
            let toggle = deployment[.whiteListEnabled]
            let list = deployment[.whiteList]
            let subject = "deployment.toml:" + DeploymentKey.whiteList.rawValue
            let authenticatorOn = deployment[.authenticatorEnabled].value == .boolean(true)
            let listHint =
                "set \(DeploymentConfig.displayName(deployment.keyPathToSet(.whiteList))) to the allowed client certificates' thumbprints, comma-separated"
            let listState = list.value == nil ? "nothing sets WhiteList" : "WhiteList is empty (\(list.originDescription))"
            let listShort = list.value == nil || list.rendered == ""
            let quietOutcome =
                list.value == nil
                ? "no WhiteList parameter is rendered, so the authenticator silently never starts"
                : "every certificate login is rejected"

            if toggle.value == .boolean(true), listShort, deployment.mapper.validatesWhiteList {
                let message =
                    "WhiteListEnabled is true (\(toggle.originDescription)) and \(listState): the config mapper's validator stops the server at start (\"Trusted client certificates list is required\")"
                return [context.finding(rule, message, at: list.entry ?? toggle.entry, in: deployment, hint: listHint, subject: subject)]
            }
            // What the authenticator meets once on; while it is off, said now as warnings (an open whitelist is no risk yet).
            func whenEnabled() -> [Finding] {
                guard toggle.rendered?.lowercased() == "true" else {
                    return [
                        context.finding(
                            rule,
                            "the whitelist is off (\(toggle.originDescription)): any client certificate the trust store accepts can log in as any user, without a password",
                            at: toggle.entry, in: deployment, severity: .warning,
                            hint:
                                "set \(DeploymentConfig.displayName(deployment.keyPathToSet(.whiteListEnabled))) = true and list the allowed thumbprints in WhiteList",
                            subject: "deployment.toml:" + DeploymentKey.whiteListEnabled.rawValue)
                    ]
                }
                if listShort {
                    let unchecked =
                        toggle.value == .boolean(true) || !deployment.mapper.validatesWhiteList
                        ? "" : " (WhiteListEnabled is not the boolean true, so the config mapper's validator does not catch it)"
                    return [
                        context.finding(
                            rule, "WhiteListEnabled is on and \(listState): \(quietOutcome)\(unchecked)",
                            at: list.entry ?? toggle.entry, in: deployment, hint: listHint, subject: subject)
                    ]
                }
                guard let text = list.rendered else { return [] }  // an array or table: toml-value-type
                let entries = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingXMLSpace() }
                var findings: [Finding] = []
                for (index, problem) in whitelistEntryProblems(entries) {
                    findings.append(
                        context.finding(
                            rule, problem, at: list.entry, in: deployment, hint: whitelistEntryHint,
                            subject: subject + "[\(index)]"))
                }
                return findings
            }
            return authenticatorOn ? whenEnabled() : whenEnabled().filter { $0.severity == .error }.map(\.onceEnabled)
        })
}
