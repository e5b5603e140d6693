import Foundation
import ISConfCore
import Testing

@testable import ISConfTrustStore

@Suite(.enabled(if: StoreFactory.keytool != nil && StoreFactory.openssl != nil, StoreFactory.keytoolMissing))
struct ReadTests {
    @Test(arguments: ["jks", "pkcs12"])
    func readsWhatKeytoolLists(type: String) throws {
        let factory = try StoreFactory()
        let store = try factory.populatedStore("store.\(type == "jks" ? "jks" : "p12")", type: type)
        let read = try factory.read(store)
        #expect(read.format.rawValue == type)
        #expect(read.integrityVerified)
        #expect(read.entries.map(\.alias).sorted() == ["client-one", "client-two", "wso2carbon"])
        #expect(KeytoolListing.entries(of: read) == (try KeytoolListing.entries(store)))
        #expect(read.entry("wso2carbon")?.kind == .privateKey)
        // openssl -subj writes CN first; Java prints the last relative name first, and so does isconf.
        #expect(read.entry("Client-One")?.certificates.first?.subject == "C=DE, O=\"Acme, Inc.\", CN=client one")
        if type == "jks" {
            #expect(read.entries.allSatisfy { $0.creationDate != nil })
        }
    }

    @Test func jksListsWithoutPasswordButDoesNotVerify() throws {
        let factory = try StoreFactory()
        let store = try factory.populatedStore("store.jks", type: "jks")
        let read = try factory.read(store, password: nil)
        #expect(!read.integrityVerified)
        #expect(read.entries.count == 3)
        #expect(read.entry("wso2carbon")?.certificates.count == 1)
    }

    @Test func pkcs12WithoutPasswordNeedsIt() throws {
        let factory = try StoreFactory()
        let store = try factory.populatedStore("store.p12", type: "pkcs12")
        let error = try #require(throws: InputError.self) { try factory.read(store, password: nil) }
        #expect(error.kind == .passwordNeeded && error.path == store, "\(error)")
    }

    @Test(arguments: ["jks", "pkcs12"])
    func emptyStores(type: String) throws {
        let factory = try StoreFactory()
        let store = try factory.emptyStore("empty.\(type)", type: type)
        let read = try factory.read(store)
        #expect(read.entries.isEmpty)
        #expect(read.integrityVerified)
        #expect(try KeytoolListing.entries(store).isEmpty)
    }

    @Test func opensslPKCS12() throws {
        let factory = try StoreFactory()
        let certificate = try factory.certificate("client", subject: "/CN=openssl client/O=Acme")
        let store = factory.file("openssl.p12")
        try factory.openssl([
            "pkcs12", "-export", "-in", certificate, "-inkey", factory.file("client.key"), "-out", store,
            "-passout", "pass:" + StoreFactory.password,
        ])
        let read = try factory.read(store)
        #expect(read.entries.map(\.alias) == ["1"])
        #expect(read.entries.first?.kind == .privateKey)
        #expect(KeytoolListing.entries(of: read) == (try KeytoolListing.entries(store)))

        // Certificates without Java's trust attribute are no entries for Java, nor for isconf.
        let bare = factory.file("bare.p12")
        try factory.openssl(["pkcs12", "-export", "-nokeys", "-in", certificate, "-out", bare, "-passout", "pass:" + StoreFactory.password])
        #expect(try factory.read(bare).entries.isEmpty)
        #expect(try KeytoolListing.entries(bare).isEmpty)
    }

    @Test func legacyPKCS12IsNamedWithAWayOut() throws {
        let factory = try StoreFactory()
        let certificate = try factory.certificate("client", subject: "/CN=legacy")
        let store = factory.file("legacy.p12")
        let made = try StoreFactory.run(
            StoreFactory.openssl!,
            [
                "pkcs12", "-export", "-legacy", "-in", certificate, "-inkey",
                factory.file("client.key"), "-out", store, "-passout", "pass:" + StoreFactory.password,
            ])
        try #require(made.status == 0, "this openssl cannot write legacy PKCS#12 (-legacy): \(made.stderr)")
        for password in [StoreFactory.password, nil] {
            let error = try #require(throws: InputError.self) { try factory.read(store, password: password) }
            #expect(error.kind == .unsupportedFormat, "\(error)")
            // The way out: the two commands that convert it.
            #expect(error.message.contains("keytool -importkeystore"))
            #expect(error.message.contains("openssl pkcs12 -legacy"))
        }
    }

