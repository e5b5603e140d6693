/// The mutual-SSL settings deployment.toml decides in IS 5.9+, by the internal key the config mapper
/// renders into catalina-server.xml and authenticators.xml (after key-mappings.json's shorthands).
public enum DeploymentKey: String, Sendable, CaseIterable {
    /// The IS 7.x template writes the HTTPS connector only when this `is sameas true`.
    case httpsEnabled = "transport.https.enabled"
    /// `<SSLHostConfig certificateVerification>`: "want" is what mutual SSL needs.
    case certificateVerification = "transport.https.sslHostConfig.properties.certificateVerification"
    /// A `clientAuth` attribute on the `<Connector>`, beside the SSLHostConfig: a conflict.
    case connectorClientAuth = "transport.https.properties.clientAuth"
    /// The template writes `disabled="false"` only when this `is sameas true`: a TOML boolean.
    case authenticatorEnabled = "admin_console.authenticator.mutual_ssl_authenticator.enable"
    case authenticatorPriority = "admin_console.authenticator.mutual_ssl_authenticator.priority"
    case usernameHeader = "admin_console.authenticator.mutual_ssl_authenticator.config.UsernameHeader"
    case whiteListEnabled = "admin_console.authenticator.mutual_ssl_authenticator.config.WhiteListEnabled"
    case whiteList = "admin_console.authenticator.mutual_ssl_authenticator.config.WhiteList"
    case enableSHA256 = "admin_console.authenticator.mutual_ssl_authenticator.config.EnableSHA256"

    public var path: [String] { rawValue.split(separator: ".").map(String.init) }

    /// The `<Parameter name>` it renders as inside the authenticator's `<Config>`, for the config keys.
    public var parameterName: String? {
        path.count == 5 && path[3] == "config" ? path[4] : nil
    }
}
