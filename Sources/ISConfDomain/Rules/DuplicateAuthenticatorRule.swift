extension Rule {
    public static let duplicateAuthenticator: Rule = Rule(
        id: "duplicate-authenticator",
        severity: .warning,
        summary: "Each authenticator must be declared once.",
        catches: "Two authenticators with one name: only the last counts.",
        rationale:
            "When two <Authenticator> elements share a name, Carbon keeps the last one and drops the others without a word, so an edit to the first has no effect.",
        fix: "Delete the earlier declaration, keeping the settings you want in one.",
        examples: [
            .triggering("MutualSSLAuthenticator twice", authenticators: Sample.authenticators(Sample.mutualSSL() + "\n" + Sample.mutualSSL())),
            .passing(
                "distinct names",
                authenticators: Sample.authenticators(
                    Sample.mutualSSL() + """

                            <Authenticator name="SAML2SSOAuthenticator" disabled="true"><Priority>10</Priority></Authenticator>
                        """)),
        ],
        check: { context in
            guard let config = context.authenticators else { return [] }
            var findings: [Finding] = []
            for (index, authenticator) in config.declarations.enumerated() {
                guard let name = authenticator.name,
                    let later = config.declarations[(index + 1)...].last(where: { $0.name == name })
                else { continue }
                findings.append(
                    context.finding(
                        .duplicateAuthenticator,
                        "\(name) is declared again at line \(later.element.position.line); Carbon uses only the last declaration and ignores this one",
                        at: authenticator.element, in: config.document,
                        hint: "keep one declaration of \(name)",
                        subject: authenticator.subject + "#\(index)"))
            }
            return findings
        })
}
