import Foundation
import ISConfCore
import Testing

@testable import ISConfTrustStore

@Suite(.enabled(if: StoreFactory.openssl != nil, "openssl is not installed: certificate file tests make their certificates with it"))
struct CertificateFileTests {
    func file(_ factory: StoreFactory, _ name: String, _ bytes: [UInt8]) throws -> SourceFile {
        try factory.write(factory.file(name), bytes)
        return try SourceFile.read(path: factory.file(name))
    }

    @Test func pemDerAndBundles() throws {
        let factory = try StoreFactory()
        let first = try factory.certificate("first", subject: "/CN=first")
        let second = try factory.certificate("second", subject: "/CN=second")
        let der = factory.file("first.cer")
        try factory.openssl(["x509", "-in", first, "-outform", "DER", "-out", der])

        let fromPEM = try CertificateFile.single(in: try SourceFile.read(path: first))
        let fromDER = try CertificateFile.single(in: try SourceFile.read(path: der))
        #expect(fromPEM == fromDER)
        #expect(fromPEM.subject == "CN=first")
        #expect(try CertificateFile.single(in: try file(factory, "again.pem", Array(fromPEM.pem.utf8))) == fromPEM)

        // A key block beside the certificate is passed over; CRLF line ends are fine.
        let withKey = try factory.bytes(factory.file("first.key")) + factory.bytes(first)
        let crlf = String(decoding: withKey, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try CertificateFile.single(in: try file(factory, "key-and-cert.pem", Array(crlf.utf8))) == fromPEM)

        let bundle = try file(factory, "bundle.pem", try factory.bytes(first) + factory.bytes(second))
        #expect(try CertificateFile.certificates(in: bundle).map(\.subject) == ["CN=first", "CN=second"])
        let two = try #require(throws: InputError.self) { try CertificateFile.single(in: bundle) }
        #expect(two.kind == .invalidArgument && two.path == bundle.path, "\(two)")
    }

    @Test func badFiles() throws {
        let factory = try StoreFactory()
        _ = try factory.certificate("cert", subject: "/CN=cert")  // for its key file
        let cases: [(String, [UInt8], InputError.Kind)] = [
            ("text.txt", Array("hello, I am not a certificate\n".utf8), .wrongFileType),
            ("key.pem", try factory.bytes(factory.file("cert.key")), .noCertificateEntry),
            ("broken.pem", Array("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n".utf8), .malformed),
            ("short.der", [0x30, 0x82, 0x01, 0x00, 0x01], .malformed),
        ]
        for (name, bytes, kind) in cases {
            let source = try file(factory, name, bytes)
            let error = try #require(throws: InputError.self, "\(name)") { try CertificateFile.single(in: source) }
            #expect(error.kind == kind && error.path == source.path, "\(name): \(error)")
        }
    }
}
