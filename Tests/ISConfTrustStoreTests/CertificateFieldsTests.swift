import Foundation
import Testing
import X509
@testable import ISConfTrustStore

/// isconf reads the certificate fields it shows with swift-asn1 (`CertificateFields`); swift-certificates'
/// full model is the reference for every one of them.
@Suite struct CertificateFieldsTests {
    @Test(arguments: [(1970, 1, 1, 0), (1969, 12, 31, -1), (2000, 2, 29, 11_016), (2000, 3, 1, 11_017),
                      (2038, 1, 19, 24_855), (1950, 1, 1, -7_305), (9999, 12, 31, 2_932_896)])
    func daysSince1970(_ year: Int, _ month: Int, _ day: Int, _ days: Int) {
        #expect(CertificateFields.daysSince1970(year: year, month: month, day: day) == days)
    }

    /// UTCTime validity (years before 2050) and GeneralizedTime (after), with several RDNs and a
    /// serial with a leading zero byte: the same fields as swift-certificates reads.
    @Test(.enabled(if: StoreFactory.openssl != nil, "openssl is not installed"),
          arguments: [("utc", ["-days", "30"]), ("generalized", ["-days", "36500"]),
                      ("serial", ["-days", "1", "-set_serial", "0x00ff0102"])])
    func agreesWithSwiftCertificates(_ name: String, _ options: [String]) throws {
        let factory = try StoreFactory()
        let pem = factory.file(name + ".pem"), der = factory.file(name + ".der")
        _ = try factory.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", factory.file(name + ".key"),
                                 "-out", pem, "-subj", "/C=DE/O=Acme, Inc./OU=QA+CN=two/CN=client \(name)"] + options)
        _ = try factory.openssl(["x509", "-in", pem, "-outform", "DER", "-out", der])
        let bytes = try factory.bytes(der)
        let fields = try CertificateFields(derEncoded: bytes)
        let reference = try Certificate(derEncoded: bytes)
        #expect(fields.subject == reference.subject)
        #expect(fields.issuer == reference.issuer)
        // DER keeps a zero byte before a high first byte (a positive INTEGER); swift-certificates drops it.
        #expect(Array(fields.serialNumber.drop { $0 == 0 }) == Array(reference.serialNumber.bytes.drop { $0 == 0 }))
        #expect(fields.serialNumber.count >= reference.serialNumber.bytes.count)
        #expect(fields.notBefore.millisecondsSince1970 == Int64(reference.notValidBefore.timeIntervalSince1970 * 1000))
        #expect(fields.notAfter.millisecondsSince1970 == Int64(reference.notValidAfter.timeIntervalSince1970 * 1000))
        let stored = try StoredCertificate(der: bytes, path: der)
        #expect(stored.commonName == "client \(name)")
    }

    @Test func damageIsRefused() throws {
        #expect(throws: (any Error).self) { try CertificateFields(derEncoded: [0x30, 0x03, 0x02, 0x01, 0x01]) }
        #expect(throws: (any Error).self) { try CertificateFields(derEncoded: []) }
    }
}
