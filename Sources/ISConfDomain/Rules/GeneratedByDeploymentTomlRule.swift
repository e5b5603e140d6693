import ISConfCore
import ISConfXML

extension Rule {
    public static let generatedByDeploymentToml: Rule = Rule(
        id: "generated-by-deployment-toml",
        severity: .warning,
        summary: "From IS 5.9 these XML files are generated from deployment.toml: where they disagree with it, the next start undoes them.",
        catches: """
            IS 5.9+: the rendered XML disagrees with what deployment.toml renders \
            (clientAuth/certificateVerification, the authenticator, its parameters): a hand edit the next start \
            undoes, or a TOML change not yet rendered; names the key to change.
            """,
        rationale: """
            IS 5.9+ renders catalina-server.xml and authenticators.xml from repository/conf/deployment.toml at \
            every start, and re-renders everything when a rendered file was edited by hand (unless the server runs \
            with -DavoidConfigUpdate=true). So where the XML's mutual SSL settings (certificateVerification, a \
            Connector clientAuth, the MutualSSLAuthenticator's disabled, Priority and parameters) differ from what \
            deployment.toml and the product's defaults render, either the XML was edited by hand and the next \
            start will undo it, or deployment.toml was changed and the server has not rendered it yet. Files that \
            agree with deployment.toml are not reported.
            """,
        fix: "Make the change in deployment.toml (the key named in the message); the XML follows at the next start.",
        examples: [
            .triggering(
                "a hand edit: certificateVerification=\"false\" in the XML, \"want\" from IS defaults",
                catalina: Sample.renderedCatalina(certificateVerification: "false"),
                deploymentToml: Sample.deploymentToml(""), facts: Sample.identityServer73),
            .triggering(
                "deployment.toml enables the authenticator, the rendered XML still disables it",
                authenticators: Sample.renderedAuthenticators(disabled: "true"),
                deploymentToml: Sample.deploymentToml(
                    """
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = true
                    """), facts: Sample.identityServer73),
            .triggering(
                "a WhiteList added by hand",
                authenticators: Sample.renderedAuthenticators(
                    disabled: "true", parameters: "<Parameter name=\"WhiteList\">\(Sample.thumbprint)</Parameter>"),
                deploymentToml: Sample.deploymentToml(""), facts: Sample.identityServer73),
            .passing(
                "the XML as deployment.toml renders it", catalina: Sample.renderedCatalina(certificateVerification: "want"),
                authenticators: Sample.renderedAuthenticators(disabled: "true"),
                deploymentToml: Sample.deploymentToml(""), facts: Sample.identityServer73),
            .passing(
                "an IS 5.6 home, without deployment.toml", catalina: Sample.catalina(Sample.legacy("clientAuth=\"false\"")),
                facts: HomeFacts(root: ".", kernelVersion: "4.4.32")),
        ],
        check: { context in
            guard let deployment = context.deployment else { return [] }
            var findings: [Finding] = []
            if let server = context.catalina, let connector = server.mainHTTPSConnector {
                findings += catalinaDrift(connector, in: server.document, deployment: deployment)
            }
            if let config = context.authenticators {
                findings += authenticatorsDrift(config, deployment: deployment)
            }
            return findings
        })

    private static func catalinaDrift(_ connector: Connector, in document: XMLDocument, deployment: DeploymentConfig) -> [Finding] {
        let verification = deployment[.certificateVerification]
        guard let hostConfig = connector.defaultSSLHostConfig else {
            let rendered = verification.rendered.map { " with certificateVerification=\"\($0)\" (\(verification.originDescription))" } ?? ""
            return [
                drift(
                    .certificateVerification,
                    "the HTTPS connector has no <SSLHostConfig> here, but deployment.toml renders one\(rendered)",
                    at: connector.element.position, in: document, deployment: deployment)
            ]
        }
        var findings: [Finding] = []
        let checks: [(DeploymentKey, TomcatElement, String, String)] = [
            (.certificateVerification, hostConfig, "certificateVerification", "on the SSLHostConfig"),
            (.connectorClientAuth, connector, "clientAuth", "on the Connector"),
        ]
        for (key, element, attributeName, place) in checks {
            let setting = deployment[key]
            guard setting.value == nil || setting.rendered != nil else { continue }  // arrays, tables: toml-value-type
            let attribute = element.element.attribute(attributeName)
            guard attribute?.value != setting.rendered else { continue }
            let position = attribute.map { document.position(of: $0.nameSpan.start) } ?? element.element.position
            findings.append(
                drift(
                    key,
                    "\(attributeName) \(place) is \(quoted(attribute?.value)) here, but deployment.toml renders \(quoted(setting.rendered)) (\(setting.originDescription))",
                    at: position, in: document, deployment: deployment))
        }
        return findings
    }

