import Foundation
import ISConfDomain
import ISConfTrustStore
import ISConfXML
import Testing

/// keytool and openssl for the trust store tests: stores and certificates are made at test time.
enum Keytool {
    static let path = ["/usr/bin", "/usr/local/bin", "/usr/lib/jvm/default-java/bin"].map { $0 + "/keytool" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let available = path != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    static let missing: Comment = "keytool (Java 17) or openssl is not installed: trust store tests need them to make and check stores"
    static let password = "Store-Pass-42"

    @discardableResult
    static func run(_ arguments: [String]) throws -> CLI.Result {
        let result = try CLI.run(arguments, executable: path!)
        if result.status != 0 { Issue.record("keytool \(arguments.joined(separator: " ")) failed: \(result.stdout)\(result.stderr)") }
        return result
    }

    static func openssl(_ arguments: [String]) throws {
        let result = try CLI.run(arguments, executable: "/usr/bin/openssl")
        if result.status != 0 { Issue.record("openssl \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
    }

    /// A self-signed certificate in PEM.
    static func certificate(_ scratch: Scratch, _ name: String) throws -> String {
        let pem = scratch.path + "/" + name + ".pem"
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", scratch.path + "/" + name + ".key", "-out", pem,
                     "-subj", "/CN=\(name)/O=Client Org", "-days", "30"])
        return pem
    }

    /// A store with a key pair and one trusted certificate, as IS ships them.
    static func store(_ scratch: Scratch, _ relative: String, type: String) throws -> String {
        let store = scratch.path + "/" + relative
        try FileManager.default.createDirectory(atPath: (store as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try run(["-genkeypair", "-alias", "wso2carbon", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost, O=WSO2",
                 "-validity", "365", "-keystore", store, "-storepass", password, "-keypass", password, "-storetype", type])
        try run(["-importcert", "-noprompt", "-alias", "existing", "-file", try certificate(scratch, "existing-\(type)"),
                 "-keystore", store, "-storepass", password, "-storetype", type])
        return store
    }

    /// alias → (entry type, SHA-256 of each certificate, lowercase without colons), from `keytool -list -v`.
    static func list(_ store: String) throws -> [String: (type: String, sha256: [String])] {
        let result = try run(["-list", "-v", "-keystore", store, "-storepass", password])
        var entries: [String: (type: String, sha256: [String])] = [:]
        var alias = ""
        for line in result.stdout.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("Alias name: ") { alias = String(line.dropFirst(12)); entries[alias] = ("", []) }
            if line.hasPrefix("Entry type: ") { entries[alias]?.type = String(line.dropFirst(12)) }
            if line.hasPrefix("SHA256: ") { entries[alias]?.sha256.append(line.dropFirst(8).replacingOccurrences(of: ":", with: "").lowercased()) }
        }
        return entries
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }
}

@Suite(.enabled(if: Keytool.available, Keytool.missing))
struct TrustStoreImporterTests {
    static let security = "home/repository/resources/security/client-truststore"

    func request(_ store: String, _ certificate: String, alias: String = "client", password: String = Keytool.password,
                 replace: Bool = false, backup: BackupPolicy = .isHome) throws -> TrustStoreImportRequest {
        TrustStoreImportRequest(store: store, certificate: try CertificateFile.single(in: try SourceFile.read(path: certificate)),
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
        #expect(refused.message.hasPrefix("alias \"existing\" already holds a different certificate (SHA-256 "))
        #expect(try Keytool.bytes(store) == original)
        #expect(throws: InputError(path: store, message: "alias \"wso2carbon\" is a PrivateKeyEntry; choose another alias")) {
            try TrustStoreImporter.importCertificate(try request(store, certificate, alias: "wso2carbon", replace: true))
        }

        let replaced = try TrustStoreImporter.importCertificate(try request(store, certificate, alias: "existing", replace: true),
                                                                stamp: "20261129T000002.000Z")
        guard case .replaced = replaced.action else { Issue.record("not replaced: \(replaced.action)"); return }
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
        #expect(throws: InputError(path: store, message: "store password is incorrect, or the store was tampered with (its integrity check failed)")) {
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
        #expect(throws: InputError(path: store, message: "a new store's password must be at least 6 characters")) {
            try TrustStoreImporter.importCertificate(try request(store, certificate, password: "short"))
        }
        #expect(!FileManager.default.fileExists(atPath: store))
        let outcome = try TrustStoreImporter.importCertificate(try request(store, certificate))
        #expect(outcome.action == .created(name.hasSuffix(".jks") ? .jks : .pkcs12))
        #expect(try Keytool.list(store)["client"]?.type == "trustedCertEntry")
        #expect(try KeyStore.read(Array(try Keytool.bytes(store)), path: store, password: Keytool.password).format
            == (name.hasSuffix(".jks") ? .jks : .pkcs12))

        let unnamed = scratch.path + "/truststore"
        let error = try #require(throws: InputError.self) { try TrustStoreImporter.importCertificate(try request(unnamed, certificate)) }
        #expect(error.message.hasPrefix("does not exist, and its type cannot be told from its name"))
    }
}
