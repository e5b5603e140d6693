import Foundation
import SwiftASN1
import Testing

@testable import ISConfTrustStore

/// The DER isconf writes into a PKCS#12 store, held byte for byte to what the hand-written encoder
/// that SwiftASN1's serializer replaced produced (captured from it): keytool and OpenSSL read those bytes.
struct DEREncodingTests {
    /// A self-signed P-256 certificate (CN=golden), 382 bytes: long enough for two-byte lengths.
    static let certificate: StoredCertificate = {
        let base64 = """
            MIIBejCCAR+gAwIBAgIUYhYlQRdkFvbBf5iR0e3UsFLs/t4wCgYIKoZIzj0EAwIwETEPMA0GA1UEAwwGZ29sZGVuMCAXDTI2MTIwNDA1NDMwM1oYDzIxMjYx\
            MTEwMDU0MzAzWjARMQ8wDQYDVQQDDAZnb2xkZW4wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR3SmCHFztlDXCm38KezG93Xjs/Pllqvg2GyaMYAbi3kD+m\
            bpCCWrci5ExTdDMVyp6jmEOIYGS93uXcszNfqitWo1MwUTAdBgNVHQ4EFgQUwsymI/zYl/iPL/u+SwakoKk33A4wHwYDVR0jBBgwFoAUwsymI/zYl/iPL/u+\
            SwakoKk33A4wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEA+ybbkj1d6UtzYCtaSo4lUPJPYuaS2sKDRYm+DPkbmdQCIQCK6QgWxJ8uBfR6\
            3zZcMiKZw881mvXPdU+2ZWmR0vzzlw==
            """
        return try! StoredCertificate(der: Array(Data(base64Encoded: base64)!), path: "golden.pem")
    }()

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func der(_ value: some DERSerializable) throws -> String {
        var coder = DER.Serializer()
        try coder.serialize(value)
        return hex(coder.serializedBytes)
    }

    /// The certificate, its friendlyName as a BMPString (é is U+00E9), the SET of two attributes
    /// in DER order (Oracle's shorter attribute first, by its length byte).
    @Test func aTrustedCertificateBag() throws {
        let bag = try Self.der(TrustedCertificateBag(certificate: Self.certificate, alias: "trusted-clé"))
        #expect(
            bag == "308201e8060b2a864886f70d010c0a0103a082019630820192060a2a864886f70d01091601a08201820482017e"
                + Self.hex(Self.certificate.der)
                + "313f3016060c6086480186f966adca7b010131060604551d2500302506092a864886f70d01091431181e160074007200750073007400650064002d0063006c00e9")
    }

    @Test func pbes2AlgorithmIdentifiers() throws {
        let keytool = PBES2Parameters(salt: Array(1...16), iterations: 10_000, prf: .sha256, keyLength: 32, iv: Array(17...32))
        #expect(
            try Self.der(keytool) == "306206092a864886f70d01050d3055303406092a864886f70d01050c302704100102030405060708090a0b0c0d0e0f10"
                + "02022710020120300c06082a864886f70d02090500301d060960864801650304012a04101112131415161718191a1b1c1d1e1f20")
        // PBKDF2's default PRF (HMAC-SHA1) is left out; 128 rounds need a leading zero byte.
        let sha1 = PBES2Parameters(salt: Array(repeating: 0xFF, count: 8), iterations: 128, prf: .sha1, keyLength: 16, iv: Array(1...16))
        #expect(
            try Self.der(sha1) == "304c06092a864886f70d01050d303f301e06092a864886f70d01050c30110408ffffffffffffffff02020080020110"
                + "301d060960864801650304010204100102030405060708090a0b0c0d0e0f10")
    }

    /// A new store as runs of fixed bytes, each followed by so many random ones (salts, IV,
    /// ciphertext, MAC): every tag and length around the random bytes is compared.
    static let expectedStore: [(fixed: String, random: Int)] = [
        (
            "308202d20201033082029806092a864886f70d010701a082028904820285308202813082027d06092a864886f70d010706a082026e3082026a02010030"
                + "82026306092a864886f70d010701306206092a864886f70d01050d3055303406092a864886f70d01050c30270410", 16
        ),  // PBKDF2 salt
        ("02022710020120300c06082a864886f70d02090500301d060960864801650304012a0410", 16),  // AES IV
        ("808201f0", 496),  // the encrypted SafeContents
        ("30313021300906052b0e03021a05000414", 20),  // the MAC
        ("0408", 8),  // the MAC's salt
        ("02020800", 0),
    ]

    @Test func aWholeStoreAroundItsRandomBytes() throws {
        let layout = PKCS12.Layout(mac: PKCS12.MacParameters(digest: .sha1, iterations: 2048, saltLength: 8))
        let written = try PKCS12.write(layout, setting: Self.certificate, alias: "golden", password: "secret", path: "golden.p12")
        var cursor = 0
        for (fixed, random) in Self.expectedStore {
            let length = fixed.count / 2
            try #require(cursor + length + random <= written.count, "the store ends early, at \(written.count) bytes")
            #expect(Self.hex(written[cursor..<cursor + length]) == fixed, "at byte \(cursor)")
            cursor += length + random
        }
        #expect(cursor == written.count)
        #expect(try KeyStore.read(written, path: "golden.p12", password: "secret").integrityVerified)
    }
}
