/// Which Tomcat reads the file: the value rules differ (DOMAIN.md §2).
public enum TomcatGeneration: String, Sendable {
    /// IS ≤ 5.8 (kernel 4.4): case-sensitive, unknown values silently mean "no client auth".
    case tomcat7 = "7"
    /// IS 5.9+ (kernel 4.5+): case-insensitive, unknown values stop the connector.
    case tomcat9 = "9"
}

/// What Tomcat does with client certificates on a connector.
public enum ClientAuthMode: String, Sendable {
    /// No certificate is requested.
    case none
    /// A certificate is requested, and clients without one still get in (`want`): what mutual SSL here needs.
    case optional
    /// Requested but not verified against the trust store (Tomcat 9 `optionalNoCA`).
    case optionalNoCA
    /// Every client must present a certificate (`true`, `require`).
    case required
    /// A value Tomcat 9 rejects: the connector does not start.
    case invalid
}

/// The client-auth mode of a connector and where it comes from.
public struct EffectiveClientAuth: Sendable {
    public enum Origin: Sendable {
        /// `clientAuth` on the Connector (legacy shape).
        case connectorAttribute
        /// `certificateVerification` on the SSLHostConfig in use.
        case sslHostConfigAttribute
        /// Nothing set anywhere: Tomcat's default, no client authentication.
        case unset
    }

    public var mode: ClientAuthMode
    public var origin: Origin
    /// The value as written, when there is one.
    public var rawValue: String?
    /// False when Tomcat 7 met a value it does not know and fell back to `none`.
    public var recognised: Bool
    /// The Connector carries `clientAuth` while an explicit SSLHostConfig is also in use.
    public var conflictsWithSSLHostConfig: Bool

    /// How Tomcat maps a clientAuth / certificateVerification value to a mode.
    public static func mode(of value: String, generation: TomcatGeneration) -> (mode: ClientAuthMode, recognised: Bool) {
        switch generation {
        case .tomcat7:
            switch value {
            case "true", "yes": return (.required, true)
            case "want": return (.optional, true)
            case "false", "no", "none": return (.none, true)
            default: return (.none, false)
            }
        case .tomcat9:
            switch value.lowercased() {
            case "required", "require", "true", "yes": return (.required, true)
            case "optional", "want": return (.optional, true)
            case "optionalnoca": return (.optionalNoCA, true)
            case "none", "false", "no": return (.none, true)
            default: return (.invalid, false)
            }
        }
    }
}
