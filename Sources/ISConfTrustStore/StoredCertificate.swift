import ISConfCore
import SwiftASN1

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
            throw InputError(path: path, .malformed, "not a valid X.509 certificate")
        }
        self.der = der
        subject = certificate.subject.description
        issuer = certificate.issuer.description
        commonName = certificate.subject.commonName
        let serial = certificate.serialNumber.drop(while: { $0 == 0 })
        serialNumber = serial.isEmpty ? "0" : String(Thumbprints.hex(serial).drop(while: { $0 == "0" }))
        notBefore = certificate.notBefore
        notAfter = certificate.notAfter
        thumbprints = Thumbprints(der: der)
        subjectName = certificate.subject.canonicalEncoding
        issuerName = certificate.issuer.canonicalEncoding
    }

    /// The certificate as a PEM block, as `keytool -exportcert -rfc` writes it.
    public var pem: String {
        PEMDocument(type: "CERTIFICATE", derBytes: der).pemString + "\n"
    }

    var isSelfIssued: Bool { subjectName == issuerName }
}
