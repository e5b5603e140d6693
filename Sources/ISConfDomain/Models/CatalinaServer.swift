import ISConfXML

/// `catalina-server.xml`: Server → Service → Connector → SSLHostConfig → Certificate.
public struct CatalinaServer: Sendable {
    public let document: XMLDocument
    public let services: [Service]

    public init(document: XMLDocument) {
        self.document = document
        services = document.root.childElements.filter { $0.localName == "Service" }.map(Service.init)
    }

    public var path: String { document.path }
    public var connectors: [Connector] { services.flatMap(\.connectors) }

    /// The connectors that speak TLS.
    public var sslConnectors: [Connector] { connectors.filter(\.isSSL) }

    /// The HTTPS connector the management console and the authenticator sit behind: the SSL
    /// connector on 9443 (the port offset is applied at run time), else the only or first one.
    /// Other SSL connectors, e.g. an X509 connector on 8443, are left alone.
    public var mainHTTPSConnector: Connector? {
        let ssl = sslConnectors
        return ssl.first { $0.port == "9443" } ?? ssl.first
    }
}

public struct Service: Sendable {
    public let element: XMLElement
    public let connectors: [Connector]

    init(element: XMLElement) {
        self.element = element
        connectors = element.childElements.filter { $0.localName == "Connector" }.map(Connector.init)
    }

    public var name: String? { element.attribute("name")?.value }
}

/// Accessors shared by the three elements that carry Tomcat settings.
public protocol TomcatElement: Sendable {
    var element: XMLElement { get }
}

extension TomcatElement {
    /// A non-secret attribute's value; secrets only through `secret(_:)`.
    public func value(_ name: String) -> String? {
        precondition(!Secret.isSecretAttribute(name), "read \(name) through secret(_:)")
        return element.attribute(name)?.value
    }

    public func secret(_ name: String) -> Secret? {
        element.attribute(name).map { Secret($0.value) }
    }

    /// Every attribute, each either a plain value or a secret.
    public var settings: [(name: String, value: SettingValue)] {
        element.attributes.filter { !$0.isNamespaceDeclaration }.map { attribute in
            (
                attribute.qualifiedName,
                Secret.isSecretAttribute(attribute.localName) ? .secret(Secret(attribute.value)) : .plain(attribute.value)
            )
        }
    }
}

public enum SettingValue: Sendable, Equatable, CustomStringConvertible {
    case plain(String)
    case secret(Secret)

    public var description: String {
        switch self {
        case .plain(let value): value
        case .secret(let secret): secret.description
        }
    }
}

public struct Connector: TomcatElement {
    public let element: XMLElement
    public let sslHostConfigs: [SSLHostConfig]

    init(element: XMLElement) {
        self.element = element
        sslHostConfigs = element.childElements.filter { $0.localName == "SSLHostConfig" }.map(SSLHostConfig.init)
    }

    public var port: String? { value("port") }
    public var protocolName: String? { value("protocol") }
    public var scheme: String? { value("scheme") }
    public var secure: String? { value("secure") }
    public var sslEnabled: String? { value("SSLEnabled") }
    public var clientAuth: String? { value("clientAuth") }
    public var sslProtocol: String? { value("sslProtocol") }
    public var sslEnabledProtocols: String? { value("sslEnabledProtocols") }
    public var ciphers: String? { value("ciphers") }
    public var keystoreFile: String? { value("keystoreFile") }
    public var keystoreType: String? { value("keystoreType") }
    public var keystorePassword: Secret? { secret("keystorePass") }
    public var truststoreFile: String? { value("truststoreFile") }
    public var truststoreType: String? { value("truststoreType") }
    public var truststorePassword: Secret? { secret("truststorePass") }

    /// Tomcat parses booleans with Boolean.valueOf: "true" in any case.
    public var isSSL: Bool {
        sslEnabled?.lowercased() == "true" || scheme?.lowercased() == "https" || !sslHostConfigs.isEmpty
    }

    /// How the finding names this connector, whatever line it is on.
    public var subject: String { "Connector[port=\(port ?? "?")]" }

    /// The SSLHostConfig Tomcat uses for clients that send no SNI name: the one named by
    /// defaultSSLHostConfigName (default `_default_`), or one with no hostName.
    public var defaultSSLHostConfig: SSLHostConfig? {
        let name = value("defaultSSLHostConfigName") ?? "_default_"
        return sslHostConfigs.first { ($0.hostName ?? "_default_").lowercased() == name.lowercased() }
    }

    /// The client-auth mode Tomcat will apply, from the Connector and the SSLHostConfig in use.
    public func effectiveClientAuth(generation: TomcatGeneration) -> EffectiveClientAuth {
        let hostConfig = generation == .tomcat9 ? defaultSSLHostConfig : nil
        if let hostConfig {
            let conflict = clientAuth != nil
            guard let raw = hostConfig.certificateVerification else {
                return EffectiveClientAuth(
                    mode: .none, origin: .unset, rawValue: nil, recognised: true,
                    conflictsWithSSLHostConfig: conflict)
            }
            let (mode, recognised) = EffectiveClientAuth.mode(of: raw, generation: generation)
            return EffectiveClientAuth(
                mode: mode, origin: .sslHostConfigAttribute, rawValue: raw,
                recognised: recognised, conflictsWithSSLHostConfig: conflict)
        }
        guard let raw = clientAuth else {
            return EffectiveClientAuth(
                mode: .none, origin: .unset, rawValue: nil, recognised: true,
                conflictsWithSSLHostConfig: false)
        }
        let (mode, recognised) = EffectiveClientAuth.mode(of: raw, generation: generation)
        return EffectiveClientAuth(
            mode: mode, origin: .connectorAttribute, rawValue: raw, recognised: recognised,
            conflictsWithSSLHostConfig: false)
    }
}

public struct SSLHostConfig: TomcatElement {
    public let element: XMLElement
    public let certificates: [Certificate]

    init(element: XMLElement) {
        self.element = element
        certificates = element.childElements.filter { $0.localName == "Certificate" }.map(Certificate.init)
    }

    public var hostName: String? { value("hostName") }
    public var certificateVerification: String? { value("certificateVerification") }
    public var protocols: String? { value("protocols") }
    public var sslProtocol: String? { value("sslProtocol") }
    public var ciphers: String? { value("ciphers") }
    public var truststoreFile: String? { value("truststoreFile") }
    public var truststoreType: String? { value("truststoreType") }
    public var truststorePassword: Secret? { secret("truststorePassword") }
}

public struct Certificate: TomcatElement {
    public let element: XMLElement

    public var keystoreFile: String? { value("certificateKeystoreFile") }
    public var keystoreType: String? { value("certificateKeystoreType") }
    public var keyAlias: String? { value("certificateKeyAlias") }
    public var keystorePassword: Secret? { secret("certificateKeystorePassword") }
    public var keyPassword: Secret? { secret("certificateKeyPassword") }
}
