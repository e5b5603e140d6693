import Foundation
import SwiftASN1
import Testing
import X509

@testable import ISConfTrustStore

/// isconf reads the certificate fields it shows with swift-asn1 (`CertificateFields`); swift-certificates'
/// full model is the reference for every one of them.
@Suite struct CertificateFieldsTests {
    @Test(arguments: [
        (1970, 1, 1, 0), (1969, 12, 31, -1), (2000, 2, 29, 11_016), (2000, 3, 1, 11_017),
        (2038, 1, 19, 24_855), (1950, 1, 1, -7_305), (9999, 12, 31, 2_932_896),
    ])
    func daysSince1970(_ year: Int, _ month: Int, _ day: Int, _ days: Int) {
        #expect(CertificateFields.daysSince1970(year: year, month: month, day: day) == days)
    }

    /// UTCTime validity (years before 2050) and GeneralizedTime (after), with several RDNs and a
    /// serial with a leading zero byte: the same fields as swift-certificates reads.
    @Test(
        .enabled(if: StoreFactory.openssl != nil, "openssl is not installed"),
        arguments: [
            ("utc", ["-days", "30"]), ("generalized", ["-days", "36500"]),
            ("serial", ["-days", "1", "-set_serial", "0x00ff0102"]),
        ])
    func agreesWithSwiftCertificates(_ name: String, _ options: [String]) throws {
        let factory = try StoreFactory()
        let pem = factory.file(name + ".pem")
        let der = factory.file(name + ".der")
        _ = try factory.openssl(
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", factory.file(name + ".key"),
                "-out", pem, "-subj", "/C=DE/O=Acme, Inc./OU=QA+CN=two/CN=client \(name)",
            ] + options)
        _ = try factory.openssl(["x509", "-in", pem, "-outform", "DER", "-out", der])
        let bytes = try factory.bytes(der)
        let fields = try CertificateFields(derEncoded: bytes)
        let reference = try Certificate(derEncoded: bytes)
        #expect(fields.subject.description == Reference.render(reference.subject))
        #expect(fields.issuer.description == Reference.render(reference.issuer))
        #expect(fields.subject.canonicalEncoding == Reference.encoded(reference.subject))
        // DER keeps a zero byte before a high first byte (a positive INTEGER); swift-certificates drops it.
        #expect(Array(fields.serialNumber.drop { $0 == 0 }) == Array(reference.serialNumber.bytes.drop { $0 == 0 }))
        #expect(fields.serialNumber.count >= reference.serialNumber.bytes.count)
        #expect(fields.notBefore.millisecondsSince1970 == Int64(reference.notValidBefore.timeIntervalSince1970 * 1000))
        #expect(fields.notAfter.millisecondsSince1970 == Int64(reference.notValidAfter.timeIntervalSince1970 * 1000))
        let stored = try StoredCertificate(der: bytes, path: der)
        #expect(stored.commonName == "client \(name)")
    }

    /// Names of every shape keytool shows differently: several attributes in one relative name, an
    /// unknown attribute type, an IA5String e-mail address, characters Java quotes, stray spaces, UTF-8,
    /// relative names whose SET OF is not in DER order.
    @Test(
        .enabled(if: StoreFactory.openssl != nil, "openssl is not installed"),
        arguments: [
            "/DC=com/DC=example/O=Acme/OU=QA+CN=two+UID=u1/CN=client",
            "/1.2.3.4=custom value/CN=unknown type",
            "/emailAddress=ops@example.com/CN=Ops",
            "/O=Acme, Inc./OU=R&D; <lab> #1/CN=a \\\"quoted\\\" name",
            "/CN= leading and trailing /O=two  spaces",
            "/C=DE/L=München/CN=Jürgen",
            "/CN=zeta+CN=alpha+O=mid",
        ])
    func namesRenderAsSwiftCertificatesReadsThem(_ subject: String) throws {
        let factory = try StoreFactory()
        let pem = factory.file("name.pem")
        let der = factory.file("name.der")
        _ = try factory.openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", factory.file("name.key"),
            "-out", pem, "-utf8", "-multivalue-rdn", "-subj", subject, "-days", "1",
        ])
        _ = try factory.openssl(["x509", "-in", pem, "-outform", "DER", "-out", der])
        let bytes = try factory.bytes(der)
        let fields = try CertificateFields(derEncoded: bytes)
        let reference = try Certificate(derEncoded: bytes)
        #expect(fields.subject.description == Reference.render(reference.subject))
        #expect(fields.subject.canonicalEncoding == Reference.encoded(reference.subject))
        #expect(fields.subject.commonName == Reference.commonName(reference.subject))
        #expect(fields.issuer == fields.subject)
    }

    @Test func damageIsRefused() throws {
        #expect(throws: (any Error).self) { try CertificateFields(derEncoded: [0x30, 0x03, 0x02, 0x01, 0x01]) }
        #expect(throws: (any Error).self) { try CertificateFields(derEncoded: []) }
    }
}

