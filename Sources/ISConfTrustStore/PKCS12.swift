import ISConfCore
import SwiftASN1

/// PKCS#12 (RFC 7292) as keytool 17 and OpenSSL 3 write it: password integrity (an HMAC whose key
/// comes from appendix B), bags encrypted with PBES2 / PBKDF2 / AES-CBC. Java's reading of it is
/// followed: a certificate bag is a trusted entry only with Oracle's trusted-key-usage attribute,
/// a key's certificate is found by localKeyId, aliases missing a friendlyName are numbered.
enum PKCS12 {
    static let data: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 1]
    static let encryptedData: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 6]
    static let keyBag: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 12, 10, 1, 1]
    static let shroudedKeyBag: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 12, 10, 1, 2]
    static let certBag: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 12, 10, 1, 3]
    static let secretBag: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 12, 10, 1, 5]
    static let x509Certificate: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 22, 1]
    static let friendlyName: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 20]
    static let localKeyID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 21]
    /// Oracle's attribute that makes Java treat a certificate bag as a trusted certificate entry.
    static let javaTrustedKeyUsage: ASN1ObjectIdentifier = [2, 16, 840, 1, 113894, 746875, 1, 1]
    static let anyExtendedKeyUsage: ASN1ObjectIdentifier = [2, 5, 29, 37, 0]
    /// Java refuses more PBKDF2 or MAC rounds than this; so does isconf, so a crafted file cannot stall it.
    static let maximumIterations = 5_000_000

    /// Encryption older JDKs and OpenSSL 1.x used, which swift-crypto does not provide.
    static let legacyAlgorithms: [ASN1ObjectIdentifier: String] = [
        [1, 2, 840, 113549, 1, 12, 1, 1]: "pbeWithSHAAnd128BitRC4",
        [1, 2, 840, 113549, 1, 12, 1, 2]: "pbeWithSHAAnd40BitRC4",
        [1, 2, 840, 113549, 1, 12, 1, 3]: "pbeWithSHAAnd3-KeyTripleDES-CBC",
        [1, 2, 840, 113549, 1, 12, 1, 4]: "pbeWithSHAAnd2-KeyTripleDES-CBC",
        [1, 2, 840, 113549, 1, 12, 1, 5]: "pbeWithSHAAnd128BitRC2-CBC",
        [1, 2, 840, 113549, 1, 12, 1, 6]: "pbeWithSHAAnd40BitRC2-CBC",
        [1, 2, 840, 113549, 1, 5, 3]: "pbeWithMD5AndDES-CBC",
        [1, 2, 840, 113549, 1, 5, 10]: "pbeWithSHA1AndDES-CBC",
        [1, 2, 840, 113549, 3, 7]: "des-EDE3-CBC",
    ]

    struct Layout: Sendable {
        var contentInfos: [ContentInfo] = []
        /// Nil for a store without a MAC (then a write adds keytool's).
        var mac: MacParameters?
        /// Where each trusted entry's bag is: (content info, bag) indexes.
        var trustedBags: [String: (info: Int, bag: Int)] = [:]
    }

    struct ContentInfo: Sendable {
        var encoded: [UInt8]
        var bags: [[UInt8]]
        /// Nil for a ContentInfo in the clear.
        var encryption: PBES2Parameters?
    }

    struct MacParameters: Sendable {
        var digest: Digest
        var iterations: Int
        var saltLength: Int

        static let keytoolDefault = MacParameters(digest: .sha256, iterations: 10_000, saltLength: 20)
    }

    /// A failure inside the structure: reported as "not a valid PKCS#12 store (…)".
    struct Malformed: Error {
        var reason: String
    }

    static func read(_ bytes: [UInt8], path: String, password: String?) throws(InputError) -> KeyStore {
        try checkOuterLength(bytes, path: path)
        do {
            return try parse(bytes, path: path, password: password)
        } catch let error as InputError {
            throw error
        } catch let error as Malformed {
            throw InputError(path: path, .malformed, "not a valid PKCS#12 store (\(error.reason))")
        } catch let error as ASN1Error {
            throw InputError(path: path, .malformed, "not a valid PKCS#12 store (malformed ASN.1: \(error.code))")
        } catch {
            throw InputError(path: path, .malformed, "not a valid PKCS#12 store")
        }
    }

    /// Tells a truncated file and trailing bytes apart from other damage, by the outer length.
    private static func checkOuterLength(_ bytes: [UInt8], path: String) throws(InputError) {
        guard bytes.count >= 2 else { throw InputError(path: path, .malformed, "truncated: too short to be a PKCS#12 store") }
        var declared: Int
        if bytes[1] < 0x80 {
            declared = 2 + Int(bytes[1])
        } else if bytes[1] == 0x80 {
            return  // BER indefinite length: its end is found by parsing
        } else {
            let width = Int(bytes[1] & 0x7F)
            guard width <= 4 else { throw InputError(path: path, .wrongFileType, "not a key store: the outer length is impossible") }
            guard bytes.count >= 2 + width else { throw InputError(path: path, .malformed, "truncated: too short to be a PKCS#12 store") }
            declared = bytes[2..<2 + width].reduce(0) { $0 << 8 | Int($1) } + 2 + width
        }
        if declared > bytes.count {
            throw InputError(path: path, .malformed, "truncated: the file has \(bytes.count) bytes, its structure says \(declared)")
        }
        if declared < bytes.count {
            throw InputError(path: path, .malformed, "\(bytes.count - declared) unexpected bytes after the PKCS#12 structure")
        }
    }

    private struct Bag {
        var kind: ASN1ObjectIdentifier
        var encoded: [UInt8]
        var friendlyName: String?
        var localKeyID: [UInt8]?
        var trusted = false
        var certificate: StoredCertificate?
        var location: (info: Int, bag: Int)
        /// First in its SafeContents (Java's rule for a lone key without a localKeyId).
        var first: Bool
    }

    private static func parse(_ bytes: [UInt8], path: String, password: String?) throws -> KeyStore {
        let pfx = try sequence(try BER.parse(bytes))
        guard pfx.count >= 2, try Int(berEncoded: pfx[0]) == 3 else { throw Malformed(reason: "not version 3") }
        let (authType, authContent) = try contentInfo(pfx[1])
        guard authType == data else {
            throw InputError(path: path, .unsupportedFormat, "uses public-key integrity (signed data), which isconf does not support")
        }
        let authenticatedSafe = try octets(authContent)

        // First the structure and algorithms, so an unsupported store is named before any password is needed.
        var infos: [(encoded: [UInt8], content: [UInt8], encryption: PBES2Parameters?)] = []
        for node in try sequence(try BER.parse(authenticatedSafe)) {
            let (type, content) = try contentInfo(node)
            if type == data {
                infos.append((Array(node.encodedBytes), try octets(content), nil))
            } else if type == encryptedData {
                let encrypted = try sequence(content)
                guard encrypted.count >= 2 else { throw Malformed(reason: "EncryptedData too short") }
                let info = try sequence(encrypted[1])
                guard info.count >= 3 else { throw Malformed(reason: "no encrypted content") }
                let parameters = try encryption(info[1], path: path)
                let ciphertext = try Array(
                    ASN1OctetString(berEncoded: info[2], withIdentifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)).bytes)
                infos.append((Array(node.encodedBytes), ciphertext, parameters))
            } else {
                throw InputError(path: path, .unsupportedFormat, "holds content of type \(type), which isconf does not support")
            }
        }
        let mac = pfx.count > 2 ? try macData(pfx[2], path: path) : nil
        let encrypted = infos.contains { $0.encryption != nil }
        guard let password else {
            if encrypted {
                throw InputError(path: path, .passwordNeeded, "needs the store password: the certificates of a PKCS#12 store are encrypted")
            }
            return try build(infos.map { ($0.encoded, $0.content, $0.encryption) }, mac: mac?.parameters, path: path, verified: false)
        }
        if let mac {
            let key = PKCS12Crypto.derive(
                mac.parameters.digest, password: password, salt: mac.salt, purpose: 3,
                iterations: mac.parameters.iterations, length: mac.parameters.digest.outputLength)
            guard mac.parameters.digest.hmac(key: key, authenticatedSafe) == mac.digest else { throw KeyStore.integrityFailure(path: path) }
        }
        var contents: [(encoded: [UInt8], content: [UInt8], encryption: PBES2Parameters?)] = []
        for info in infos {
            guard let parameters = info.encryption else {
                contents.append(info)
                continue
            }
            do {
                contents.append((info.encoded, try PKCS12Crypto.pbes2(decrypt: true, info.content, password: password, parameters: parameters), parameters))
            } catch {
                throw KeyStore.integrityFailure(path: path)
            }
        }
        return try build(contents, mac: mac?.parameters, path: path, verified: mac != nil)
    }

    /// Turns the bags into entries the way Java's PKCS12KeyStore does.
    private static func build(
        _ infos: [(encoded: [UInt8], content: [UInt8], encryption: PBES2Parameters?)], mac: MacParameters?,
        path: String, verified: Bool
    ) throws -> KeyStore {
        var layout = Layout(mac: mac)
        var bags: [Bag] = []
        for (infoIndex, info) in infos.enumerated() {
            var encodedBags: [[UInt8]] = []
            for (bagIndex, node) in try sequence(try BER.parse(info.content)).enumerated() {
                encodedBags.append(Array(node.encodedBytes))
                bags.append(try bag(node, location: (infoIndex, bagIndex), path: path))
            }
            layout.contentInfos.append(ContentInfo(encoded: info.encoded, bags: encodedBags, encryption: info.encryption))
        }

        let keyCount = bags.filter { $0.kind == keyBag || $0.kind == shroudedKeyBag }.count
        var unnamed = 0
        func alias(_ bag: Bag) -> String {
            if let name = bag.friendlyName { return KeyStore.normalizedAlias(name) }
            unnamed += 1
            return String(unnamed)
        }
        var entries: [KeyStoreEntry] = []
        var keys: [(entry: Int, keyID: [UInt8])] = []
        for bag in bags {
            switch bag.kind {
            case keyBag, shroudedKeyBag:
                guard let keyID = bag.localKeyID ?? (keyCount == 1 ? Array("01".utf8) : nil) else { continue }
                keys.append((entries.count, keyID))
                entries.append(KeyStoreEntry(alias: alias(bag), kind: .privateKey, creationDate: nil, certificates: [], protectedKey: bag.encoded))
            case secretBag:
                entries.append(KeyStoreEntry(alias: alias(bag), kind: .secretKey, creationDate: nil, certificates: [], protectedKey: bag.encoded))
            case certBag where bag.trusted:
                guard let certificate = bag.certificate else { continue }
                let name = alias(bag)
                layout.trustedBags[name] = bag.location
                entries.append(KeyStoreEntry(alias: name, kind: .trustedCertificate, creationDate: nil, certificates: [certificate]))
            default:
                continue
            }
        }

        // A key's own certificate has its localKeyId; the chain goes on by issuer names.
        let certificates = bags.compactMap { bag in bag.certificate.map { (bag, $0) } }
        var keyEntries = Set<Int>()
        for key in keys {
            let own = certificates.first { bag, _ in
                !bag.trusted && (bag.localKeyID ?? (keyCount == 1 && bag.first ? Array("01".utf8) : nil)) == key.keyID
            }
            guard var current = own?.1 else { continue }
            var chain = [current]
            while !current.isSelfIssued, chain.count < 16,
                let issuer = certificates.first(where: { $0.1.subjectName == current.issuerName })?.1, !chain.contains(issuer)
            {
                chain.append(issuer)
                current = issuer
            }
            let entry = entries[key.entry]
            entries[key.entry] = KeyStoreEntry(
                alias: entry.alias, kind: .privateKey, creationDate: nil, certificates: chain,
                protectedKey: entry.protectedKey)
            keyEntries.insert(key.entry)
        }
        // Java drops keys without a certificate.
        let keyIndexes = Set(keys.map(\.entry))
        entries = entries.enumerated().filter { !keyIndexes.contains($0.offset) || keyEntries.contains($0.offset) }.map(\.element)

        var seen = Set<String>()
        for entry in entries where !seen.insert(entry.alias).inserted {
            throw InputError(path: path, .malformed, "alias \"\(entry.alias)\" appears twice; the store is damaged")
        }
        return KeyStore(format: .pkcs12, entries: entries, integrityVerified: verified, layout: .pkcs12(layout))
    }

    private static func bag(_ node: ASN1Node, location: (info: Int, bag: Int), path: String) throws -> Bag {
        let parts = try sequence(node)
        guard parts.count >= 2 else { throw Malformed(reason: "SafeBag too short") }
        var bag = Bag(
            kind: try ASN1ObjectIdentifier(berEncoded: parts[0]), encoded: Array(node.encodedBytes), location: location,
            first: location.bag == 0)
        if parts.count > 2 {
            for attribute in try children(parts[2]) {
                let pair = try sequence(attribute)
                guard pair.count == 2 else { throw Malformed(reason: "bag attribute without values") }
                let type = try ASN1ObjectIdentifier(berEncoded: pair[0])
                let values = try children(pair[1])
                if type == friendlyName, let value = values.first {
                    bag.friendlyName = decodeUTF16BE(Array(try ASN1BMPString(berEncoded: value).bytes))
                } else if type == localKeyID, let value = values.first {
                    bag.localKeyID = try octets(value)
                } else if type == javaTrustedKeyUsage {
                    bag.trusted = true
                }
            }
        }
        if bag.kind == certBag {
            let certificate = try sequence(try explicitContent(parts[1]))
            guard certificate.count == 2 else { throw Malformed(reason: "CertBag too short") }
            if try ASN1ObjectIdentifier(berEncoded: certificate[0]) == x509Certificate {
                let der = try octets(try explicitContent(certificate[1]))
                do {
                    bag.certificate = try StoredCertificate(der: der, path: path)
                } catch {
                    throw error.within("certificate \(bag.friendlyName.map { "\"\($0)\"" } ?? "bag")", path: path)
                }
            }
        }
        return bag
    }

    private static func encryption(_ node: ASN1Node, path: String) throws -> PBES2Parameters {
        let algorithm = try sequence(node)
        guard let first = algorithm.first else { throw Malformed(reason: "empty AlgorithmIdentifier") }
        let oid = try ASN1ObjectIdentifier(berEncoded: first)
        if let legacy = legacyAlgorithms[oid] { throw legacyError(legacy, path: path) }
        guard oid == PBES2Parameters.oid, algorithm.count == 2 else {
            throw InputError(path: path, .unsupportedFormat, "is encrypted with \(oid), which isconf does not support")
        }
        let parameters = try sequence(algorithm[1])
        guard parameters.count == 2 else { throw Malformed(reason: "PBES2 parameters") }
        let kdf = try sequence(parameters[0])
        guard kdf.count == 2, try ASN1ObjectIdentifier(berEncoded: kdf[0]) == PBES2Parameters.pbkdf2OID else {
            throw InputError(path: path, .unsupportedFormat, "uses a PBES2 key derivation other than PBKDF2, which isconf does not support")
        }
        let pbkdf2 = try sequence(kdf[1])
        guard pbkdf2.count >= 2 else { throw Malformed(reason: "PBKDF2 parameters") }
        let salt = try octets(pbkdf2[0])
        let iterations = try rounds(Int(berEncoded: pbkdf2[1]), path: path)
        var prf = Digest.sha1
        for field in pbkdf2.dropFirst(2) where field.identifier == .sequence {
            let prfOID = try ASN1ObjectIdentifier(berEncoded: try sequence(field)[0])
            guard let digest = Digest.allCases.first(where: { $0.hmacOID == prfOID }) else {
                throw InputError(path: path, .unsupportedFormat, "uses PBKDF2 with \(prfOID), which isconf does not support")
            }
            prf = digest
        }
        let cipher = try sequence(parameters[1])
        guard cipher.count == 2 else { throw Malformed(reason: "cipher parameters") }
        let cipherOID = try ASN1ObjectIdentifier(berEncoded: cipher[0])
        if let legacy = legacyAlgorithms[cipherOID] { throw legacyError(legacy, path: path) }
        guard let keyLength = PBES2Parameters.aesCBC[cipherOID] else {
            throw InputError(path: path, .unsupportedFormat, "is encrypted with cipher \(cipherOID), which isconf does not support (AES-CBC only)")
        }
        let iv = try octets(cipher[1])
        guard iv.count == 16 else { throw Malformed(reason: "AES IV of \(iv.count) bytes") }
        return PBES2Parameters(salt: salt, iterations: iterations, prf: prf, keyLength: keyLength, iv: iv)
    }

    private static func macData(_ node: ASN1Node, path: String) throws -> (parameters: MacParameters, salt: [UInt8], digest: [UInt8]) {
        let fields = try sequence(node)
        guard fields.count >= 2 else { throw Malformed(reason: "MacData too short") }
        let digestInfo = try sequence(fields[0])
        guard digestInfo.count == 2, let algorithm = try sequence(digestInfo[0]).first else { throw Malformed(reason: "MAC DigestInfo") }
        let oid = try ASN1ObjectIdentifier(berEncoded: algorithm)
        guard let digest = Digest.allCases.first(where: { $0.oid == oid }) else {
            throw InputError(path: path, .unsupportedFormat, "has a MAC with \(oid), which isconf does not support")
        }
        let salt = try octets(fields[1])
        let iterations = fields.count > 2 ? try rounds(Int(berEncoded: fields[2]), path: path) : 1
        return (MacParameters(digest: digest, iterations: iterations, saltLength: salt.count), salt, try octets(digestInfo[1]))
    }

    private static func rounds(_ count: Int, path: String) throws(InputError) -> Int {
        guard count >= 1, count <= maximumIterations else {
            throw InputError(path: path, .overLimit, "asks for \(count) key-derivation rounds (Java accepts 1 to \(maximumIterations))")
        }
        return count
    }

    private static func legacyError(_ algorithm: String, path: String) -> InputError {
        InputError(
            path: path, .unsupportedFormat,
            "is a legacy PKCS#12 store encrypted with \(algorithm), which isconf cannot decrypt "
                + "(no maintained Swift library has RC2 or 3DES); convert it with Java 17: keytool -importkeystore -srckeystore \(path) "
                + "-srcstoretype pkcs12 -destkeystore NEW.p12 -deststoretype pkcs12, or with OpenSSL 3: "
                + "openssl pkcs12 -legacy -in \(path) -nodes | openssl pkcs12 -export -out NEW.p12")
    }

    // MARK: ASN.1 helpers

    private static func children(_ node: ASN1Node) throws -> [ASN1Node] {
        guard case .constructed(let nodes) = node.content else { throw Malformed(reason: "expected a constructed value") }
        return Array(nodes)
    }

    private static func sequence(_ node: ASN1Node) throws -> [ASN1Node] {
        guard node.identifier == .sequence else { throw Malformed(reason: "expected a SEQUENCE, found \(node.identifier)") }
        return try children(node)
    }

    private static func octets(_ node: ASN1Node) throws -> [UInt8] { Array(try ASN1OctetString(berEncoded: node).bytes) }

    /// The one value inside an [0] EXPLICIT tag.
    private static func explicitContent(_ node: ASN1Node) throws -> ASN1Node {
        guard node.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific), let inner = try children(node).first else {
            throw Malformed(reason: "expected an [0] EXPLICIT value")
        }
        return inner
    }

    /// ContentInfo { contentType, [0] EXPLICIT content }.
    private static func contentInfo(_ node: ASN1Node) throws -> (ASN1ObjectIdentifier, ASN1Node) {
        let parts = try sequence(node)
        guard parts.count == 2 else { throw Malformed(reason: "ContentInfo without content") }
        return (try ASN1ObjectIdentifier(berEncoded: parts[0]), try explicitContent(parts[1]))
    }
}
