import Foundation
import ISConfTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// End-to-end proof against a real Tomcat 9 (DOMAIN.md §7): `isconf enable` turns an HTTPS connector
/// that never asks for a client certificate into one that asks but lets clients without one in,
/// and the oracle (openssl s_client) tells that apart from `clientAuth="true"`, which locks them out.
@Suite(
    "Tomcat proof", .serialized,
    .enabled(
        if: TomcatProof.missing.isEmpty,
        "needs Debian's libtomcat9-java (/usr/share/java/tomcat9-*.jar) and java, keytool, openssl, timeout on PATH: run make setup"))
struct TomcatProofTests {
    @Test func enableTurnsClientAuthFalseIntoWantOnARealTomcat9() throws {
        let scratch = try Scratch()
        let proof = try TomcatProof(in: scratch)
        let serverXML = proof.base + "/conf/server.xml"
        let original = try Data(contentsOf: URL(fileURLWithPath: serverXML))

        // 1. As shipped: no CertificateRequest, and the request is answered.
        try proof.withTomcat {
            let plain = try proof.handshake()
            #expect(!plain.certificateRequested, "clientAuth=\"false\" must not ask for a certificate\n\(plain.output)")
            #expect(plain.httpReply != nil, "no HTTP reply with clientAuth=\"false\"\n\(plain.output)")
        }

        // 2. isconf, with Tomcat stopped.
        let check = try CLI.run(["enable", "--check", "--tomcat", "9", serverXML])
        #expect(check.status == 1, "--check must report work: \(check.stdout)\(check.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: serverXML)) == original, "--check must not write")

        let enable = try CLI.run(["enable", "--tomcat", "9", "--no-backup", serverXML])
        #expect(enable.status == 0, "\(enable.stdout)\(enable.stderr)")
        let enabled = try Data(contentsOf: URL(fileURLWithPath: serverXML))
        let before = String(decoding: original, as: UTF8.self)
        let after = String(decoding: enabled, as: UTF8.self)
        let changed = zip(
            before.split(separator: "\n", omittingEmptySubsequences: false),
            after.split(separator: "\n", omittingEmptySubsequences: false)
        ).filter { $0 != $1 }
        #expect(
            before.split(separator: "\n", omittingEmptySubsequences: false).count
                == after.split(separator: "\n", omittingEmptySubsequences: false).count)
        #expect(changed.count == 1, "exactly one line must change: \(changed)")
        let indent = String(repeating: " ", count: 19)
        #expect(
            changed.first?.0 == indent + #"clientAuth="false""# && changed.first?.1 == indent + #"clientAuth="want""#,
            "the change must be clientAuth=\"false\" → clientAuth=\"want\": \(changed)")
        #expect(
            enabled == Data(before.replacingOccurrences(of: #"clientAuth="false""#, with: #"clientAuth="want""#).utf8),
            "only the attribute's value bytes may change")
        #expect(!FileManager.default.fileExists(atPath: proof.base + "/conf/.isconf-backup"), "--no-backup")

        let again = try CLI.run(["enable", "--tomcat", "9", "--no-backup", serverXML])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: serverXML)) == enabled, "a second run must not touch the file")
        #expect(try CLI.run(["enable", "--check", "--tomcat", "9", serverXML]).status == 0)

        // 3. want: asked, but let in without a certificate; in with the trusted one; out with a stranger's.
        try proof.withTomcat {
            let plain = try proof.handshake()
            #expect(plain.certificateRequested, "clientAuth=\"want\" must ask for a certificate\n\(plain.output)")
            #expect(plain.httpReply != nil, "want must let a client without a certificate in\n\(plain.output)")

            let trusted = try proof.handshake(certificate: proof.client)
            #expect(trusted.certificateRequested && trusted.sentCertificate, "\(trusted.output)")
            #expect(trusted.httpReply != nil, "the trusted client certificate must be accepted\n\(trusted.output)")

            let stranger = try proof.handshake(certificate: proof.stranger)
            #expect(stranger.sentCertificate, "\(stranger.output)")
            #expect(stranger.httpReply == nil, "a certificate outside the trust store must be refused\n\(stranger.output)")
            #expect(stranger.fatalAlert != nil, "\(stranger.output)")
        }

        // 4. Control: the oracle tells want from required. clientAuth="true" locks out the client without a cert.
        try Data(after.replacingOccurrences(of: #"clientAuth="want""#, with: #"clientAuth="true""#).utf8)
            .write(to: URL(fileURLWithPath: serverXML))
        try proof.withTomcat {
            let plain = try proof.handshake()
            #expect(plain.certificateRequested, "\(plain.output)")
            #expect(plain.httpReply == nil, "clientAuth=\"true\" must not answer a client without a certificate\n\(plain.output)")
            #expect(plain.fatalAlert != nil, "expected a fatal alert\n\(plain.output)")
            #expect(plain.status != 0)

            let trusted = try proof.handshake(certificate: proof.client)
            #expect(trusted.httpReply != nil, "the trusted client certificate must be accepted\n\(trusted.output)")
        }
    }
}

