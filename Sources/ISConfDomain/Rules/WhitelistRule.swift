extension Rule {
    public static let whitelist: Rule = Rule(
        id: "whitelist",
        severity: .error,
        summary: "The MutualSSLAuthenticator whitelist must be on, present, non-empty and made of thumbprints.",
        catches: """
            `WhiteListEnabled=true` and no `WhiteList` (the authenticator silently never starts), an empty \
            `WhiteList` (every request rejected), entries that are not 40/64 lowercase hex digits (`*` is no \
            wildcard); a warning when the whitelist is off (any trusted certificate can log in as anyone). While the \
            authenticator is disabled the errors are warnings ("once enabled, …").
            """,
        rationale: """
            A client whose certificate the trust store accepts may log in as any user it names in the UserName \
            header, without a password. WhiteListEnabled=true limits that to the certificates whose thumbprints are \
            listed in WhiteList (comma-separated, lowercase hex without colons: 40 digits for SHA-1, 64 for \
            SHA-256). With WhiteListEnabled=true and no WhiteList parameter the authenticator silently never \
            starts; with an empty WhiteList every request is rejected. `*` is not a wildcard. While the \
            authenticator is disabled these are warnings ("once enabled, …"), so they are not first found the \
            day it is switched on.
            """,
        fix:
            "Set WhiteListEnabled=true and WhiteList to the client certificates' thumbprints: openssl x509 -noout -fingerprint -sha256 -in client.pem, lowercased, colons removed.",
        traits: .supersededByDeploymentToml,
        examples: [
            .triggering(
                "whitelist off (a warning)",
                authenticators: Sample.authenticators(
                    Sample.mutualSSL(
                        parameters: """
                            <Parameter name="WhiteListEnabled">false</Parameter>
                            """))),
            .triggering(
                "enabled without a WhiteList parameter",
                authenticators: Sample.authenticators(
                    Sample.mutualSSL(
                        parameters: """
                            <Parameter name="WhiteListEnabled">true</Parameter>
                            """))),
            .triggering(
                "enabled with an empty WhiteList",
                authenticators: Sample.authenticators(
                    Sample.mutualSSL(
                        parameters: """
                            <Parameter name="WhiteListEnabled">true</Parameter>
                            <Parameter name="WhiteList"/>
                            """))),
            .triggering(
                "uppercase thumbprint with colons",
                authenticators: Sample.authenticators(
                    Sample.mutualSSL(
                        parameters: """
                            <Parameter name="WhiteListEnabled">true</Parameter>
                            <Parameter name="WhiteList">3B:8D:7F:0A:9C:1E:2D:4F:5A:6B:7C:8D:9E:0F:1A:2B:3C:4D:5E:6F</Parameter>
                            """))),
            .triggering(
                "`*` is not a wildcard",
                authenticators: Sample.authenticators(
                    Sample.mutualSSL(
                        parameters: """
                            <Parameter name="WhiteListEnabled">true</Parameter>
                            <Parameter name="WhiteList">*</Parameter>
                            """))),
            .passing(
                "SHA-1 and SHA-256 thumbprints",
                authenticators: Sample.authenticators(
                    Sample.mutualSSL(
                        parameters: """
                            <Parameter name="WhiteListEnabled">true</Parameter>
                            <Parameter name="WhiteList">\(Sample.thumbprint),9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08</Parameter>
                            """))),
            .triggering(
                "disabled, with an empty WhiteList (a warning: once enabled…)",
                authenticators: Sample.authenticators(
                    Sample.mutualSSL(
                        "disabled=\"true\"",
                        parameters: """
                            <Parameter name="WhiteListEnabled">true</Parameter>
                            <Parameter name="WhiteList"/>
                            """))),
            .passing(
                "authenticator disabled: the whitelist being off does not matter yet",
                authenticators: Sample.authenticators(
                    Sample.mutualSSL("disabled=\"true\"", parameters: "<Parameter name=\"WhiteListEnabled\">false</Parameter>"))),
        ],
        check: { context in
            guard let config = context.authenticators, let authenticator = config.mutualSSL else { return [] }
            let findings = Rule.whitelistFindings(context, config: config, authenticator: authenticator)
            guard authenticator.isDisabled else { return findings }
            // Disabled: what would break it is said now, as a warning; an open whitelist is not a risk yet.
            return findings.filter { $0.severity == .error }.map(\.onceEnabled)
        })

    /// The whitelist's findings for an enabled authenticator.
    private static func whitelistFindings(
        _ context: LintContext, config: AuthenticatorsConfig,
        authenticator: Authenticator
    ) -> [Finding] {
        let rule = Rule.whitelist
        let document = config.document
        let subject = authenticator.subject
        let enabledParameter = authenticator.parameter("WhiteListEnabled")
        guard let enabledParameter, enabledParameter.value.lowercased() == "true" else {
            let location = enabledParameter?.element ?? authenticator.element
            return [
                context.finding(
                    rule,
                    "the whitelist is off: any client certificate the trust store accepts can log in as any user, without a password",
                    at: location, in: document, severity: .warning,
                    hint: "set WhiteListEnabled=true and list the allowed client certificates' thumbprints in WhiteList",
                    subject: subject + ".WhiteListEnabled")
            ]
        }
        guard let list = authenticator.parameter("WhiteList") else {
            return [
                context.finding(
                    rule, "WhiteListEnabled is true but there is no WhiteList parameter: the authenticator silently never starts",
                    at: enabledParameter.element, in: document,
                    hint: "add <Parameter name=\"WhiteList\">thumbprint,...</Parameter> inside <Config>",
                    subject: subject + ".WhiteList")
            ]
        }
        let entries = list.value.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingXMLSpace() }
        if entries.allSatisfy(\.isEmpty) {
            return [
                context.finding(
                    rule, "WhiteListEnabled is true and WhiteList is empty: every certificate login is rejected",
                    at: list.element, in: document,
                    hint: "list the allowed client certificates' thumbprints, comma-separated",
                    subject: subject + ".WhiteList")
            ]
        }
        var findings: [Finding] = []
        for (index, problem) in whitelistEntryProblems(entries) {
            findings.append(
                context.finding(
                    rule, problem, at: list.element, in: document, hint: whitelistEntryHint,
                    subject: subject + ".WhiteList[\(index)]"))
        }
        return findings
    }
}