/// How isconf rendered names with swift-certificates' model before it read them itself: the reference
/// the reader is held to.
private enum Reference {
    static func commonName(_ name: DistinguishedName) -> String? {
        var found: RelativeDistinguishedName.Attribute?
        for relative in name {
            for attribute in relative where attribute.type == [2, 5, 4, 3] {
                found = attribute
                break
            }
        }
        return found.flatMap { String($0.value) }
    }

    static func encoded(_ name: DistinguishedName) -> [UInt8] {
        var serializer = DER.Serializer()
        try? serializer.serialize(name)
        return serializer.serializedBytes
    }

    static let keywords: [ASN1ObjectIdentifier: String] = [
        [2, 5, 4, 3]: "CN", [2, 5, 4, 6]: "C", [2, 5, 4, 7]: "L", [2, 5, 4, 8]: "ST", [2, 5, 4, 10]: "O",
        [2, 5, 4, 11]: "OU", [2, 5, 4, 12]: "T", [2, 5, 4, 9]: "STREET", [2, 5, 4, 4]: "SURNAME",
        [2, 5, 4, 42]: "GIVENNAME", [2, 5, 4, 43]: "INITIALS", [2, 5, 4, 44]: "GENERATION",
        [2, 5, 4, 46]: "DNQUALIFIER", [2, 5, 4, 5]: "SERIALNUMBER", [1, 2, 840, 113549, 1, 9, 1]: "EMAILADDRESS",
        [0, 9, 2342, 19_200_300, 100, 1, 25]: "DC", [0, 9, 2342, 19_200_300, 100, 1, 1]: "UID",
    ]

    static func render(_ name: DistinguishedName) -> String {
        name.reversed().map { relative in
            relative.map { attribute in
                (keywords[attribute.type] ?? "OID." + attribute.type.description) + "=" + renderValue(attribute.value)
            }.joined(separator: " + ")
        }.joined(separator: ", ")
    }

    static func renderValue(_ value: RelativeDistinguishedName.Attribute.Value) -> String {
        let any = ASN1Any(value)
        var serializer = DER.Serializer()
        try? serializer.serialize(any)
        let encoded = serializer.serializedBytes
        var text: String? = String(value)
        if text == nil, let node = try? DER.parse(encoded) {
            switch node.identifier {
            case .bmpString:
                if let string = try? ASN1BMPString(derEncoded: node) { text = decodeUTF16BE(Array(string.bytes)) }
            case .teletexString:
                if case .primitive(let bytes) = node.content { text = String(bytes.map { Character(Unicode.Scalar($0)) }) }
            default:
                break
            }
        }
        guard let text else { return "#" + Thumbprints.hex(encoded) }
        let special: Set<Character> = [",", "+", "=", "\n", "<", ">", "#", ";", "\\", "\""]
        let needsQuotes =
            text.contains(where: special.contains) || text.hasPrefix(" ") || text.hasSuffix(" ")
            || text.contains("  ")
        guard needsQuotes else { return text }
        var quoted = "\""
        for character in text {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }
}