    @Test(arguments: ["jks", "pkcs12"])
    func wrongPasswordAndTampering(type: String) throws {
        let factory = try StoreFactory()
        let store = try factory.populatedStore("store.\(type)", type: type)
        #expect(throws: InputError(path: store, .wrongPassword)) { try factory.read(store, password: "wrong-password") }

        var bytes = try factory.bytes(store)
        let certificate = try #require(try factory.read(store).entry("client-two")?.certificates.first?.der)
        if type == "jks" {
            // Flip a byte inside a certificate: the digest no longer matches.
            let start = try #require(bytes.firstRange(of: certificate)).lowerBound
            bytes[start + 200] ^= 0x01
        } else {
            bytes[bytes.count / 2] ^= 0x01  // inside the encrypted certificates, under the MAC
        }
        let tampered = factory.file("tampered")
        try factory.write(tampered, bytes)
        #expect(throws: InputError(path: tampered, .wrongPassword)) { try factory.read(tampered) }
    }

    @Test(arguments: ["jks", "pkcs12"])
    func truncatedAndTrailingBytes(type: String) throws {
        let factory = try StoreFactory()
        let store = try factory.populatedStore("store.\(type)", type: type)
        let bytes = try factory.bytes(store)
        for cut in [bytes.count - 1, bytes.count - 21, bytes.count / 2, 6] {
            let error = try #require(throws: InputError.self) { try KeyStore.read(Array(bytes.prefix(cut)), path: "cut", password: nil) }
            #expect(error.kind == .malformed, "cut at \(cut): \(error)")
        }
        let error = try #require(throws: InputError.self) { try KeyStore.read(bytes + [0, 1, 2], path: "long", password: StoreFactory.password) }
        #expect(error.kind == .malformed, "\(error)")
    }

    @Test func wrongMagic() throws {
        let empty = try #require(throws: InputError.self) { try KeyStore.read([], path: "x", password: nil) }
        #expect(empty.kind == .empty)
        let xml = try #require(throws: InputError.self) { try KeyStore.read(Array("<?xml version='1.0'?>".utf8), path: "x", password: nil) }
        #expect(xml.kind == .wrongFileType)
        let jceks = try #require(throws: InputError.self) { try KeyStore.read([0xCE, 0xCE, 0xCE, 0xCE, 0, 0, 0, 2], path: "old.jceks", password: nil) }
        #expect(jceks.kind == .unsupportedFormat)
        #expect(jceks.message.contains("keytool -importkeystore"), "the way out: the command that converts it")
    }

    @Test func duplicateAliasesInJKS() throws {
        let factory = try StoreFactory()
        let store = try factory.populatedStore("store.jks", type: "jks")
        let read = try factory.read(store)
        guard case .jks(let layout) = read.layout else {
            Issue.record("not JKS")
            return
        }
        let twice = layout.encodedEntries + [layout.encodedEntries[1]]
        var body = ByteWriter()
        body.u32(JKS.magic)
        body.u32(2)
        body.u32(UInt32(twice.count))
        for entry in twice { body.raw(entry) }
        let bytes = body.bytes + JKS.digest(password: StoreFactory.password, body: body.bytes[...])
        let error = try #require(throws: InputError.self) { try KeyStore.read(bytes, path: "dup.jks", password: StoreFactory.password) }
        #expect(error.kind == .malformed, "\(error)")
    }

    @Test func certificateDetailsAsKeytoolPrintsThem() throws {
        let factory = try StoreFactory()
        let store = factory.file("details.jks")
        try factory.keyPair(store, alias: "server", type: "jks", dname: "CN=is.example.com, OU=\"Identity, IAM\", O=WSO2, C=LK")
        let read = try factory.read(store)
        let certificate = try #require(read.entry("server")?.certificates.first)
        let keytool = try #require(try KeytoolListing.entries(store)["server"])
        #expect(certificate.subject == keytool.owner)
        #expect(certificate.issuer == keytool.owner)
        #expect(certificate.serialNumber == keytool.serial)
        #expect(certificate.notAfter.millisecondsSince1970 - certificate.notBefore.millisecondsSince1970 == 365 * 86_400_000)
        #expect(certificate.thumbprints.sha256 == keytool.sha256.first)
    }
}
