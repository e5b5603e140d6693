import ISConfTrustStore

/// The digest MutualSSLAuthenticator takes of a client certificate to compare with its WhiteList.
public enum ThumbprintDigest: String, Sendable {
    case sha1 = "SHA-1"
    case sha256 = "SHA-256"

    /// The digest of a WhiteList entry, told by its length (40 or 64 hex digits).
    public init?(thumbprint: String) {
        switch thumbprint.utf8.count {
        case 40: self = .sha1
        case 64: self = .sha256
        default: return nil
        }
    }

    public func of(_ thumbprints: Thumbprints) -> String {
        self == .sha1 ? thumbprints.sha1 : thumbprints.sha256
    }
}

/// The digest an authenticator compares, and what says so.
public struct EffectiveThumbprintDigest: Sendable, Equatable {
    public let digest: ThumbprintDigest
    /// For messages, e.g. "EnableSHA256=true", "authenticator 5.3.3 has no EnableSHA256 and compares SHA-1".
    public let reason: String
}

extension EffectiveThumbprintDigest {
    /// The first authenticator with EnableSHA256 (default true, read with Boolean.parseBoolean).
    static let sha256Version = [5, 5, 1]

    /// Older authenticators compare SHA-1 whatever the parameter says; from 5.5.1 EnableSHA256
    /// decides, true when absent. Nil when neither the bundle's version nor the parameter tells.
    public init?(componentVersion: String?, enableSHA256: String?) {
        let version = componentVersion.map { $0.split(separator: ".").map { Int($0.prefix(while: \.isNumber)) ?? 0 } }
        if let componentVersion, let version, version.lexicographicallyPrecedes(Self.sha256Version) {
            self.init(digest: .sha1, reason: "authenticator \(componentVersion) compares SHA-1 thumbprints (EnableSHA256 came in 5.5.1)")
        } else if let enableSHA256 {
            self.init(digest: enableSHA256.lowercased() == "true" ? .sha256 : .sha1, reason: "EnableSHA256=\(enableSHA256)")
        } else if let componentVersion {
            self.init(digest: .sha256, reason: "authenticator \(componentVersion) compares SHA-256 thumbprints unless EnableSHA256=false")
        } else {
            return nil
        }
    }
}

extension Authenticator {
    public func thumbprintDigest(componentVersion: String?) -> EffectiveThumbprintDigest? {
        EffectiveThumbprintDigest(componentVersion: componentVersion, enableSHA256: parameter("EnableSHA256")?.value)
    }
}
