import Crypto
import CryptoExtras
import FoundationEssentials
import SwiftASN1

/// The hash functions PKCS#12 stores use for their MAC and for PBKDF2's PRF.
enum Digest: Sendable, CaseIterable {
    case sha1, sha256, sha384, sha512

    /// As a MAC's DigestInfo names it.
    var oid: ASN1ObjectIdentifier {
        switch self {
        case .sha1: [1, 3, 14, 3, 2, 26]
        case .sha256: [2, 16, 840, 1, 101, 3, 4, 2, 1]
        case .sha384: [2, 16, 840, 1, 101, 3, 4, 2, 2]
        case .sha512: [2, 16, 840, 1, 101, 3, 4, 2, 3]
        }
    }

    /// As PBKDF2's prf names the HMAC of it.
    var hmacOID: ASN1ObjectIdentifier {
        switch self {
        case .sha1: [1, 2, 840, 113549, 2, 7]
        case .sha256: [1, 2, 840, 113549, 2, 9]
        case .sha384: [1, 2, 840, 113549, 2, 10]
        case .sha512: [1, 2, 840, 113549, 2, 11]
        }
    }

    var outputLength: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// The hash's block size: RFC 7292's v.
    var blockLength: Int { self == .sha384 || self == .sha512 ? 128 : 64 }

    func hash(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .sha1: Array(Insecure.SHA1.hash(data: bytes))
        case .sha256: Array(SHA256.hash(data: bytes))
        case .sha384: Array(SHA384.hash(data: bytes))
        case .sha512: Array(SHA512.hash(data: bytes))
        }
    }

    func hmac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(data: key)
        return switch self {
        case .sha1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
        case .sha256: Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        case .sha384: Array(HMAC<SHA384>.authenticationCode(for: message, using: key))
        case .sha512: Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
        }
    }

    var pbkdf2: KDF.Insecure.PBKDF2.HashFunction {
        switch self {
        case .sha1: .insecureSHA1
        case .sha256: .sha256
        case .sha384: .sha384
        case .sha512: .sha512
        }
    }
}

enum PKCS12Crypto {
    /// RFC 7292 appendix B.2: the key derivation of PKCS#12 MACs, over the password as a
    /// NUL-terminated BMPString. `purpose` 3 makes a MAC key.
    static func derive(_ digest: Digest, password: String, salt: [UInt8], purpose: UInt8, iterations: Int, length: Int) -> [UInt8] {
        let u = digest.outputLength
        let v = digest.blockLength
        let passwordBytes = encodeUTF16BE(password) + [0, 0]
        func fill(_ bytes: [UInt8]) -> [UInt8] {
            bytes.isEmpty ? [] : (0..<v * ((bytes.count + v - 1) / v)).map { bytes[$0 % bytes.count] }
        }
        var input = fill(salt) + fill(passwordBytes)
        let diversifier = [UInt8](repeating: purpose, count: v)
        var output: [UInt8] = []
        while true {
            var block = digest.hash(diversifier + input)
            for _ in 1..<max(1, iterations) { block = digest.hash(block) }
            output += block
            if output.count >= length { return Array(output.prefix(length)) }
            // I_j = (I_j + B + 1) mod 2^(8v), for each v-byte block of I.
            let b = (0..<v).map { block[$0 % u] }
            for start in stride(from: 0, to: input.count, by: v) {
                var carry: UInt16 = 1
                for k in (0..<v).reversed() {
                    let sum = UInt16(input[start + k]) + UInt16(b[k]) + carry
                    input[start + k] = UInt8(sum & 0xFF)
                    carry = sum >> 8
                }
            }
        }
    }

    /// PBES2 as keytool and OpenSSL 3 use it: PBKDF2 over the UTF-8 password, then AES-CBC.
    static func pbes2(decrypt: Bool, _ bytes: [UInt8], password: String, parameters: PBES2Parameters) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: parameters.salt, using: parameters.prf.pbkdf2,
            outputByteCount: parameters.keyLength,
            unsafeUncheckedRounds: parameters.iterations)
        let iv = try AES._CBC.IV(ivBytes: parameters.iv)
        return decrypt ? Array(try AES._CBC.decrypt(bytes, using: key, iv: iv)) : Array(try AES._CBC.encrypt(bytes, using: key, iv: iv))
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}

/// How one ContentInfo of a PKCS#12 store is encrypted: PBES2 with PBKDF2 and AES-CBC.
struct PBES2Parameters: Sendable {
    var salt: [UInt8]
    var iterations: Int
    var prf: Digest
    /// 16, 24 or 32: AES-128, -192 or -256.
    var keyLength: Int
    var iv: [UInt8]

    /// keytool 17's choice: PBKDF2-HMAC-SHA256, 10,000 rounds, AES-256-CBC.
    static let keytoolDefault = PBES2Parameters(salt: [], iterations: 10_000, prf: .sha256, keyLength: 32, iv: [])

    static let oid: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 5, 13]
    static let pbkdf2OID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 5, 12]
    static let aesCBC: [ASN1ObjectIdentifier: Int] = [
        [2, 16, 840, 1, 101, 3, 4, 1, 2]: 16, [2, 16, 840, 1, 101, 3, 4, 1, 22]: 24, [2, 16, 840, 1, 101, 3, 4, 1, 42]: 32,
    ]

    /// The same scheme with a fresh salt and IV, for encrypting anew.
    func renewed() -> PBES2Parameters {
        PBES2Parameters(
            salt: PKCS12Crypto.randomBytes(max(salt.count, 16)), iterations: iterations, prf: prf, keyLength: keyLength,
            iv: PKCS12Crypto.randomBytes(16))
    }
}

extension PBES2Parameters: DERSerializable {
    /// The AlgorithmIdentifier { PBES2, PBES2-params }; PBKDF2's default PRF (HMAC-SHA1) is left out.
    func serialize(into coder: inout DER.Serializer) throws {
        let cipher = PBES2Parameters.aesCBC.first { $0.value == keyLength }!.key
        try coder.appendConstructedNode(identifier: .sequence) { algorithm in
            try algorithm.serialize(PBES2Parameters.oid)
            try algorithm.appendConstructedNode(identifier: .sequence) { parameters in
                try parameters.appendConstructedNode(identifier: .sequence) { kdf in
                    try kdf.serialize(PBES2Parameters.pbkdf2OID)
                    try kdf.appendConstructedNode(identifier: .sequence) { pbkdf2 in
                        try pbkdf2.serialize(ASN1OctetString(contentBytes: ArraySlice(salt)))
                        try pbkdf2.serialize(iterations)
                        try pbkdf2.serialize(keyLength)
                        if prf != .sha1 { try pbkdf2.appendAlgorithm(prf.hmacOID) }
                    }
                }
                try parameters.appendConstructedNode(identifier: .sequence) { encryptionScheme in
                    try encryptionScheme.serialize(cipher)
                    try encryptionScheme.serialize(ASN1OctetString(contentBytes: ArraySlice(iv)))
                }
            }
        }
    }
}
