import Crypto

/// The thumbprints of a certificate in the form MutualSSLAuthenticator's WhiteList compares them:
/// lowercase hex of the digest of the DER bytes, without colons.
public struct Thumbprints: Sendable, Equatable {
    public let sha1: String
    public let sha256: String

    public init(der: some Sequence<UInt8>) {
        let bytes = Array(der)
        sha1 = Thumbprints.hex(Insecure.SHA1.hash(data: bytes))
        sha256 = Thumbprints.hex(SHA256.hash(data: bytes))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
