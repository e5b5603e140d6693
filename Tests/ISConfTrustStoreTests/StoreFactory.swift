import Foundation
import ISConfTestSupport
import Testing

@testable import ISConfTrustStore

/// Makes key stores at test time with the real keytool (Java 17) and openssl, in a folder removed
/// when the test is done with it.
final class StoreFactory {
    static let keytool = ExternalProgram.which("keytool")
    static let openssl = ExternalProgram.which("openssl")
    static let keytoolMissing: Comment = "keytool (Java 17) is not installed: trust store tests need it to make and check stores"
    static let password = "Sekrit-Pass1"

    let scratch: Scratch
    var path: String { scratch.path }

    init() throws { scratch = try Scratch() }

    func file(_ name: String) -> String { scratch.file(name) }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> ExternalProgram.Result {
        try ExternalProgram.run(executable, arguments, input: input.map { Array($0.utf8) })
    }

    /// Runs keytool and requires success.
    @discardableResult
    func keytool(_ arguments: [String]) throws -> String {
        let result = try StoreFactory.run(StoreFactory.keytool!, arguments)
        if result.status != 0 { throw ToolFailure(message: "keytool \(arguments.joined(separator: " ")): \(result.stdout)\(result.stderr)") }
        return result.stdout
    }

    @discardableResult
    func openssl(_ arguments: [String]) throws -> String {
        let result = try StoreFactory.run(StoreFactory.openssl!, arguments)
        if result.status != 0 { throw ToolFailure(message: "openssl \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result.stdout
    }

    struct ToolFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// A private-key entry with a self-signed certificate.
    func keyPair(
        _ store: String, alias: String, type: String, dname: String = "CN=localhost, OU=IS, O=WSO2, L=Mountain View, ST=CA, C=US",
        password: String = StoreFactory.password
    ) throws {
        try keytool([
            "-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-dname", dname, "-validity", "365",
            "-keystore", store, "-storepass", password, "-keypass", password, "-storetype", type,
        ])
    }

    /// A new self-signed certificate in a PEM file (and its key beside it).
    func certificate(_ name: String, subject: String) throws -> String {
        let pem = file(name + ".pem")
        try openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", file(name + ".key"), "-out", pem,
            "-subj", subject, "-days", "30",
        ])
        return pem
    }

    func importCertificate(
        _ store: String, alias: String, file certificate: String, type: String,
        password: String = StoreFactory.password
    ) throws {
        try keytool([
            "-importcert", "-noprompt", "-alias", alias, "-file", certificate, "-keystore", store,
            "-storepass", password, "-storetype", type,
        ])
    }

    /// A store with a key pair and two trusted certificates, as an IS server's stores look.
    func populatedStore(_ name: String, type: String) throws -> String {
        let store = file(name)
        try keyPair(store, alias: "wso2carbon", type: type)
        try importCertificate(store, alias: "Client-One", file: try certificate(name + "-c1", subject: "/CN=client one/O=Acme, Inc./C=DE"), type: type)
        try importCertificate(store, alias: "client-two", file: try certificate(name + "-c2", subject: "/CN=client two/OU=QA"), type: type)
        return store
    }

    /// keytool cannot make an empty store: make one entry and delete it.
    func emptyStore(_ name: String, type: String) throws -> String {
        let store = file(name)
        try importCertificate(store, alias: "gone", file: try certificate(name + "-gone", subject: "/CN=gone"), type: type)
        try keytool(["-delete", "-alias", "gone", "-keystore", store, "-storepass", StoreFactory.password])
        return store
    }

    func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    func write(_ path: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    func read(_ path: String, password: String? = StoreFactory.password) throws -> KeyStore {
        try KeyStore.read(bytes(path), path: path, password: password)
    }
}

/// What `keytool -list -v` says of each entry: its type and the SHA-256 fingerprints of its
/// certificates (lowercase, no colons), plus the owner line of the first.
struct KeytoolEntry: Equatable {
    var type: String
    var sha256: [String]
    var owner: String
    var serial: String
}

enum KeytoolListing {
    static func entries(_ store: String, password: String = StoreFactory.password) throws -> [String: KeytoolEntry] {
        let result = try StoreFactory.run(StoreFactory.keytool!, ["-list", "-v", "-keystore", store, "-storepass", password])
        guard result.status == 0 else { throw StoreFactory.ToolFailure(message: "keytool -list: \(result.stdout)\(result.stderr)") }
        var entries: [String: KeytoolEntry] = [:]
        var alias: String?
        for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("Alias name: ") {
                alias = String(text.dropFirst("Alias name: ".count))
                entries[alias!] = KeytoolEntry(type: "", sha256: [], owner: "", serial: "")
            } else if let alias, text.hasPrefix("Entry type: ") {
                entries[alias]!.type = String(text.dropFirst("Entry type: ".count))
            } else if let alias, text.hasPrefix("Owner: "), entries[alias]!.owner.isEmpty {
                entries[alias]!.owner = String(text.dropFirst("Owner: ".count))
            } else if let alias, text.hasPrefix("Serial number: "), entries[alias]!.serial.isEmpty {
                entries[alias]!.serial = String(text.dropFirst("Serial number: ".count))
            } else if let alias, text.hasPrefix("SHA256: ") {
                entries[alias]!.sha256.append(text.dropFirst("SHA256: ".count).replacingOccurrences(of: ":", with: "").lowercased())
            }
        }
        return entries
    }

    /// The same view of a store as isconf reads it.
    static func entries(of store: KeyStore) -> [String: KeytoolEntry] {
        Dictionary(
            uniqueKeysWithValues: store.entries.map { entry in
                (
                    entry.alias,
                    KeytoolEntry(
                        type: entry.kind.keytoolName, sha256: entry.certificates.map(\.thumbprints.sha256),
                        owner: entry.certificates.first?.subject ?? "", serial: entry.certificates.first?.serialNumber ?? "")
                )
            })
    }
}
