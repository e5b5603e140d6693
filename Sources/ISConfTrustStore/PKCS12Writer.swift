import ISConfCore
import SwiftASN1

// MARK: Writing

extension PKCS12 {
    /// The store with `certificate` as the trusted entry `alias`. The ContentInfos of the other
    /// entries are copied byte for byte; the new bag goes in a ContentInfo of its own, encrypted as
    /// the store's others are; a replaced bag's ContentInfo is encrypted again without it.
    static func write(
        _ layout: Layout, setting certificate: StoredCertificate, alias: String, password: String,
        path: String
    ) throws(InputError) -> [UInt8] {
        var infos = layout.contentInfos.map { Optional($0.encoded) }
        if let location = layout.trustedBags[alias] {
            let info = layout.contentInfos[location.info]
            var bags = info.bags
            bags.remove(at: location.bag)
            infos[location.info] = bags.isEmpty ? nil : try contentInfo(bags, encryption: info.encryption, password: password, path: path)
        }
        let scheme = layout.contentInfos.lazy.compactMap(\.encryption).first ?? .keytoolDefault
        let bag = try encoding(path: path) { try $0.serialize(TrustedCertificateBag(certificate: certificate, alias: alias)) }
        infos.append(try contentInfo([bag], encryption: scheme, password: password, path: path))
        let authenticatedSafe = try encoding(path: path) { $0.appendSequence(of: infos.compactMap { $0 }) }

        let mac = layout.mac ?? .keytoolDefault
        let salt = PKCS12Crypto.randomBytes(max(mac.saltLength, 8))
        let key = PKCS12Crypto.derive(
            mac.digest, password: password, salt: salt, purpose: 3, iterations: mac.iterations,
            length: mac.digest.outputLength)
        let version = 3
        return try encoding(path: path) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { pfx in
                try pfx.serialize(version)
                try pfx.appendDataContentInfo(authenticatedSafe)
                try pfx.appendConstructedNode(identifier: .sequence) { macData in
                    try macData.appendConstructedNode(identifier: .sequence) { digestInfo in
                        try digestInfo.appendAlgorithm(mac.digest.oid)
                        try digestInfo.serialize(ASN1OctetString(contentBytes: ArraySlice(mac.digest.hmac(key: key, authenticatedSafe))))
                    }
                    try macData.serialize(ASN1OctetString(contentBytes: ArraySlice(salt)))
                    try macData.serialize(mac.iterations)
                }
            }
        }
    }

    private static func contentInfo(
        _ bags: [[UInt8]], encryption: PBES2Parameters?, password: String,
        path: String
    ) throws(InputError) -> [UInt8] {
        let safeContents = try encoding(path: path) { $0.appendSequence(of: bags) }
        guard let encryption else {
            return try encoding(path: path) { try $0.appendDataContentInfo(safeContents) }
        }
        let fresh = encryption.renewed()
        let ciphertext: [UInt8]
        do {
            ciphertext = try PKCS12Crypto.pbes2(decrypt: false, safeContents, password: password, parameters: fresh)
        } catch {
            throw InputError(path: path, .cannotEdit, "cannot encrypt the new entry: \(error)")
        }
        let version = 0
        return try encoding(path: path) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { info in
                try info.serialize(encryptedData)
                try info.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { explicit in
                    try explicit.appendConstructedNode(identifier: .sequence) { encrypted in
                        try encrypted.serialize(version)
                        try encrypted.appendConstructedNode(identifier: .sequence) { encryptedContentInfo in
                            try encryptedContentInfo.serialize(data)
                            try encryptedContentInfo.serialize(fresh)
                            // encryptedContent [0] IMPLICIT OCTET STRING
                            try ASN1OctetString(contentBytes: ArraySlice(ciphertext))
                                .serialize(
                                    into: &encryptedContentInfo,
                                    withIdentifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific))
                        }
                    }
                }
            }
        }
    }

    /// What `body` serializes. SwiftASN1's serializer is declared to throw though nothing written
    /// here can make it fail; if it ever does, the store is not written and the reason is shown.
    private static func encoding(path: String, _ body: (inout DER.Serializer) throws -> Void) throws(InputError) -> [UInt8] {
        var coder = DER.Serializer()
        do {
            try body(&coder)
        } catch {
            throw InputError(path: path, .cannotEdit, "cannot encode the store: \(error)")
        }
        return coder.serializedBytes
    }
}

/// A certificate bag Java lists as a trustedCertEntry: friendlyName and the trusted-key-usage
/// attribute (anyExtendedKeyUsage), as keytool -importcert writes it.
struct TrustedCertificateBag: DERSerializable {
    var certificate: StoredCertificate
    var alias: String

    func serialize(into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { bag in
            try bag.serialize(PKCS12.certBag)
            try bag.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { explicit in
                try explicit.appendConstructedNode(identifier: .sequence) { certBag in
                    try certBag.serialize(PKCS12.x509Certificate)
                    try certBag.serialize(
                        ASN1OctetString(contentBytes: ArraySlice(certificate.der)),
                        explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific)
                }
            }
            try bag.serializeSetOf([
                BagAttribute(type: PKCS12.friendlyName, value: ASN1BMPString(contentBytes: ArraySlice(encodeUTF16BE(alias)))),
                BagAttribute(type: PKCS12.javaTrustedKeyUsage, value: PKCS12.anyExtendedKeyUsage),
            ])
        }
    }
}

/// PKCS12Attribute { attrId, attrValues SET OF } with the single value isconf writes.
struct BagAttribute: DERSerializable {
    var type: ASN1ObjectIdentifier
    var value: any DERSerializable

    func serialize(into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { attribute in
            try attribute.serialize(type)
            try attribute.appendConstructedNode(identifier: .set) { values in try values.serialize(value) }
        }
    }
}

extension DER.Serializer {
    /// A SEQUENCE of members already encoded (bags and ContentInfos copied from the store read).
    mutating func appendSequence(of encodedMembers: [[UInt8]]) {
        appendConstructedNode(identifier: .sequence) { sequence in
            for member in encodedMembers { sequence.serializeRawBytes(member) }
        }
    }

    /// ContentInfo { data, [0] EXPLICIT OCTET STRING }: content in the clear.
    mutating func appendDataContentInfo(_ content: [UInt8]) throws {
        try appendConstructedNode(identifier: .sequence) { info in
            try info.serialize(PKCS12.data)
            try info.serialize(
                ASN1OctetString(contentBytes: ArraySlice(content)),
                explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific)
        }
    }

    /// AlgorithmIdentifier { algorithm, NULL }, as digests and HMACs are named.
    mutating func appendAlgorithm(_ algorithm: ASN1ObjectIdentifier) throws {
        try appendConstructedNode(identifier: .sequence) { identifier in
            try identifier.serialize(algorithm)
            try identifier.serialize(ASN1Null())
        }
    }
}
