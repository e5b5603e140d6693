extension Rule {
    public static let mutualSSLAuthenticator: Rule = Rule(
        id: "mutual-ssl-authenticator",
        severity: .error,
        summary: "MutualSSLAuthenticator must be declared and enabled, explicitly, in authenticators.xml.",
        catches: """
            `MutualSSLAuthenticator` commented out (as kernels 4.4.1+ ship it), absent (kernel 4.4.0), or \
            `disabled="true"` (any case; the last of two declarations wins, as in Carbon). A note, fixable, when it \
            is enabled only implicitly (no `disabled` attribute, as stock IS 5.1-5.8 ship it); a warning for values \
            like `disabled="no"`, which Carbon reads as enabled.
            """,
        rationale: """
            Carbon logs a client in by its certificate only through MutualSSLAuthenticator. Kernels 4.4.1+ ship it \
            commented out (a comment dressed as the element), kernel 4.4.0 lacks it, and `disabled="true"` turns it \
            off. Carbon treats only "true" (any case) as disabled, so an authenticator without the attribute is \
            enabled implicitly, as in stock IS 5.1-5.8; the documented procedure still sets disabled="false", which \
            makes the intent visible and survives tools that add a default.
            """,
        fix: "isconf enable uncomments or adds the authenticator and sets disabled=\"false\".",
        traits: .supersededByDeploymentToml,
        examples: [
            .triggering(
                "commented out, as kernels ship it",
                authenticators: Sample.authenticators(
                    """
                        <!--Authenticator name="MutualSSLAuthenticator" disabled="false">
                            <Priority>5</Priority>
                        </Authenticator-->
                    """)),
            .triggering(
                "absent",
                authenticators: Sample.authenticators(
                    """
                        <Authenticator name="SAML2SSOAuthenticator" disabled="true"><Priority>10</Priority></Authenticator>
                    """)),
            .triggering("disabled", authenticators: Sample.authenticators(Sample.mutualSSL("disabled=\"TRUE\""))),
            .triggering("enabled only implicitly (a note)", authenticators: Sample.authenticators(Sample.mutualSSL(""))),
            .triggering(
                "the last of two declarations wins",
                authenticators: Sample.authenticators(
                    Sample.mutualSSL() + "\n" + Sample.mutualSSL("disabled=\"true\""))),
            .passing("enabled explicitly", authenticators: Sample.authenticators(Sample.mutualSSL())),
            .passing("`False` is not \"true\", so enabled", authenticators: Sample.authenticators(Sample.mutualSSL("disabled=\"False\""))),
        ],
        check: { context in
            guard let config = context.authenticators else { return [] }
            let rule = Rule.mutualSSLAuthenticator
            let document = config.document
            let subject = "Authenticator[name=\(AuthenticatorsConfig.mutualSSLName)]"
            guard let authenticator = config.mutualSSL else {
                if let comment = config.commentedOutMutualSSL {
                    return [
                        Finding(
                            rule: rule.id, severity: .error,
                            message: "MutualSSLAuthenticator is commented out, so Carbon never loads it and certificate logins are refused",
                            file: document.path, position: comment.position,
                            hint: "uncomment it and set disabled=\"false\" (run: isconf enable)", fixable: true,
                            subject: subject)
                    ]
                }
                return [
                    context.finding(
                        rule, "MutualSSLAuthenticator is not declared, so certificate logins are refused",
                        at: document.root, in: document,
                        hint: "add it with disabled=\"false\" (run: isconf enable)", fixable: true, subject: subject)
                ]
            }
            guard let disabled = authenticator.element.attribute("disabled") else {
                return [
                    context.finding(
                        rule,
                        "MutualSSLAuthenticator is enabled only implicitly (no disabled attribute); the procedure sets disabled=\"false\"",
                        at: authenticator.element, in: document, severity: .note,
                        hint: "add disabled=\"false\" (run: isconf enable)", fixable: true, subject: subject)
                ]
            }
            if authenticator.isDisabled {
                return [
                    context.finding(
                        rule, "MutualSSLAuthenticator is disabled (disabled=\"\(disabled.value)\")",
                        at: disabled, in: document,
                        hint: "set disabled=\"false\" (run: isconf enable)", fixable: true, subject: subject)
                ]
            }
            if disabled.value.lowercased() != "false" {
                return [
                    context.finding(
                        rule,
                        "disabled=\"\(disabled.value)\" reads as enabled (Carbon disables only on \"true\"), but says something else to a reader",
                        at: disabled, in: document, severity: .warning,
                        hint: "write disabled=\"false\" (run: isconf enable)", fixable: true, subject: subject)
                ]
            }
            return []
        })
}
