extension Rule {
    public static let parameterOutsideConfig: Rule = Rule(
        id: "parameter-outside-config",
        severity: .warning,
        summary: "An authenticator's <Parameter> must sit inside its <Config>.",
        catches: "A `<Parameter>` directly under `<Authenticator>`, which Carbon ignores.",
        rationale:
            "Carbon reads an authenticator's parameters only inside <Config>; one placed directly under <Authenticator> is silently ignored, so the setting it seems to make never applies.",
        fix: "Move the <Parameter> into the authenticator's <Config> element.",
        examples: [
            .triggering(
                "WhiteList directly under Authenticator",
                authenticators: Sample.authenticators(
                    """
                        <Authenticator name="MutualSSLAuthenticator" disabled="false">
                            <Priority>5</Priority>
                            <Parameter name="WhiteList">\(Sample.thumbprint)</Parameter>
                            <Config><Parameter name="WhiteListEnabled">true</Parameter></Config>
                        </Authenticator>
                    """)),
            .passing("parameters inside Config", authenticators: Sample.authenticators(Sample.mutualSSL())),
        ],
        check: { context in
            guard let config = context.authenticators else { return [] }
            return config.declarations.flatMap { authenticator in
                authenticator.strayParameters.map { parameter in
                    context.finding(
                        .parameterOutsideConfig,
                        "<Parameter name=\"\(parameter.name ?? "")\"> of \(authenticator.name ?? "an authenticator") is outside <Config>: Carbon ignores it",
                        at: parameter.element, in: config.document,
                        hint: "move it into <Config>", subject: authenticator.subject + ".Parameter[\(parameter.name ?? "")]")
                }
            }
        })
}