/// A scratch IS_HOME with generated stores, a CATALINA_BASE for Debian's Tomcat 9, and the means to
/// run both sides of a handshake against it.
final class TomcatProof {
    /// Debian's libtomcat9-java puts jars in /usr/share/java and nothing in /usr/share/tomcat9 (that
    /// layout comes with the `tomcat9` service package). These are the jars a bare HTTPS server with
    /// the default servlet needs; without the i18n jars Tomcat logs in English whatever the locale,
    /// and without Jasper and WebSocket it starts in under a second.
    static let jars = [
        "catalina", "coyote", "util", "util-scan", "juli", "api", "servlet-api", "jni",
        "annotations-api", "jaspic-api", "el-api",
    ].map { "/usr/share/java/tomcat9-\($0).jar" }
    static let java = ExternalProgram.which("java"), keytool = ExternalProgram.which("keytool"), openssl = ExternalProgram.which("openssl"),
        timeout = ExternalProgram.which("timeout")

    /// What is missing to run the proof, if anything.
    static let missing: [String] = {
        var missing = jars.filter { !FileManager.default.fileExists(atPath: $0) }
        for (name, path) in [("java", java), ("keytool", keytool), ("openssl", openssl), ("timeout", timeout)] where path == nil {
            missing.append(name)
        }
        return missing
    }()

    static let fixtures = CLI.packageRoot.appendingPathComponent("Tests/Fixtures/tomcat")
    static let storePassword = "wso2carbon"
    /// Bounds every wait on Tomcat.
    static let startTimeout: TimeInterval = 60, stopTimeout: TimeInterval = 20

    let carbonHome: String
    let base: String
    let port: Int
    let client: (certificate: String, key: String)
    let stranger: (certificate: String, key: String)
    private var process: Process?

    init(in scratch: Scratch) throws {
        carbonHome = scratch.path + "/is-home"
        base = scratch.path + "/catalina-base"
        let security = carbonHome + "/repository/resources/security"
        for folder in [
            security, base + "/conf", base + "/lib", base + "/logs", base + "/temp", base + "/work",
            base + "/webapps/ROOT",
        ] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }

        // The server's key pair; EC, as RSA key generation in keytool takes seconds on a busy machine.
        try Self.must(
            Self.keytool!,
            [
                "-genkeypair", "-alias", "wso2carbon", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-dname", "CN=localhost", "-storetype", "JKS",
                "-keystore", security + "/wso2carbon.jks", "-storepass", Self.storePassword,
                "-keypass", Self.storePassword, "-noprompt",
            ])
        // A client the trust store knows, and a stranger it does not.
        func clientPair(_ name: String) throws -> (certificate: String, key: String) {
            let pair = (certificate: scratch.path + "/\(name).pem", key: scratch.path + "/\(name).key")
            try Self.must(
                Self.openssl!,
                [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", pair.key, "-out", pair.certificate, "-days", "2",
                    "-subj", "/CN=isconf-proof-\(name)",
                ])
            return pair
        }
        client = try clientPair("client")
        stranger = try clientPair("stranger")
        try Self.must(
            Self.keytool!,
            [
                "-importcert", "-alias", "isconf-proof-client", "-file", client.certificate,
                "-storetype", "JKS", "-keystore", security + "/client-truststore.jks",
                "-storepass", Self.storePassword, "-noprompt",
            ])

