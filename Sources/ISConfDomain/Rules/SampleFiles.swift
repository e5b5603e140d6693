/// Builders for the small files the rules' examples are written in.
enum Sample {
    /// A catalina-server.xml whose HTTPS connector (port 9443) has the given attributes and content.
    static func catalina(_ httpsAttributes: String, content: String? = nil) -> String {
        let connector = content.map { "<Connector port=\"9443\" \(httpsAttributes)>\n\($0)\n    </Connector>" }
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
    static func mutualSSL(_ attributes: String = "disabled=\"false\"", parameters: String = compliantParameters,
                          priority: String = "5") -> String {
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
}
