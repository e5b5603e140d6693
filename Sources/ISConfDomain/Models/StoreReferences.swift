import ISConfCore
import ISConfXML

/// A key store or trust store the main HTTPS connector makes Tomcat open: where it is, of which
/// type, with which password, and what in catalina-server.xml (or which default) says so.
public struct StoreReference: Sendable {
    /// The password of the stores every IS download ships, which wso2server.sh also gives the JVM.
    public static let wso2DefaultPassword = "wso2carbon"

    public enum Purpose: String, Sendable {
        /// The server's private key and certificate chain.
        case keyStore = "key store"
        /// The certificates client certificates are verified against.
        case trustStore = "trust store"
    }

    public enum Password: Sendable, Equatable {
        /// Written in the file, or the default `passwordOrigin` names.
        case known(Secret)
        /// Secure vault: Carbon resolves the alias at start-up, so isconf cannot know the value.
        case secureVault(alias: String)
    }

    public let purpose: Purpose
    /// As written, with its `${carbon.home}`; or the default's path.
    public let path: String
    /// On disk: `${carbon.home}` replaced by IS_HOME and a relative path taken from IS_HOME (Tomcat's
    /// base in Carbon); nil when the path holds another placeholder, which only the running server resolves.
    public let resolvedPath: String?
    /// As configured (`JKS`, `PKCS12`); nil when not set. isconf tells the format by the content.
    public let type: String?
    public let password: Password
    /// The attribute that names the store; nil when a default applies (the Tomcat 7 trust store).
    public let fileAttribute: XMLAttribute?
    /// The attribute that holds the password; nil when a default applies.
    public let passwordAttribute: XMLAttribute?
    /// Where the password comes from, for messages: "the password in keystorePass", or the default and who sets it.
    public let passwordOrigin: String
    /// Where the path comes from when no attribute names it.
    public let defaultOrigin: String?
    /// The element carrying the settings (Connector, SSLHostConfig or Certificate), or the Connector
    /// for a default: where a finding goes when there is no attribute to point at.
    public let element: XMLElement
    /// The key entry Tomcat serves (`keyAlias`, `certificateKeyAlias`); nil: the first one. Key store only.
    public let keyAlias: String?

    /// The file name, for short messages.
    public var fileName: String { path.split(separator: "/").last.map(String.init) ?? path }

    /// Where findings about the store go: the attribute naming it, else its element.
    public func position(in document: XMLDocument) -> SourcePosition {
        fileAttribute.map { document.position(of: $0.nameSpan.start) } ?? element.position
    }

    /// `${carbon.home}` is IS_HOME; Tomcat in Carbon resolves relative paths against IS_HOME too.
    static func resolve(_ path: String, home: String) -> String? {
        let placeholder = "${carbon.home}"
        var rest = Substring(path)
        var resolved = ""
        while let offset = rest.utf8Offset(of: placeholder) {
            let start = rest.utf8.index(rest.startIndex, offsetBy: offset)
            resolved += String(rest[..<start])
            resolved += home
            rest = rest[rest.utf8.index(start, offsetBy: placeholder.utf8.count)...]
        }
        resolved += String(rest)  // String's own +=: appending a Substring is generic code run unspecialized
        if resolved.includes("${") { return nil }
        return path.hasPrefix("/") || path.hasPrefix(placeholder) ? resolved : FileSystem.join(home, resolved)
    }
}

/// The JVM's own trust store, which Tomcat uses when the connector names none: Carbon's start
/// script sets `-Djavax.net.ssl.trustStore` to IS_HOME's client trust store and its password to
/// WSO2's default.
enum JVMDefaultTrustStore {
    /// `client-truststore.jks`; IS 7 (kernel 4.10+) ships `client-truststore.p12` and points the JVM at it.
    static func path(kernelVersion: String?) -> String {
        let parts = (kernelVersion ?? "").split(separator: ".").map { Int($0.prefix(while: \.isNumber)) ?? 0 }
        let pkcs12 = parts.count >= 2 && (parts[0], parts[1]) >= (4, 10)
        return "repository/resources/security/client-truststore." + (pkcs12 ? "p12" : "jks")
    }
}