        port = try Self.freePort()
        let template = try String(contentsOf: Self.fixtures.appendingPathComponent("server.xml"), encoding: .utf8)
        try template.replacingOccurrences(of: "@PORT@", with: String(port))
            .write(toFile: base + "/conf/server.xml", atomically: false, encoding: .utf8)
        try FileManager.default.copyItem(
            atPath: Self.fixtures.appendingPathComponent("web.xml").path,
            toPath: base + "/conf/web.xml")
        try FileManager.default.copyItem(
            atPath: Self.fixtures.appendingPathComponent("index.html").path,
            toPath: base + "/webapps/ROOT/index.html")
    }

    deinit { stop() }

    var logPath: String { base + "/logs/catalina.out" }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Starts Tomcat, runs `body`, and stops Tomcat by its PID whatever happens.
    func withTomcat(_ body: () throws -> Void) throws {
        try start()
        defer { stop() }
        try body()
        let severe = log.split(separator: "\n").filter { $0.hasPrefix("SEVERE") }
        #expect(severe.isEmpty, "Tomcat logged errors:\n\(log)")
    }

    /// Starts Tomcat and waits, at most `startTimeout`, for its "Server startup in" line.
    func start() throws {
        precondition(process == nil, "Tomcat is already running")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        defer { try? output.close() }
        let tomcat = Process()
        tomcat.executableURL = URL(fileURLWithPath: Self.java!)
        tomcat.arguments = [
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-Djava.awt.headless=true",
            "-Dcatalina.home=\(base)", "-Dcatalina.base=\(base)", "-Djava.io.tmpdir=\(base)/temp",
            "-Dcarbon.home=\(carbonHome)", "-cp", Self.jars.joined(separator: ":"),
            "org.apache.catalina.startup.Bootstrap", "start",
        ]
        tomcat.standardInput = FileHandle.nullDevice
        tomcat.standardOutput = output
        tomcat.standardError = output
        try tomcat.run()
        process = tomcat
        let deadline = Date().addingTimeInterval(Self.startTimeout)
        while !log.contains("Server startup in") {
            guard tomcat.isRunning else {
                process = nil
                tomcat.waitUntilExit()
                throw ProofError("Tomcat exited (status \(tomcat.terminationStatus)) before starting up:\n\(log)")
            }
            guard Date() < deadline else {
                stop()
                throw ProofError("Tomcat did not start within \(Int(Self.startTimeout)) s:\n\(log)")
            }
            usleep(50_000)
        }
    }

    /// SIGTERM to Tomcat's own PID (its shutdown hook stops it cleanly), SIGKILL if it is still
    /// running after `stopTimeout`.
    func stop() {
        guard let tomcat = process else { return }
        process = nil
        if tomcat.isRunning {
            kill(tomcat.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(Self.stopTimeout)
            while tomcat.isRunning && Date() < deadline { usleep(50_000) }
            if tomcat.isRunning { kill(tomcat.processIdentifier, SIGKILL) }
        }
        tomcat.waitUntilExit()
    }

    /// What `openssl s_client -msg` saw of one HTTPS request.
    struct Handshake: CustomStringConvertible {
        /// The output without -msg's hex dumps.
        var output: String
        var status: Int32
        var description: String {
            "CertificateRequest: \(certificateRequested), client certificate sent: \(sentCertificate), "
                + "HTTP: \(httpReply.map { "\"\($0)\"" } ?? "none"), fatal alert: \(fatalAlert.map { "\"\($0)\"" } ?? "none"), "
                + "exit status \(status)"
        }
        /// (HTTP's CRLF is one Character in Swift: "\n" alone would not split it.)
        var lines: [Substring] { output.split(whereSeparator: \.isNewline) }
        /// `<<< TLS 1.3, Handshake [length 007a], CertificateRequest`. (The CA-names text lies.)
        var certificateRequested: Bool { lines.contains { $0.hasPrefix("<<< ") && $0.hasSuffix(", CertificateRequest") } }
        /// `>>> TLS 1.3, Handshake [length 018c], Certificate`: the client sent one.
        var sentCertificate: Bool { lines.contains { $0.hasPrefix(">>> ") && $0.hasSuffix(", Certificate") } }
        /// `HTTP/1.1 200 `.
        var httpReply: Substring? { lines.first { $0.hasPrefix("HTTP/1.1 ") } }
        /// `<<< TLS 1.3, Alert [length 0002], fatal bad_certificate`.
        var fatalAlert: Substring? { lines.first { $0.hasPrefix("<<< ") && $0.contains(", Alert ") && $0.contains(" fatal ") } }
    }

    /// One `HEAD /` over TLS, with or without a client certificate. Under TLS 1.3 a server that
    /// requires a certificate sends its alert only when the client reads, so the request is sent.
    func handshake(certificate: (certificate: String, key: String)? = nil) throws -> Handshake {
        var arguments = [
            "-c", #"printf 'HEAD / HTTP/1.0\r\n\r\n' | "$0" 30 "$@""#, Self.timeout!,
            Self.openssl!, "s_client", "-connect", "127.0.0.1:\(port)", "-msg", "-ign_eof",
        ]
        if let certificate { arguments += ["-cert", certificate.certificate, "-key", certificate.key] }
        let result = try CLI.run(arguments, executable: "/bin/sh")
        #expect(result.status != 124, "s_client timed out")
        let output = (result.stdout + result.stderr).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .filter { !$0.hasPrefix("    ") }.joined(separator: "\n")
        return Handshake(output: output, status: result.status)
    }

    struct ProofError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @discardableResult
    static func must(_ executable: String, _ arguments: [String]) throws -> CLI.Result {
        let result = try CLI.run(arguments, executable: executable)
        guard result.status == 0 else {
            throw ProofError("\(executable) \(arguments.first ?? "") failed (\(result.status)):\n\(result.stdout)\(result.stderr)")
        }
        return result
    }

    /// A port nothing listens on now: bind port 0 on 127.0.0.1 and ask which one the kernel gave.
    static func freePort() throws -> Int {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ProofError("socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw ProofError("bind/getsockname: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
