extension Rule {
    public static let unusedSuppression: Rule = Rule(
        id: "unused-suppression",
        severity: .note,
        summary: "An isconf-ignore comment should suppress a finding.",
        catches: """
            An `isconf-ignore` comment that covers no finding of a rule it names (rules that did not run are not \
            judged).
            """,
        rationale: """
            A suppression that hides nothing is left over from a problem since fixed, or was put in the wrong \
            place. Left alone it would silently hide the same problem if it came back. A rule that did not run \
            (a store rule with [stores] check = false, an XML rule that deployment.toml decides) is not judged.
            """,
        fix: "Remove the rule from the comment, or the comment.",
        examples: [
            .triggering(
                "attribute-typo suppressed before a connector without a typo",
                catalina: Sample.commentBeforeHTTPSConnector(
                    "isconf-ignore attribute-typo: our Tomcat fork reads clientauth",
                    in: Sample.catalina(Sample.legacy("clientAuth=\"want\"")))),
            .triggering(
                "toml-client-auth suppressed above a table without clientAuth",
                deploymentToml: Sample.deploymentToml(
                    """
                    # isconf-ignore toml-client-auth: kept until the 7.3 upgrade
                    [transport.https.sslHostConfig.properties]
                    certificateVerification = "want"
                    """), facts: Sample.identityServer73),
            .passing(
                "client-auth-want suppressed before the connector it fires on",
                catalina: Sample.commentBeforeHTTPSConnector(
                    "isconf-ignore client-auth-want: the load balancer verifies client certificates",
                    in: Sample.catalina(Sample.legacy("clientAuth=\"false\"")))),
            .passing(
                "toml-client-auth suppressed on the line before its key",
                deploymentToml: Sample.deploymentToml(
                    """
                    [transport.https.properties]
                    # isconf-ignore toml-client-auth: kept until the 7.3 upgrade
                    clientAuth = "want"
                    """), facts: Sample.identityServer73),
        ],
        review: { context, findings in
            context.suppressions.filter { $0.problem == nil }.flatMap { suppression in
                suppression.ruleIDs.compactMap { id -> Finding? in
                    guard let rule = Linter.rule(id: id), !rule.reviewsFindings, Linter.runs(rule, in: context),
                        !findings.contains(where: { $0.rule == id && suppression.covers($0) })
                    else { return nil }
                    return Finding(
                        rule: Rule.unusedSuppression.id, severity: Rule.unusedSuppression.severity,
                        message: "isconf-ignore \(id) suppresses nothing: \(id) finds nothing in what it covers",
                        file: suppression.file, position: suppression.position,
                        hint: "remove \(id) from the comment (or the comment), so that it cannot hide a finding that comes back",
                        subject: "isconf-ignore[\(id)]")
                }
            }
        })
}
