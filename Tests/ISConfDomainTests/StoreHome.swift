import Foundation
import ISConfCore
import ISConfDomain
import ISConfTestSupport
import ISConfTrustStore
import Testing

/// An IS_HOME in a temporary folder: the two XML files, a plugins folder naming the kernel and the
/// authenticator bundle, and stores made by keytool in repository/resources/security.
final class StoreHome {
    let tools: StoreTools
    let root: String
    var security: String { root + "/repository/resources/security" }

    init(catalina: String, authenticators: String? = nil, kernel: String = "4.4.32", bundle: String = "5.3.3") throws {
        tools = try StoreTools()
        root = tools.directory.path + "/home"
        try write("repository/conf/tomcat/catalina-server.xml", catalina)
        try write(
            "repository/conf/security/authenticators.xml",
            authenticators ?? """
                <Authenticators><Authenticator name="MutualSSLAuthenticator" disabled="false"/></Authenticators>

                """)
        try write("repository/components/plugins/org.wso2.carbon.core_\(kernel).jar", "")
        try self.bundle(bundle)
        try FileManager.default.createDirectory(atPath: security, withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ text: String) throws {
        try tools.directory.write("home/" + relative, text)
    }

    /// Replaces the authenticator bundle with one of this version.
    func bundle(_ version: String) throws {
        let plugins = root + "/repository/components/plugins"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: plugins)) ?? [] where name.hasPrefix(Discovery.mutualSSLBundlePrefix) {
            try FileManager.default.removeItem(atPath: plugins + "/" + name)
        }
        try write("repository/components/plugins/\(Discovery.mutualSSLBundlePrefix)\(version).jar", "")
    }

    func lint() -> LintReport { Linter.lint(Discovery.home(root)) }

    func keyPair(
        _ store: String, alias: String = "wso2carbon", password: String, type: String = "JKS",
        startDate: String? = nil, validity: Int = 365
    ) throws {
        try tools.keytool(
            [
                "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost, O=isconf test",
                "-validity", String(validity), "-keystore", security + "/" + store, "-storetype", type,
                "-storepass", password, "-keypass", password,
            ] + (startDate.map { ["-startdate", $0] } ?? []))
    }

    func trust(_ store: String, _ certificate: String, alias: String, password: String, type: String = "JKS") throws {
        try tools.keytool([
            "-importcert", "-noprompt", "-alias", alias, "-file", certificate, "-keystore", security + "/" + store,
            "-storetype", type, "-storepass", password,
        ])
    }

    /// keytool cannot make an empty store: make one entry and delete it.
    func emptyStore(_ store: String, password: String) throws {
        try trust(store, try tools.certificate("gone", cn: "gone", days: 30), alias: "gone", password: password)
        try tools.keytool(["-delete", "-alias", "gone", "-keystore", security + "/" + store, "-storepass", password])
    }
}

/// keytool (Java 17) and openssl, run in a temporary folder of their own.
final class StoreTools {
    static let keytoolPath = ExternalProgram.which("keytool")
    static let opensslPath = ExternalProgram.which("openssl")
    static let available = keytoolPath != nil && opensslPath != nil
    static let missing: Comment = "keytool (Java 17) or openssl is not installed: the store tests make their stores with them"

    let directory: Scratch

    init() throws { directory = try Scratch() }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) throws -> String {
        let result = try ExternalProgram.run(executable, arguments, currentDirectory: directory)
        let text = result.stdout + result.stderr
        guard result.status == 0 else {
            throw Failure(description: "\(executable) \(arguments.joined(separator: " ")): \(text)")
        }
        return text
    }

    func keytool(_ arguments: [String]) throws { try StoreTools.run(StoreTools.keytoolPath!, arguments) }

    /// A self-signed EC certificate valid `days` from now; its key beside it.
    func certificate(_ name: String, cn: String, days: Int) throws -> String {
        let pem = directory.path + "/\(name).pem"
        try StoreTools.run(
            StoreTools.opensslPath!,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", directory.path + "/\(name).key", "-out", pem, "-subj", "/CN=\(cn)",
                "-days", String(days),
            ])
        return pem
    }

    /// A self-signed certificate from `start` to `end` (YYYYMMDDHHMMSSZ): OpenSSL 3.0's req and x509
    /// take only -days, so openssl ca -selfsign sets the dates.
    func certificate(_ name: String, cn: String, start: String, end: String) throws -> String {
        let ca = directory.path + "/ca-\(name)"
        try FileManager.default.createDirectory(atPath: ca, withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: ca + "/index.txt"))
        try Data("1000\n".utf8).write(to: URL(fileURLWithPath: ca + "/serial"))
        try Data(
            """
            [ca]
            default_ca = local
            [local]
            database = index.txt
            serial = serial
            new_certs_dir = .
            default_md = sha256
            policy = anything
            [anything]
            commonName = supplied

            """.utf8
        ).write(to: URL(fileURLWithPath: ca + "/ca.cnf"))
        let openssl = StoreTools.opensslPath!
        try StoreTools.run(
            openssl,
            [
                "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "key.pem", "-out", "request.pem", "-subj", "/CN=\(cn)",
            ], in: ca)
        try StoreTools.run(
            openssl,
            [
                "ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", "key.pem", "-in", "request.pem",
                "-out", "certificate.pem", "-startdate", start, "-enddate", end, "-notext",
            ], in: ca)
        return ca + "/certificate.pem"
    }

    func der(_ pem: String) throws -> [UInt8] {
        try CertificateFile.single(in: SourceFile.read(path: pem)).der
    }
}
