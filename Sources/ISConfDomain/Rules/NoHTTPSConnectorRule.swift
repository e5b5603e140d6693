extension Rule {
    public static let noHTTPSConnector: Rule = Rule(
        id: "no-https-connector",
        severity: .error,
        summary: "catalina-server.xml must have an HTTPS connector.",
        catches: "No connector with `SSLEnabled=\"true\"`, `scheme=\"https\"` or an `SSLHostConfig`.",
        rationale:
            "Mutual SSL happens in the TLS handshake of the HTTPS connector (9443 by default). Without a connector that has SSLEnabled=\"true\", scheme=\"https\" or an SSLHostConfig there is nothing to ask for a client certificate.",
        fix: "Restore the HTTPS <Connector port=\"9443\" SSLEnabled=\"true\" scheme=\"https\" ...> from the product's catalina-server.xml.",
        examples: [
            .triggering(
                "only the HTTP connector",
                catalina: """
                    <Server port="8005" shutdown="SHUTDOWN"><Service name="Catalina">
                      <Connector port="9763" protocol="org.apache.coyote.http11.Http11NioProtocol"/>
                    </Service></Server>
                    """),
            .passing("an HTTPS connector", catalina: Sample.catalina(Sample.legacy("clientAuth=\"want\""))),
        ],
        check: { context in
            guard let server = context.catalina, server.mainHTTPSConnector == nil else { return [] }
            return [
                context.finding(
                    .noHTTPSConnector,
                    "no HTTPS connector (SSLEnabled=\"true\", scheme=\"https\" or an SSLHostConfig) in any <Service>",
                    at: server.document.root, in: server.document,
                    hint: "restore the product's HTTPS connector on port 9443", subject: "Server")
            ]
        })
}
