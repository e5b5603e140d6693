import Foundation
import ISConfCore
import Testing

@testable import ISConfTrustStore

@Suite(.enabled(if: StoreFactory.keytool != nil && StoreFactory.openssl != nil, StoreFactory.keytoolMissing))
struct WriteTests {
    func newCertificate(_ factory: StoreFactory, _ name: String) throws -> StoredCertificate {
        try CertificateFile.single(in: try SourceFile.read(path: try factory.certificate(name, subject: "/CN=\(name)/O=Client Org")))
    }

    /// keytool reads the written store with the password and lists every old entry as before, plus the new one.
    func expectKeytoolSees(
        _ written: String, before: [String: KeytoolEntry], added alias: String, certificate: StoredCertificate,
        replacing: Bool = false
    ) throws {
        var expected = before
        expected[alias] = KeytoolEntry(
            type: "trustedCertEntry", sha256: [certificate.thumbprints.sha256], owner: certificate.subject,
            serial: certificate.serialNumber)
        #expect(try KeytoolListing.entries(written) == expected)
        #expect(
            KeytoolListing.entries(
                of: try KeyStore.read(
                    try Array(Data(contentsOf: URL(fileURLWithPath: written))), path: written,
                    password: StoreFactory.password)) == expected)
        #expect(replacing == (before[alias] != nil))
    }

    @Test(arguments: ["jks", "pkcs12"])
    func addsATrustedCertificateKeytoolLists(type: String) throws {
        let factory = try StoreFactory()
        let store = try factory.populatedStore("store.\(type)", type: type)
        let before = try KeytoolListing.entries(store)
        let original = try factory.read(store)
        let certificate = try newCertificate(factory, "new-client")
        let bytes = try original.settingTrustedCertificate(certificate, alias: "New-Client", password: StoreFactory.password, path: store)
        let written = factory.file("written.\(type)")
        try factory.write(written, bytes)
        try expectKeytoolSees(written, before: before, added: "new-client", certificate: certificate)

        let reread = try factory.read(written)
        for entry in original.entries { #expect(reread.entry(entry.alias) == entry) }
        if case .jks(let old) = original.layout, case .jks(let new) = reread.layout {
            #expect(Array(new.encodedEntries.prefix(old.encodedEntries.count)) == old.encodedEntries, "other entries byte-identical")
        }
        if case .pkcs12(let old) = original.layout, case .pkcs12(let new) = reread.layout {
            #expect(Array(new.contentInfos.prefix(old.contentInfos.count).map(\.encoded)) == old.contentInfos.map(\.encoded))
            // openssl agrees with the MAC and can decrypt everything.
            let info = try StoreFactory.run(StoreFactory.openssl!, ["pkcs12", "-in", written, "-info", "-noout", "-passin", "pass:" + StoreFactory.password])
            #expect(info.status == 0, "\(info.stderr)")
        }
    }

    @Test(arguments: ["jks", "pkcs12"])
    func replacesATrustedCertificate(type: String) throws {
        let factory = try StoreFactory()
        let store = try factory.populatedStore("store.\(type)", type: type)
        let before = try KeytoolListing.entries(store)
        let original = try factory.read(store)
        let certificate = try newCertificate(factory, "replacement")
        let written = factory.file("written.\(type)")
        try factory.write(written, try original.settingTrustedCertificate(certificate, alias: "client-one", password: StoreFactory.password, path: store))
        try expectKeytoolSees(written, before: before, added: "client-one", certificate: certificate, replacing: true)
        let reread = try factory.read(written)
        for entry in original.entries where entry.alias != "client-one" { #expect(reread.entry(entry.alias) == entry) }
        #expect(reread.entries.count == 3)
    }

    @Test(arguments: ["jks", "pkcs12"])
    func refusesToReplaceAKeyEntry(type: String) throws {
        let factory = try StoreFactory()
        let store = try factory.populatedStore("store.\(type)", type: type)
        let certificate = try newCertificate(factory, "intruder")
        let error = try #require(throws: InputError.self) {
            try factory.read(store).settingTrustedCertificate(certificate, alias: "WSO2Carbon", password: StoreFactory.password, path: store)
        }
        #expect(error.kind == .alreadyExists && error.path == store, "\(error)")
    }

    @Test(arguments: ["jks", "pkcs12"])
    func newAndKeytoolEmptiedStores(type: String) throws {
        let factory = try StoreFactory()
        let certificate = try newCertificate(factory, "first")
        let fresh = factory.file("fresh.\(type)")
        try factory.write(
            fresh,
            try KeyStore.empty(KeyStoreFormat(rawValue: type)!)
                .settingTrustedCertificate(certificate, alias: "first", password: StoreFactory.password, path: fresh))
        try expectKeytoolSees(fresh, before: [:], added: "first", certificate: certificate)

        let emptied = try factory.emptyStore("emptied.\(type)", type: type)
        let written = factory.file("written.\(type)")
        try factory.write(
            written, try factory.read(emptied).settingTrustedCertificate(certificate, alias: "first", password: StoreFactory.password, path: emptied))
        try expectKeytoolSees(written, before: [:], added: "first", certificate: certificate)
    }

    @Test func opensslStoreKeepsItsKeyAndGainsATrustedEntry() throws {
        let factory = try StoreFactory()
        let pem = try factory.certificate("server", subject: "/CN=openssl server")
        let store = factory.file("openssl.p12")
        try factory.openssl([
            "pkcs12", "-export", "-in", pem, "-inkey", factory.file("server.key"), "-name", "server", "-out", store,
            "-passout", "pass:" + StoreFactory.password,
        ])
        let before = try KeytoolListing.entries(store)
        let certificate = try newCertificate(factory, "client")
        let written = factory.file("written.p12")
        try factory.write(
            written, try factory.read(store).settingTrustedCertificate(certificate, alias: "client", password: StoreFactory.password, path: store))
        try expectKeytoolSees(written, before: before, added: "client", certificate: certificate)
        // The private key is still there and openssl can still take it out with the password.
        let keys = try StoreFactory.run(StoreFactory.openssl!, ["pkcs12", "-in", written, "-nocerts", "-nodes", "-passin", "pass:" + StoreFactory.password])
        #expect(keys.status == 0 && keys.stdout.contains("PRIVATE KEY"), "\(keys.stderr)")
    }

    @Test func kdfMatchesPublishedVectors() {
        // The PKCS#12 key-generation vectors BouncyCastle and NSS test with (SHA-1); 24 bytes take
        // two rounds of the derivation, so the block update of I is covered too.
        func hex(_ bytes: [UInt8]) -> String { Thumbprints.hex(bytes) }
        #expect(
            hex(
                PKCS12Crypto.derive(
                    .sha1, password: "smeg", salt: [0x0A, 0x58, 0xCF, 0x64, 0x53, 0x0D, 0x82, 0x3F], purpose: 1,
                    iterations: 1, length: 24)) == "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3")
        #expect(
            hex(
                PKCS12Crypto.derive(
                    .sha1, password: "smeg", salt: [0x0A, 0x58, 0xCF, 0x64, 0x53, 0x0D, 0x82, 0x3F], purpose: 2,
                    iterations: 1, length: 8)) == "79993dfe048d3b76")
        #expect(
            hex(
                PKCS12Crypto.derive(
                    .sha1, password: "queeg", salt: [0x16, 0x82, 0xC0, 0xFC, 0x5B, 0x3F, 0x7E, 0xC5], purpose: 1,
                    iterations: 1000, length: 24)) == "483dd6e919d7de2e8e648ba8f862f3fbfbdc2bcb2c02957f")
    }
}
