import ISConfCore
import ISConfXML
import Testing

@testable import ISConfDomain

private func catalina(_ text: String) throws -> CatalinaServer {
    CatalinaServer(document: try XMLDocument.parse(SourceFile(path: "c.xml", bytes: Array(text.utf8))))
}

private func authenticators(_ text: String) throws -> AuthenticatorsConfig {
    AuthenticatorsConfig(document: try XMLDocument.parse(SourceFile(path: "a.xml", bytes: Array(text.utf8))))
}

@Suite struct ClientAuthTests {
    @Test(arguments: [
        ("true", ClientAuthMode.required, true), ("yes", .required, true), ("want", .optional, true),
        ("false", .none, true), ("Want", .none, false), ("need", .none, false), ("optional", .none, false),
        ("TRUE", .none, false),
    ])
    func tomcat7(value: String, mode: ClientAuthMode, recognised: Bool) {
        let result = EffectiveClientAuth.mode(of: value, generation: .tomcat7)
        #expect(result.mode == mode)
        #expect(result.recognised == recognised)
    }

    @Test(arguments: [
        ("required", ClientAuthMode.required), ("REQUIRE", .required), ("true", .required), ("yes", .required),
        ("optional", .optional), ("Want", .optional), ("optionalNoCA", .optionalNoCA), ("none", .none),
        ("false", .none), ("no", .none), ("need", .invalid), ("", .invalid),
    ])
    func tomcat9(value: String, mode: ClientAuthMode) {
        #expect(EffectiveClientAuth.mode(of: value, generation: .tomcat9).mode == mode)
    }

    @Test func mainConnectorIs9443EvenWithAnX509ConnectorFirst() throws {
        let server = try catalina(
            """
            <Server><Service name="Catalina">
              <Connector port="8443" SSLEnabled="true" scheme="https" clientAuth="require"/>
              <Connector port="9763"/>
              <Connector port="9443" SSLEnabled="true" scheme="https" clientAuth="want"/>
            </Service></Server>
            """)
        #expect(server.sslConnectors.count == 2)
        #expect(server.mainHTTPSConnector?.port == "9443")
        #expect(server.mainHTTPSConnector?.effectiveClientAuth(generation: .tomcat9).mode == .optional)
    }

    @Test func sslHostConfigTakesPrecedenceOnTomcat9AndConflictsAreSeen() throws {
        let server = try catalina(
            """
            <Server><Service>
              <Connector port="9443" SSLEnabled="true" clientAuth="true">
                <SSLHostConfig hostName="other.example" certificateVerification="none"/>
                <SSLHostConfig certificateVerification="optional"/>
              </Connector>
            </Service></Server>
            """)
        let connector = try #require(server.mainHTTPSConnector)
        #expect(connector.defaultSSLHostConfig?.hostName == nil)
        let nine = connector.effectiveClientAuth(generation: .tomcat9)
        #expect(nine.mode == .optional)
        #expect(nine.origin == .sslHostConfigAttribute)
        #expect(nine.conflictsWithSSLHostConfig)
        // Tomcat 7 has no SSLHostConfig: only the Connector counts.
        #expect(connector.effectiveClientAuth(generation: .tomcat7).mode == .required)
    }

    @Test func secretsAreTypedAndMasked() throws {
        let server = try catalina(
            """
            <Server><Service><Connector port="9443" SSLEnabled="true" keystorePass="hunter2" truststorePass="t0p" ciphers="X">
              <SSLHostConfig truststorePassword="p1"><Certificate certificateKeystorePassword="p2" certificateKeyPassword="p3"/></SSLHostConfig>
            </Connector></Service></Server>
            """)
        let connector = try #require(server.mainHTTPSConnector)
        #expect(connector.keystorePassword?.revealed == "hunter2")
        #expect("\(connector.keystorePassword!)" == Secret.mask)
        #expect(connector.truststorePassword?.revealed == "t0p")
        #expect(connector.sslHostConfigs[0].truststorePassword?.revealed == "p1")
        #expect(connector.sslHostConfigs[0].certificates[0].keystorePassword?.revealed == "p2")
        let rendered = connector.settings.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
        #expect(!rendered.contains("hunter2") && !rendered.contains("t0p"))
        #expect(rendered.contains("ciphers=X"))
    }
}

@Suite struct AuthenticatorSemanticsTests {
    @Test func carbonSemantics() throws {
        let config = try authenticators(
            """
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <Authenticators xmlns="http://wso2.org/projects/carbon/authenticators.xml">
              <Authenticator name="MutualSSLAuthenticator" disabled="true"><Priority>5</Priority></Authenticator>
              <Authenticator name="MutualSSLAuthenticator" disabled="yes">
                <Priority> 5 </Priority>
                <Parameter name="Stray">x</Parameter>
                <Config><Parameter name="UsernameHeader"> UserName </Parameter></Config>
              </Authenticator>
            </Authenticators>
            """)
        #expect(config.declarations.count == 2)
        let effective = try #require(config.mutualSSL)
        #expect(!effective.isDisabled, "only \"true\" disables; the last declaration wins")
        #expect(effective.priorityElement?.text == " 5 ")
        #expect(javaParseInt(effective.priorityElement!.text) == nil)
        #expect(effective.parameter("UsernameHeader")?.value == " UserName ", "parameter text is not trimmed")
        #expect(effective.parameter("Stray") == nil, "parameters outside Config do not count")
        #expect(effective.strayParameters.map(\.name) == ["Stray"])
    }

    @Test func elementsMatchByLocalNameInAnyNamespace() throws {
        let config = try authenticators(
            """
            <a:Authenticators xmlns:a="urn:other"><a:Authenticator name="MutualSSLAuthenticator"/></a:Authenticators>
            """)
        #expect(config.mutualSSL != nil)
    }

    @Test func recognisesTheCommentedOutBlock() throws {
        let config = try authenticators(
            """
            <Authenticators>
              <!-- a note: uncomment the Authenticator name="MutualSSLAuthenticator" below -->
              <!--Authenticator name="MutualSSLAuthenticator" disabled="false">
                <Priority>5</Priority>
              </Authenticator-->
            </Authenticators>
            """)
        #expect(config.mutualSSL == nil)
        #expect(config.commentedOutMutualSSL?.position.line == 3, "prose that names the authenticator is not the block")
    }

    @Test(arguments: [("5", Int32(5)), ("-3", -3), ("+7", 7), ("2147483647", Int32.max)])
    func javaIntegers(text: String, value: Int32) { #expect(javaParseInt(text) == value) }

    @Test(arguments: [" 5", "5 ", "", "5.0", "2147483648", "0x10", "٥", "+", "-"])
    func notJavaIntegers(text: String) { #expect(javaParseInt(text) == nil) }
}
