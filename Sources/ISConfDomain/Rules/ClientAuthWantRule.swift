extension Rule {
    public static let clientAuthWant: Rule = Rule(
        id: "client-auth-want",
        severity: .error,
        summary: "The main HTTPS connector must ask for client certificates without requiring them (clientAuth=\"want\").",
        catches: """
            The main HTTPS connector (the SSL connector on 9443; others, such as an X509 connector on 8443, are left \
            alone) does not have an effective client-auth mode of want/optional. Distinct messages for a missing \
            value, `false`/`none`, `true`/`required` (locks out browsers and mobile apps), `optionalNoCA` \
            (certificates not checked against the trust store), values Tomcat 7 silently ignores (`need`, `Want`: it \
            is case-sensitive) and values Tomcat 9 rejects (the connector does not start), and `clientAuth` on a \
            Connector that also has an `SSLHostConfig`.
            """,
        rationale: """
            Mutual SSL in WSO2 IS needs Tomcat to request a client certificate on the HTTPS connector (9443) while \
            still letting clients without one in: `want` (Tomcat 9: `optional`). Unset or `false` requests nothing; \
            `true`/`required` locks out browsers and mobile apps; Tomcat 7 silently treats unknown values such as \
            `need` or `Want` as `false`, and Tomcat 9 refuses to start the connector on them. In the Tomcat 9 \
            shape the setting is `certificateVerification` on the SSLHostConfig in use, and a `clientAuth` on the \
            Connector beside it conflicts.
            """,
        fix: "isconf enable sets clientAuth=\"want\" on the Connector, or certificateVerification=\"want\" on its SSLHostConfig.",
        traits: .supersededByDeploymentToml,
        examples: [
            .triggering("clientAuth missing", catalina: Sample.catalina(Sample.legacy(""))),
            .triggering("clientAuth=\"false\" (kernel default)", catalina: Sample.catalina(Sample.legacy("clientAuth=\"false\""))),
            .triggering(
                "clientAuth=\"true\" locks out clients without a certificate",
                catalina: Sample.catalina(Sample.legacy("clientAuth=\"true\""))),
            .triggering("Tomcat 7 silently ignores `need`", catalina: Sample.catalina(Sample.legacy("clientAuth=\"need\"")), tomcat: .tomcat7),
            .triggering("Tomcat 7 is case-sensitive", catalina: Sample.catalina(Sample.legacy("clientAuth=\"Want\"")), tomcat: .tomcat7),
            .triggering("Tomcat 9 refuses unknown values", catalina: Sample.catalina(Sample.legacy("clientAuth=\"need\"")), tomcat: .tomcat9),
            .triggering(
                "SSLHostConfig shape with certificateVerification=\"false\"",
                catalina: Sample.catalina(
                    "protocol=\"org.apache.coyote.http11.Http11NioProtocol\" SSLEnabled=\"true\" scheme=\"https\" secure=\"true\"",
                    content: "<SSLHostConfig certificateVerification=\"false\"><Certificate certificateKeystoreFile=\"k.jks\"/></SSLHostConfig>")),
            .triggering(
                "clientAuth on a Connector that has an SSLHostConfig",
                catalina: Sample.catalina(
                    "SSLEnabled=\"true\" scheme=\"https\" clientAuth=\"want\"",
                    content: "<SSLHostConfig certificateVerification=\"want\"><Certificate certificateKeystoreFile=\"k.jks\"/></SSLHostConfig>"),
                tomcat: .tomcat9),
            .passing("clientAuth=\"want\"", catalina: Sample.catalina(Sample.legacy("clientAuth=\"want\""))),
            .passing("Tomcat 9 accepts `optional` in any case", catalina: Sample.catalina(Sample.legacy("clientAuth=\"Optional\"")), tomcat: .tomcat9),
            .passing(
                "SSLHostConfig shape with certificateVerification=\"want\"",
                catalina: Sample.catalina(
                    "SSLEnabled=\"true\" scheme=\"https\"",
                    content: "<SSLHostConfig certificateVerification=\"want\"><Certificate certificateKeystoreFile=\"k.jks\"/></SSLHostConfig>")),
        ],
        check: { context in
            guard let server = context.catalina, let connector = server.mainHTTPSConnector else { return [] }
            let auth = connector.effectiveClientAuth(generation: context.tomcat)
            let rule = Rule.clientAuthWant
            let document = server.document
            let hostConfig = connector.defaultSSLHostConfig
            let attributeName = auth.origin == .sslHostConfigAttribute ? "certificateVerification" : "clientAuth"
            let attribute =
                auth.origin == .sslHostConfigAttribute
                ? hostConfig?.element.attribute("certificateVerification")
                : connector.element.attribute("clientAuth")
            let hint =
                auth.origin == .sslHostConfigAttribute || (auth.origin == .unset && hostConfig != nil && context.tomcat == .tomcat9)
                ? "set certificateVerification=\"want\" on the SSLHostConfig (run: isconf enable)"
                : "set clientAuth=\"want\" on the Connector (run: isconf enable)"
            var findings: [Finding] = []

            if auth.conflictsWithSSLHostConfig, let clientAuth = connector.element.attribute("clientAuth") {
                findings.append(
                    context.finding(
                        rule,
                        "clientAuth=\"\(clientAuth.value)\" on the Connector conflicts with its nested SSLHostConfig; Tomcat 9 takes client auth from the SSLHostConfig's certificateVerification",
                        at: clientAuth, in: document,
                        hint: "remove clientAuth from the Connector and set certificateVerification=\"want\" on the SSLHostConfig",
                        fixable: true, subject: connector.subject + ".clientAuth"))
            }

            let raw = auth.rawValue ?? ""
            let message: String?
            switch auth.mode {
            case .optional:
                message = nil
            case .none where auth.origin == .unset:
                message =
                    hostConfig != nil && context.tomcat == .tomcat9
                    ? "the HTTPS connector (port \(connector.port ?? "?")) has no certificateVerification on its SSLHostConfig, so Tomcat requests no client certificate and mutual SSL cannot work"
                    : "the HTTPS connector (port \(connector.port ?? "?")) has no clientAuth, so Tomcat requests no client certificate and mutual SSL cannot work"
            case .none where !auth.recognised:
                message =
                    "\(attributeName)=\"\(raw)\" is not a value Tomcat 7 knows (it is case-sensitive: true, yes, want, false): it silently means no client authentication"
            case .none:
                message = "\(attributeName)=\"\(raw)\" on the HTTPS connector means no client certificate is requested, so mutual SSL cannot work"
            case .required:
                message =
                    "\(attributeName)=\"\(raw)\" requires a client certificate from every client: browsers and mobile apps without one are locked out; mutual SSL here needs \"want\""
            case .optionalNoCA:
                message =
                    "\(attributeName)=\"\(raw)\" accepts client certificates without checking them against the trust store, so any self-made certificate could log in"
            case .invalid:
                message =
                    "\(attributeName)=\"\(raw)\" is not a valid value: Tomcat 9 refuses to start the HTTPS connector (valid: want/optional, required, none, optionalNoCA)"
            }
            if let message {
                if let attribute {
                    findings.append(
                        context.finding(
                            rule, message, at: attribute, in: document, hint: hint, fixable: true,
                            subject: connector.subject))
                } else {
                    findings.append(
                        context.finding(
                            rule, message, at: (hostConfig?.element ?? connector.element), in: document,
                            hint: hint, fixable: true, subject: connector.subject))
                }
            }
            return findings
        })
}