    private static func authenticatorsDrift(_ config: AuthenticatorsConfig, deployment: DeploymentConfig) -> [Finding] {
        let document = config.document
        let enabled = deployment[.authenticatorEnabled]
        let disabled = enabled.value == .boolean(true) ? "false" : "true"
        guard let authenticator = config.mutualSSL else {
            let comment = config.commentedOutMutualSSL
            return [
                drift(
                    .authenticatorEnabled,
                    "MutualSSLAuthenticator \(comment == nil ? "is missing" : "is commented out") here, but deployment.toml renders it with disabled=\"\(disabled)\" (\(enabled.originDescription))",
                    at: comment?.position ?? document.root.position, in: document, deployment: deployment)
            ]
        }
        var findings: [Finding] = []
        let attribute = authenticator.element.attribute("disabled")
        if attribute?.value != disabled {
            let position = attribute.map { document.position(of: $0.nameSpan.start) } ?? authenticator.element.position
            findings.append(
                drift(
                    .authenticatorEnabled,
                    "MutualSSLAuthenticator's disabled is \(quoted(attribute?.value)) here, but deployment.toml renders \"\(disabled)\" (\(enabled.originDescription))",
                    at: position, in: document, deployment: deployment))
        }
        let priority = deployment[.authenticatorPriority]
        let priorityElement = authenticator.priorityElement
        if priority.value == nil || priority.rendered != nil, priorityElement?.text != priority.rendered {
            findings.append(
                drift(
                    .authenticatorPriority,
                    "MutualSSLAuthenticator's Priority is \(quoted(priorityElement?.text)) here, but deployment.toml renders \(quoted(priority.rendered)) (\(priority.originDescription))",
                    at: (priorityElement ?? authenticator.element).position, in: document,
                    deployment: deployment))
        }
        for key in [DeploymentKey.usernameHeader, .whiteListEnabled, .whiteList, .enableSHA256] {
            let setting = deployment[key]
            guard setting.value == nil || setting.rendered != nil, let name = key.parameterName else { continue }
            // Unset, with a default that depends on a release isconf does not know: nothing to compare with.
            if setting.entries.isEmpty && deployment.mapper.defaultsUnknown.contains(key.rawValue) { continue }
            let parameter = authenticator.parameter(name)
            guard parameter?.value != setting.rendered else { continue }
            findings.append(
                drift(
                    key,
                    "parameter \(name) is \(quoted(parameter?.value)) here, but deployment.toml renders \(quoted(setting.rendered)) (\(setting.originDescription))",
                    at: (parameter?.element ?? authenticator.element).position, in: document,
                    deployment: deployment))
        }
        return findings
    }

    private static func quoted(_ text: String?) -> String { text.map { "\"\($0)\"" } ?? "absent" }

    private static func drift(
        _ key: DeploymentKey, _ what: String, at position: SourcePosition, in document: XMLDocument,
        deployment: DeploymentConfig
    ) -> Finding {
        Finding(
            rule: Rule.generatedByDeploymentToml.id, severity: .warning,
            message: what + ": a hand edit the next start will undo, or a deployment.toml change the server has not rendered yet",
            file: document.path, position: position,
            hint:
                "make the change in deployment.toml (\(DeploymentConfig.displayName(deployment.keyPathToSet(key)))); the XML is rendered from it at every start",
            subject: "drift:" + key.rawValue)
    }
}