extension Connector {
    /// The key store and the trust store this connector makes Tomcat open, for an IS_HOME at `home`.
    /// Tomcat 9 takes them from the default SSLHostConfig and its Certificate, and folds the legacy
    /// Connector attributes into that SSLHostConfig; Tomcat 7 reads the Connector alone. A trust store
    /// named nowhere is the JVM's, set by wso2server.sh.
    public func storeReferences(generation: TomcatGeneration, home: String, kernelVersion: String?) -> [StoreReference] {
        let hostConfig = generation == .tomcat9 ? defaultSSLHostConfig : nil
        let certificate = hostConfig?.certificates.first
        var references: [StoreReference] = []
        let keyStore =
            certificate.flatMap {
                StoreSetting(
                    $0.element, file: "certificateKeystoreFile", password: "certificateKeystorePassword",
                    type: "certificateKeystoreType", alias: "certificateKeyAlias")
            } ?? StoreSetting(element, file: "keystoreFile", password: "keystorePass", type: "keystoreType", alias: "keyAlias")
        if let keyStore {
            // Tomcat's own default key store password.
            references.append(
                keyStore.reference(
                    .keyStore, home: home,
                    defaultPassword: ("changeit", "Tomcat's default password (no keystore password is set)")))
        }
        let trustStore =
            hostConfig.flatMap {
                StoreSetting($0.element, file: "truststoreFile", password: "truststorePassword", type: "truststoreType", alias: nil)
            } ?? StoreSetting(element, file: "truststoreFile", password: "truststorePass", type: "truststoreType", alias: nil)
        let jvmPassword = (StoreReference.wso2DefaultPassword, "the password wso2server.sh gives the JVM (-Djavax.net.ssl.trustStorePassword)")
        if let trustStore {
            references.append(trustStore.reference(.trustStore, home: home, defaultPassword: jvmPassword))
        } else {
            let path = JVMDefaultTrustStore.path(kernelVersion: kernelVersion)
            references.append(
                StoreReference(
                    purpose: .trustStore, path: path, resolvedPath: FileSystem.join(home, path), type: nil,
                    password: .known(Secret(jvmPassword.0)), fileAttribute: nil, passwordAttribute: nil,
                    passwordOrigin: jvmPassword.1,
                    defaultOrigin: "the connector names no trust store, so Tomcat uses the JVM's: -Djavax.net.ssl.trustStore, which wso2server.sh sets",
                    element: element, keyAlias: nil))
        }
        return references
    }
}

/// One element's attributes for a store, read once.
private struct StoreSetting {
    let element: XMLElement
    let file: XMLAttribute
    let password: XMLAttribute?
    let type: String?
    let keyAlias: String?
    /// `svns:secretAlias` on the element, when it is for this store's password: cipher-tool's aliases
    /// end with the attribute they protect (`Server.Service.Connector.keystorePass`); one that ends
    /// with none of the element's password attributes is taken to protect them all.
    let vaultAlias: String?

    init?(_ element: XMLElement, file: String, password: String, type: String, alias: String?) {
        guard let fileAttribute = element.attribute(file) else { return nil }
        self.element = element
        self.file = fileAttribute
        self.password = element.attribute(password)
        self.type = element.attribute(type)?.value
        keyAlias = alias.flatMap { element.attribute($0)?.value }
        let alias = element.attributes.first { !$0.isNamespaceDeclaration && $0.localName == "secretAlias" }?.value
        let passwordNames = element.attributes.map(\.qualifiedName).filter(Secret.isSecretAttribute)
        vaultAlias = alias.flatMap { alias in
            alias.hasSuffix(password) || !passwordNames.contains(where: alias.hasSuffix) ? alias : nil
        }
    }

    func reference(_ purpose: StoreReference.Purpose, home: String, defaultPassword: (value: String, origin: String)) -> StoreReference {
        let storePassword: StoreReference.Password
        if let vaultAlias, password != nil {
            storePassword = .secureVault(alias: vaultAlias)
        } else if let written = password?.value {
            storePassword = StoreSetting.secretAlias(in: written).map { .secureVault(alias: $0) } ?? .known(Secret(written))
        } else {
            storePassword = .known(Secret(defaultPassword.value))
        }
        return StoreReference(
            purpose: purpose, path: file.value, resolvedPath: StoreReference.resolve(file.value, home: home),
            type: type, password: storePassword, fileAttribute: file, passwordAttribute: password,
            passwordOrigin: password.map { "the password in \($0.qualifiedName)" } ?? defaultPassword.origin, defaultOrigin: nil,
            element: element, keyAlias: keyAlias)
    }

    /// The alias in a `$secret{alias}` value, the form IS 5.9+ renders from deployment.toml.
    static func secretAlias(in value: String) -> String? {
        guard value.hasPrefix("$secret{"), value.hasSuffix("}") else { return nil }
        return String(value.dropFirst("$secret{".count).dropLast())
    }
}
