extension Rule {
    public static let suppressionInvalid: Rule = Rule(
        id: "suppression-invalid",
        severity: .error,
        summary: "An isconf-ignore comment must name known rules, give a reason, and sit just before what it covers.",
        catches: """
            An `isconf-ignore` comment without a reason, naming no rule or an unknown one, or with nothing right \
            after it to cover: it suppresses nothing.
            """,
        rationale: """
            A suppression hides a finding from the report and from the exit status, so it must say why: the reason \
            is what a reviewer reads, and what SARIF and JSON carry as the justification. A comment without one, \
            naming no rule or a rule isconf does not have (a typo, or a rule of another version), or with nothing \
            after it to cover (in XML an element, or the commented-out element, just after it; in deployment.toml \
            a key or [table] on its line or the next) suppresses nothing, and the finding it meant to hide stays.
            """,
        fix:
            "Write <!-- isconf-ignore RULE[, RULE…]: reason --> just before the element, or # isconf-ignore RULE[, RULE…]: reason at the end of the key's or [table]'s line or on the line before it.",
        examples: [
            .triggering(
                "no reason after the rule",
                catalina: Sample.commentBeforeHTTPSConnector(
                    "isconf-ignore client-auth-want", in: Sample.catalina(Sample.legacy("clientAuth=\"false\"")))),
            .triggering(
                "a rule isconf does not have",
                catalina: Sample.commentBeforeHTTPSConnector(
                    "isconf-ignore client-auth: the load balancer verifies client certificates",
                    in: Sample.catalina(Sample.legacy("clientAuth=\"false\"")))),
            .triggering(
                "in deployment.toml, followed by a blank line",
                deploymentToml: Sample.deploymentToml(
                    """
                    # isconf-ignore toml-client-auth: kept until the 7.3 upgrade

                    [transport.https.properties]
                    clientAuth = "want"
                    """), facts: Sample.identityServer73),
            .passing(
                "a rule and a reason, just before the element",
                catalina: Sample.commentBeforeHTTPSConnector(
                    "isconf-ignore client-auth-want: the load balancer verifies client certificates",
                    in: Sample.catalina(Sample.legacy("clientAuth=\"false\"")))),
            .passing(
                "in deployment.toml, at the end of the key's line",
                deploymentToml: Sample.deploymentToml(
                    """
                    [transport.https.properties]
                    clientAuth = "want"  # isconf-ignore toml-client-auth: kept until the 7.3 upgrade
                    """), facts: Sample.identityServer73),
        ],
        check: { context in
            context.suppressions.compactMap { suppression in
                guard let problem = suppression.problem else { return nil }
                let form =
                    suppression.file.hasSuffix(".toml")
                    ? "# isconf-ignore RULE: reason, at the end of the key's or [table]'s line or on the line before it"
                    : "<!-- isconf-ignore RULE: reason --> just before the element"
                return Finding(
                    rule: Rule.suppressionInvalid.id, severity: Rule.suppressionInvalid.severity,
                    message: "this isconf-ignore \(problem), so it suppresses nothing",
                    file: suppression.file, position: suppression.position,
                    hint: "write it as \(form)",
                    subject: "isconf-ignore[\(suppression.ruleIDs.joined(separator: ","))]")
            }
        })
}
