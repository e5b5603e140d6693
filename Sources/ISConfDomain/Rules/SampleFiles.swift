/// Builders for the small files the rules' examples are written in.
enum Sample {
    /// A catalina-server.xml whose HTTPS connector (port 9443) has the given attributes and content.
    static func catalina(_ httpsAttributes: String, content: String? = nil) -> String {
        let connector =
            content.map { "<Connector port=\"9443\" \(httpsAttributes)>\n\($0)\n    </Connector>" }
            ?? "<Connector port=\"9443\" \(httpsAttributes)/>"
        return """
            <?xml version='1.0' encoding='utf-8'?>
            <Server port="8005" shutdown="SHUTDOWN">
              <Service name="Catalina">
                <Connector port="9763" protocol="org.apache.coyote.http11.Http11NioProtocol"/>
                \(connector)
              </Service>
            </Server>
            """
    }

    /// `catalina` (from `catalina(_:content:)`) with an XML comment holding `comment` just before its HTTPS connector.
    static func commentBeforeHTTPSConnector(_ comment: String, in catalina: String) -> String {
        catalina.replacing("<Connector port=\"9443\"", with: "<!-- \(comment) -->\n    <Connector port=\"9443\"")
    }

    /// Legacy-shape HTTPS connector attributes with the given clientAuth clause.
    static func legacy(_ clientAuth: String) -> String {
        "protocol=\"org.apache.coyote.http11.Http11NioProtocol\" SSLEnabled=\"true\" scheme=\"https\" secure=\"true\" \(clientAuth) keystoreFile=\"${carbon.home}/repository/resources/security/wso2carbon.jks\""
    }

    /// An authenticators.xml holding the given authenticator declarations.
    static func authenticators(_ body: String) -> String {
        """
        <?xml version="1.0" encoding="ISO-8859-1"?>
        <Authenticators xmlns="http://wso2.org/projects/carbon/authenticators.xml">
        \(body)
        </Authenticators>
        """
    }

    /// A MutualSSLAuthenticator with the given start-tag extras and Config parameters.
    static func mutualSSL(
        _ attributes: String = "disabled=\"false\"", parameters: String = compliantParameters,
        priority: String = "5"
    ) -> String {
        let parameters = parameters.split(separator: "\n").map { "            " + $0.trimmingXMLSpace() }.joined(separator: "\n")
        return """
                <Authenticator name="MutualSSLAuthenticator" \(attributes)>
                    <Priority>\(priority)</Priority>
                    <Config>
            \(parameters)
                    </Config>
                </Authenticator>
            """
    }

    static let thumbprint = "3b8d7f0a9c1e2d4f5a6b7c8d9e0f1a2b3c4d5e6f"

    static let compliantParameters = """
        <Parameter name="UsernameHeader">UserName</Parameter>
        <Parameter name="WhiteListEnabled">true</Parameter>
        <Parameter name="WhiteList">\(thumbprint)</Parameter>
        """

    /// A deployment.toml: the head every IS 5.9+ file has, then the given tables.
    static func deploymentToml(_ body: String) -> String {
        """
        [server]
        hostname = "localhost"
        node_ip = "127.0.0.1"

        [super_admin]
        username = "admin"
        create_admin_account = true

        \(body)

        """
    }

    /// The deployment.toml tables that turn mutual SSL on, with a whitelist.
    static let compliantToml = """
        [transport.https.sslHostConfig.properties]
        certificateVerification = "want"

        [admin_console.authenticator.mutual_ssl_authenticator]
        enable = true

        [admin_console.authenticator.mutual_ssl_authenticator.config]
        WhiteListEnabled = true
        WhiteList = "\(thumbprint)"
        """

    /// An IS 7.3.0 home (kernel 4.12.34, the authenticator bundle present) without the mapper's data files,
    /// so isconf's own table of IS defaults applies.
    static let identityServer73 = HomeFacts(
        root: ".", deploymentToml: HomeFacts.deploymentTomlPath, kernelVersion: "4.12.34",
        pluginsDirectory: "repository/components/plugins", hasMutualSSLComponent: true)

    /// An IS 5.9.0 home: kernel 4.5.1, before the config mapper validated the whitelist.
    static let identityServer59 = HomeFacts(
        root: ".", deploymentToml: HomeFacts.deploymentTomlPath, kernelVersion: "4.5.1",
        pluginsDirectory: "repository/components/plugins", hasMutualSSLComponent: true)

    /// A kernel-only product (no authenticator bundle): the kernel's defaults apply.
    static let kernelProduct = HomeFacts(
        root: ".", deploymentToml: HomeFacts.deploymentTomlPath, kernelVersion: "4.12.34",
        pluginsDirectory: "repository/components/plugins", hasMutualSSLComponent: false)

    /// catalina-server.xml as IS 5.9+ renders it, with the given SSLHostConfig certificateVerification.
    static func renderedCatalina(certificateVerification: String) -> String {
        catalina(
            "protocol=\"org.apache.coyote.http11.Http11NioProtocol\" SSLEnabled=\"true\" scheme=\"https\" secure=\"true\"",
            content: "<SSLHostConfig certificateVerification=\"\(certificateVerification)\"><Certificate certificateKeystoreFile=\"k.p12\"/></SSLHostConfig>")
    }

    /// authenticators.xml as IS 5.9+ renders it from its defaults plus the given parameters.
    static func renderedAuthenticators(disabled: String, parameters: String = "") -> String {
        authenticators(
            mutualSSL(
                "id=\"mutual_ssl_authenticator\" disabled=\"\(disabled)\"",
                parameters: """
                    <Parameter name="UsernameHeader">UserName</Parameter>
                    <Parameter name="WhiteListEnabled">false</Parameter>
                    <Parameter name="EnableSHA256">true</Parameter>
                    """ + (parameters.isEmpty ? "" : "\n" + parameters)))
    }
}
