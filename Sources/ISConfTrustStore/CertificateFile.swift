import ISConfCore
import SwiftASN1

/// Certificate files as keytool takes them for -importcert: PEM (one or more CERTIFICATE blocks,
/// other blocks such as keys ignored) or DER, whatever the extension (.pem, .crt, .cer, .der).
public enum CertificateFile {
    public static func certificates(in file: SourceFile) throws(InputError) -> [StoredCertificate] {
        if file.bytes.first == 0x30 { return [try StoredCertificate(der: file.bytes, path: file.path)] }
        let text = String(decoding: file.bytes, as: UTF8.self)
        guard text.contains("-----BEGIN ") else {
            throw InputError(path: file.path, .wrongFileType, "neither a PEM nor a DER certificate")
        }
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw InputError(path: file.path, .malformed, "malformed PEM (a block's base64 or its BEGIN/END lines)")
        }
        let blocks = documents.filter { $0.discriminator == "CERTIFICATE" || $0.discriminator == "X509 CERTIFICATE" }
        guard !blocks.isEmpty else { throw InputError(path: file.path, .noCertificateEntry, "holds no CERTIFICATE block") }
        var certificates: [StoredCertificate] = []
        for (index, block) in blocks.enumerated() {
            do {
                certificates.append(try StoredCertificate(der: block.derBytes, path: file.path))
            } catch {
                throw error.within("certificate block \(index + 1)", path: file.path)
            }
        }
        return certificates
    }

    /// The one certificate of a file to import: a file with more (a chain, a bundle) is refused
    /// rather than guessed at.
    public static func single(in file: SourceFile) throws(InputError) -> StoredCertificate {
        let certificates = try certificates(in: file)
        guard certificates.count == 1 else {
            throw InputError(
                path: file.path, .invalidArgument,
                "holds \(certificates.count) certificates; import takes exactly one "
                    + "(put the one to trust in a file of its own)")
        }
        return certificates[0]
    }
}
