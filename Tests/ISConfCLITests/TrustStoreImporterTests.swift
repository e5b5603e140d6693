import Foundation
import ISConfCore
import ISConfDomain
import ISConfTestSupport
import ISConfTrustStore
import Testing

@Suite(.enabled(if: Keytool.available, Keytool.missing))
struct TrustStoreImporterTests {
    static let security = "home/repository/resources/security/client-truststore"

    func request(
        _ store: String, _ certificate: String, alias: String = "client", password: String = Keytool.password,
        replace: Bool = false, backup: BackupPolicy = .isHome
    ) throws -> TrustStoreImportRequest {
        TrustStoreImportRequest(
            store: store, certificate: try CertificateFile.single(in: try SourceFile.read(path: certificate)),
            alias: alias, password: Secret(password), replace: replace, backup: backup)
    }

    @Test(arguments: ["jks", "pkcs12"])
    func importsIntoAnISHomeStoreWithABackup(type: String) throws {
        let scratch = try Scratch()
        _ = try scratch.copySample(as: "home")
        let store = try Keytool.store(scratch, Self.security + (type == "jks" ? ".jks" : ".p12"), type: type)
        let original = try Keytool.bytes(store)
        let before = try Keytool.list(store)
        let certificate = try Keytool.certificate(scratch, "client")

        let outcome = try TrustStoreImporter.importCertificate(try request(store, certificate, alias: "Client"), stamp: "20261129T000000.000Z")
        #expect(outcome.action == .added)
        #expect(outcome.alias == "client")
        let relative = "repository/resources/security/client-truststore." + (type == "jks" ? "jks" : "p12")
        #expect(outcome.backup == scratch.path + "/home/backup/isconf/20261129T000000.000Z/" + relative)
        #expect(try Keytool.bytes(try #require(outcome.backup)) == original)
        let after = try Keytool.list(store)
        #expect(after.count == before.count + 1)
        for (alias, entry) in before {
            #expect(after[alias]?.type == entry.type)
            #expect(after[alias]?.sha256 == entry.sha256)
        }
        #expect(after["client"]?.type == "trustedCertEntry")
        #expect(after["client"]?.sha256 == [outcome.thumbprints.sha256])

        // The same certificate again, under any alias: nothing to do, nothing written.
        let written = try Keytool.bytes(store)
        let again = try TrustStoreImporter.importCertificate(try request(store, certificate, alias: "other"), stamp: "20261129T000001.000Z")
        #expect(again.action == .alreadyPresent(alias: "client"))
        #expect(again.backup == nil)
        #expect(try Keytool.bytes(store) == written)
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/home/backup/isconf/20261129T000001.000Z"))
    }

    @Test(arguments: ["jks", "pkcs12"])
    func aTakenAliasNeedsReplace(type: String) throws {
        let scratch = try Scratch()
        let store = try Keytool.store(scratch, "trust." + (type == "jks" ? "jks" : "p12"), type: type)
        let original = try Keytool.bytes(store)
        let certificate = try Keytool.certificate(scratch, "newer")
        let refused = try #require(throws: InputError.self) {
            try TrustStoreImporter.importCertificate(try request(store, certificate, alias: "existing"))
        }
        #expect(refused.kind == .alreadyExists, "\(refused)")
        #expect(try Keytool.bytes(store) == original)
        let taken = try #require(throws: InputError.self) {
            try TrustStoreImporter.importCertificate(try request(store, certificate, alias: "wso2carbon", replace: true))
        }
        #expect(taken.kind == .alreadyExists && taken.path == store, "\(taken)")

        let replaced = try TrustStoreImporter.importCertificate(
            try request(store, certificate, alias: "existing", replace: true),
            stamp: "20261129T000002.000Z")
        guard case .replaced = replaced.action else {
            Issue.record("not replaced: \(replaced.action)")
            return
        }
        // Not in an IS_HOME: the backup goes beside the store.
        #expect(replaced.backup == scratch.path + "/.isconf-backup/20261129T000002.000Z/trust." + (type == "jks" ? "jks" : "p12"))
        #expect(try Keytool.list(store)["existing"]?.sha256 == [replaced.thumbprints.sha256])
        #expect(try Keytool.list(store).count == 2)
    }

    @Test func wrongPasswordLeavesTheStoreAlone() throws {
        let scratch = try Scratch()
        let store = try Keytool.store(scratch, "trust.jks", type: "jks")
        let original = try Keytool.bytes(store)
        let certificate = try Keytool.certificate(scratch, "client")
        #expect(throws: InputError(path: store, .wrongPassword)) {
            try TrustStoreImporter.importCertificate(try request(store, certificate, password: "not-the-password"))
        }
        #expect(try Keytool.bytes(store) == original)
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/.isconf-backup"))
    }

    @Test(arguments: ["new.jks", "new.p12", "new.pfx"])
    func createsAMissingStore(name: String) throws {
        let scratch = try Scratch()
        let store = scratch.path + "/" + name
        let certificate = try Keytool.certificate(scratch, "client")
        let short = try #require(throws: InputError.self) {
            try TrustStoreImporter.importCertificate(try request(store, certificate, password: "short"))
        }
        #expect(short.kind == .invalidArgument && short.path == store, "\(short)")
        #expect(!FileManager.default.fileExists(atPath: store))
        let outcome = try TrustStoreImporter.importCertificate(try request(store, certificate))
        #expect(outcome.action == .created(name.hasSuffix(".jks") ? .jks : .pkcs12))
        #expect(try Keytool.list(store)["client"]?.type == "trustedCertEntry")
        #expect(
            try KeyStore.read(Array(try Keytool.bytes(store)), path: store, password: Keytool.password).format
                == (name.hasSuffix(".jks") ? .jks : .pkcs12))

        let unnamed = scratch.path + "/truststore"
        let error = try #require(throws: InputError.self) { try TrustStoreImporter.importCertificate(try request(unnamed, certificate)) }
        #expect(error.kind == .invalidArgument, "\(error)")
    }
}
