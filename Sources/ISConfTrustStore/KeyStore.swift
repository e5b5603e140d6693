import ISConfCore

public enum KeyStoreFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    case jks
    case pkcs12

    /// As keytool names the type ("JKS", "PKCS12").
    public var description: String { rawValue.uppercased() }

    /// The type keytool gives a new store of this name: .jks → JKS, .p12 / .pfx → PKCS12.
    public static func fromExtension(of path: String) -> KeyStoreFormat? {
        let name = path.split(separator: "/").last.map { $0.lowercased() } ?? ""
        if name.hasSuffix(".jks") { return .jks }
        if name.hasSuffix(".p12") || name.hasSuffix(".pfx") { return .pkcs12 }
        return nil
    }
}

public struct KeyStoreEntry: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case trustedCertificate
        case privateKey
        case secretKey

        /// As `keytool -list` names the entry type.
        public var keytoolName: String {
            switch self {
            case .trustedCertificate: "trustedCertEntry"
            case .privateKey: "PrivateKeyEntry"
            case .secretKey: "SecretKeyEntry"
            }
        }
    }

    /// Lowercase, as keytool keeps aliases.
    public let alias: String
    public let kind: Kind
    /// JKS records when an entry was made; PKCS#12 does not.
    public let creationDate: Timestamp?
    /// A trusted entry's certificate, or a private key's chain from its own certificate up; empty
    /// for a secret key.
    public let certificates: [StoredCertificate]
    /// The key as stored, still encrypted: compared (never shown) to prove a write kept the entry.
    let protectedKey: [UInt8]

    init(alias: String, kind: Kind, creationDate: Timestamp?, certificates: [StoredCertificate], protectedKey: [UInt8] = []) {
        self.alias = alias
        self.kind = kind
        self.creationDate = creationDate
        self.certificates = certificates
        self.protectedKey = protectedKey
    }
}

/// A JKS or PKCS#12 key store, read without a JVM, that can produce its own bytes with one trusted
/// certificate added or replaced and every other entry kept as it was.
public struct KeyStore: Sendable {
    /// keytool refuses shorter store passwords.
    public static let minimumPasswordLength = 6

    public let format: KeyStoreFormat
    public let entries: [KeyStoreEntry]
    /// False when the store was read without its password (possible for JKS only): the entries are
    /// listed, but its integrity digest was not checked.
    public let integrityVerified: Bool
    let layout: Layout

    enum Layout: Sendable {
        case jks(JKS.Layout)
        case pkcs12(PKCS12.Layout)
    }

    /// Reads a store, recognised by its first bytes (not its name). With a password the integrity
    /// digest (JKS) or MAC (PKCS#12) is verified; a mismatch is reported as keytool does, since a
    /// wrong password and a tampered file cannot be told apart.
    public static func read(_ bytes: [UInt8], path: String, password: String?) throws(InputError) -> KeyStore {
        switch try detectFormat(bytes, path: path) {
        case .jks: try JKS.read(bytes, path: path, password: password)
        case .pkcs12: try PKCS12.read(bytes, path: path, password: password)
        }
    }

    public static func detectFormat(_ bytes: [UInt8], path: String) throws(InputError) -> KeyStoreFormat {
        if bytes.isEmpty { throw InputError(path: path, .empty, "empty file, not a key store") }
        if bytes.count >= 4 {
            let magic = bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if magic == JKS.magic { return .jks }
            if magic == JKS.jceksMagic {
                throw InputError(
                    path: path, .unsupportedFormat,
                    "is a JCEKS store, which isconf does not support; convert it with "
                        + "keytool -importkeystore -srckeystore \(path) -srcstoretype JCEKS -destkeystore NEW.p12 -deststoretype PKCS12")
            }
        }
        if bytes[0] == 0x30 { return .pkcs12 }
        if bytes.count < 4, [0xFE, 0xED, 0xFE, 0xED].starts(with: bytes) {
            throw InputError(path: path, .malformed, "truncated: too short to be a JKS store")
        }
        throw InputError(path: path, .wrongFileType, "not a key store: neither JKS (FEEDFEED) nor PKCS#12 (a DER sequence)")
    }

    /// A store with no entries, for an import into a file that does not exist yet.
    public static func empty(_ format: KeyStoreFormat) -> KeyStore {
        switch format {
        case .jks: KeyStore(format: .jks, entries: [], integrityVerified: true, layout: .jks(JKS.Layout(version: 2, encodedEntries: [])))
        case .pkcs12: KeyStore(format: .pkcs12, entries: [], integrityVerified: true, layout: .pkcs12(PKCS12.Layout()))
        }
    }

    /// A wrong password and a tampered file look the same to the digest or MAC; keytool says so too.
    static func integrityFailure(path: String) -> InputError {
        InputError(path: path, .wrongPassword)
    }

    /// Aliases compare as keytool compares them: lowercased.
    public static func normalizedAlias(_ alias: String) -> String { alias.lowercased() }

    public func entry(_ alias: String) -> KeyStoreEntry? {
        let wanted = KeyStore.normalizedAlias(alias)
        return entries.first { $0.alias == wanted }
    }

    /// The bytes of this store with `certificate` as the trusted entry `alias`: added, or replacing
    /// the trusted certificate that alias holds (never a key entry). Every other entry keeps its
    /// bytes; the integrity digest or MAC is computed afresh with `password`.
    public func settingTrustedCertificate(
        _ certificate: StoredCertificate, alias: String, password: String,
        path: String
    ) throws(InputError) -> [UInt8] {
        let alias = KeyStore.normalizedAlias(alias)
        guard !alias.isEmpty, alias.utf8.count < 1024 else {
            throw InputError(path: path, .invalidArgument, "alias must be 1 to 1023 bytes long")
        }
        if let existing = entry(alias), existing.kind != .trustedCertificate {
            throw InputError(path: path, .alreadyExists, "alias \"\(alias)\" is a \(existing.kind.keytoolName), not a trusted certificate; not replaced")
        }
        switch layout {
        case .jks(let jks):
            return JKS.write(jks, entries: entries, setting: certificate, alias: alias, password: password)
        case .pkcs12(let pkcs12):
            return try PKCS12.write(pkcs12, setting: certificate, alias: alias, password: password, path: path)
        }
    }
}
