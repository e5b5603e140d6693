import ISConfCore
import SwiftASN1
import X509

/// An X.509 certificate held in a key store or a certificate file: its DER bytes, and what
/// `keytool -list -v` shows of it.
public struct StoredCertificate: Sendable, Equatable {
    public let der: [UInt8]
    /// As keytool prints a distinguished name: most specific first, "CN=…, OU=…, O=…".
    public let subject: String
    public let issuer: String
    /// The subject's most specific common name (CN), if it has one.
    public let commonName: String?
    /// Lowercase hex without leading zeros, as keytool prints it.
    public let serialNumber: String
    public let notBefore: Timestamp
    public let notAfter: Timestamp
    public let thumbprints: Thumbprints
    /// The encoded subject and issuer names, compared to walk a chain as Java does.
    let subjectName: [UInt8]
    let issuerName: [UInt8]

    public init(der: [UInt8], path: String) throws(InputError) {
        let certificate: CertificateFields
        do {
            certificate = try CertificateFields(derEncoded: der)
        } catch {
            throw InputError(path: path, message: "not a valid X.509 certificate")
        }
        self.der = der
        subject = StoredCertificate.render(certificate.subject)
        issuer = StoredCertificate.render(certificate.issuer)
        commonName = StoredCertificate.commonName(certificate.subject)
        let serial = certificate.serialNumber.drop(while: { $0 == 0 })
        serialNumber = serial.isEmpty ? "0" : String(Thumbprints.hex(serial).drop(while: { $0 == "0" }))
        notBefore = certificate.notBefore
        notAfter = certificate.notAfter
        thumbprints = Thumbprints(der: der)
        subjectName = StoredCertificate.encoded(certificate.subject)
        issuerName = StoredCertificate.encoded(certificate.issuer)
    }

    /// The certificate as a PEM block, as `keytool -exportcert -rfc` writes it.
    public var pem: String {
        PEMDocument(type: "CERTIFICATE", derBytes: der).pemString + "\n"
    }

    var isSelfIssued: Bool { subjectName == issuerName }

    /// The CN that Java shows first: the first in the last relative name that has one. A plain loop:
    /// lazy sequence adaptors over these types cost more at first use than the search itself.
    private static func commonName(_ name: DistinguishedName) -> String? {
        var found: RelativeDistinguishedName.Attribute?
        for relative in name {
            for attribute in relative where attribute.type == [2, 5, 4, 3] {
                found = attribute
                break
            }
        }
        return found.flatMap { String($0.value) }
    }

    private static func encoded(_ name: DistinguishedName) -> [UInt8] {
        var serializer = DER.Serializer()
        do { try serializer.serialize(name) } catch { return [] }
        return serializer.serializedBytes
    }

    /// The keywords Java's X500Name prints; other attribute types appear as OID.<dotted>.
    private static let keywords: [ASN1ObjectIdentifier: String] = [
        [2, 5, 4, 3]: "CN", [2, 5, 4, 6]: "C", [2, 5, 4, 7]: "L", [2, 5, 4, 8]: "ST", [2, 5, 4, 10]: "O",
        [2, 5, 4, 11]: "OU", [2, 5, 4, 12]: "T", [2, 5, 4, 9]: "STREET", [2, 5, 4, 4]: "SURNAME",
        [2, 5, 4, 42]: "GIVENNAME", [2, 5, 4, 43]: "INITIALS", [2, 5, 4, 44]: "GENERATION",
        [2, 5, 4, 46]: "DNQUALIFIER", [2, 5, 4, 5]: "SERIALNUMBER", [1, 2, 840, 113549, 1, 9, 1]: "EMAILADDRESS",
        [0, 9, 2342, 19_200_300, 100, 1, 25]: "DC", [0, 9, 2342, 19_200_300, 100, 1, 1]: "UID",
    ]

    /// Java's X500Name.toString: relative names last to first, joined by ", "; several
    /// attributes in one relative name joined by " + ".
    static func render(_ name: DistinguishedName) -> String {
        name.reversed().map { relative in
            relative.map { attribute in
                let keyword = keywords[attribute.type] ?? "OID." + attribute.type.description
                return keyword + "=" + renderValue(attribute.value)
            }.joined(separator: " + ")
        }.joined(separator: ", ")
    }

    /// Quoted, as Java does, when the value holds a special character or stray spaces; a value
    /// that is not a string is shown as # and the hex of its encoding.
    private static func renderValue(_ value: RelativeDistinguishedName.Attribute.Value) -> String {
        let any = ASN1Any(value)
        var text: String? = String(value)
        if text == nil, let node = try? DER.parse(StoredCertificate.encoded(any)) {
            switch node.identifier {
            case .bmpString:
                if let string = try? ASN1BMPString(derEncoded: node) { text = decodeUTF16BE(Array(string.bytes)) }
            case .teletexString:
                if case .primitive(let bytes) = node.content { text = String(bytes.map { Character(Unicode.Scalar($0)) }) }
            default:
                break
            }
        }
        guard let text else { return "#" + Thumbprints.hex(StoredCertificate.encoded(any)) }
        let special: Set<Character> = [",", "+", "=", "\n", "<", ">", "#", ";", "\\", "\""]
        let needsQuotes = text.contains(where: special.contains) || text.hasPrefix(" ") || text.hasSuffix(" ")
            || text.contains("  ")
        guard needsQuotes else { return text }
        var quoted = "\""
        for character in text {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    private static func encoded(_ any: ASN1Any) -> [UInt8] {
        var serializer = DER.Serializer()
        do { try serializer.serialize(any) } catch { return [] }
        return serializer.serializedBytes
    }
}
