import Foundation
import ISConfTestSupport
import Testing

/// `isconf enable` on IS 5.9+ homes edits deployment.toml: WSO2's own files and small ones of our own
/// written the ways people write them, each result read back by Python's tomllib, compared line by
/// line with the original, enabled a second time (no change) and linted.
@Suite(.enabled(if: PythonTOML.available, PythonTOML.skipReason))
struct EnableTomlCommandTests {
    static let sample = CLI.packageRoot.appendingPathComponent("conf-samples/is-home-7.3").path
    static let toml = "repository/conf/deployment.toml"
    static let authenticator = ["admin_console", "authenticator", "mutual_ssl_authenticator"]
    static let config = authenticator + ["config"]
    static let verification = ["transport", "https", "sslHostConfig", "properties", "certificateVerification"]
    static let thumbprint = "3b8d7f0a9c1e2d4f5a6b7c8d9e0f1a2b3c4d5e6f"

    /// Which defaults apply: the plugins folder tells the kernel and whether the authenticator is there.
    enum Product {
        case identityServer73, identityServer59, kernelOnly
    }

    /// The head every IS 5.9+ deployment.toml has, then `body`.
    static func deploymentToml(_ body: String) -> String {
        """
        [server]
        hostname = "localhost"
        node_ip = "127.0.0.1"

        [super_admin]
        username = "admin"
        password = "admin"
        create_admin_account = true

        \(body)

        """
    }

    /// A copy of conf-samples/is-home-7.3 holding `toml` as its deployment.toml.
    static func home(_ toml: [UInt8], product: Product = .identityServer73, in scratch: Scratch) throws -> String {
        let home = scratch.path + "/home"
        try FileManager.default.copyItem(atPath: sample, toPath: home)
        try scratch.write("home/" + Self.toml, toml)
        let plugins = home + "/repository/components/plugins/"
        switch product {
        case .identityServer73:
            break
        case .identityServer59:
            try FileManager.default.moveItem(atPath: plugins + "org.wso2.carbon.core_4.12.34.jar", toPath: plugins + "org.wso2.carbon.core_4.5.1.jar")
        case .kernelOnly:
            try FileManager.default.removeItem(atPath: plugins + "org.wso2.carbon.identity.authenticator.mutualssl_5.6.0.jar")
        }
        return home
    }

    static func json(_ result: CLI.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\(result.stderr)")
    }

    static func bytes(_ path: String) -> [UInt8] { (try? Array(Data(contentsOf: URL(fileURLWithPath: path)))) ?? [] }

    /// The home `enable` ran on, kept while this lives, and deployment.toml's entry in its JSON output.
    struct Enabled {
        let scratch: Scratch
        let file: [String: Any]
    }

    /// Runs `isconf enable` on a home holding `toml` and checks the result every way.
    @discardableResult
    func enable(
        _ toml: [UInt8], product: Product = .identityServer73, _ arguments: [String] = [],
        expect changes: [PythonTOML.Expected], removed: [String] = [], added: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Enabled {
        let scratch = try Scratch()
        let home = try Self.home(toml, product: product, in: scratch)
        let path = home + "/" + Self.toml
        let xml = [home + "/repository/conf/tomcat/catalina-server.xml", home + "/repository/conf/security/authenticators.xml"]
        let xmlBefore = xml.map(Self.bytes)

        #expect(try CLI.run(["enable", "--check"] + arguments + [home]).status == (changes.isEmpty ? 0 : 1), sourceLocation: sourceLocation)
        let result = try CLI.run(["enable", "--format", "json"] + arguments + [home])
        #expect(result.status == 0, "\(result.stdout)", sourceLocation: sourceLocation)
        let files = try #require(try Self.json(result)["files"] as? [[String: Any]], sourceLocation: sourceLocation)
        #expect(files.map { $0["path"] as? String } == [path], "only deployment.toml is planned", sourceLocation: sourceLocation)
        let after = Self.bytes(path)

        let comparison = try PythonTOML.compare(before: toml, after: after, changes)
        #expect(comparison.mismatch == nil, sourceLocation: sourceLocation)
        #expect(comparison.removed == removed, sourceLocation: sourceLocation)
        #expect(comparison.added == added, sourceLocation: sourceLocation)
        #expect(xml.map(Self.bytes) == xmlBefore, "the XML is left to the next start", sourceLocation: sourceLocation)

        let again = try CLI.run(["enable", "--format", "json"] + arguments + [home])
        #expect(try Self.json(again)["changed"] as? Bool == false, "a second run changes nothing", sourceLocation: sourceLocation)
        #expect(Self.bytes(path) == after, sourceLocation: sourceLocation)
        #expect(try CLI.run(["enable", "--check"] + arguments + [home]).status == 0, sourceLocation: sourceLocation)
        let findings = try #require(try Self.json(try CLI.run(["lint", "--format", "json", home]))["findings"] as? [[String: Any]])
        let errors = findings.filter { $0["severity"] as? String == "error" }
        #expect(errors.isEmpty, "\(errors)", sourceLocation: sourceLocation)
        return Enabled(scratch: scratch, file: files[0])
    }

    @discardableResult
    func enable(
        _ toml: String, product: Product = .identityServer73, _ arguments: [String] = [],
        expect changes: [PythonTOML.Expected], removed: [String] = [], added: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Enabled {
        try enable(
            Array(toml.utf8), product: product, arguments, expect: changes, removed: removed, added: added,
            sourceLocation: sourceLocation)
    }

    // MARK: WSO2's own deployment.toml

    @Test(
        .enabled(if: Corpus.available, Corpus.skipReason),
        arguments: [("5.9.0", Product.identityServer59), ("7.3.0", Product.identityServer73)])
    func stockDeploymentTomlGetsOnlyTheAuthenticator(version: String, product: Product) throws {
        let toml = Self.bytes(Corpus.path("deployment.toml@product-is-v" + version))
        try #require(!toml.isEmpty)
        let enabled = try enable(
            toml, product: product, expect: [.set(Self.authenticator + ["enable"], true)],
            added: ["", "[admin_console.authenticator.mutual_ssl_authenticator]", "enable = true"])
        let file = enabled.file
        #expect(file["changes"] as? [String] == ["add [admin_console.authenticator.mutual_ssl_authenticator] enable = true"])
        #expect(file["rules_fixed"] as? [String] == ["toml-mutual-ssl-authenticator"])
        let backup = try #require(file["backup"] as? String)
        #expect(backup.hasSuffix("/repository/conf/deployment.toml") && backup.contains("/backup/isconf/"))
        #expect(Self.bytes(backup) == toml, "the backup holds the original")
    }

    @Test(.enabled(if: Corpus.available, Corpus.skipReason))
    func stockIS73WithAWhitelist() throws {
        let toml = Self.bytes(Corpus.path("deployment.toml@product-is-v7.3.0"))
        try enable(
            toml, ["--whitelist", "3B:8D:7F:0A:9C:1E:2D:4F:5A:6B:7C:8D:9E:0F:1A:2B:3C:4D:5E:6F", "--username-header", "X-User"],
            expect: [
                .set(Self.authenticator + ["enable"], true), .set(Self.config + ["UsernameHeader"], "X-User"),
                .set(Self.config + ["WhiteListEnabled"], true), .set(Self.config + ["WhiteList"], Self.thumbprint),
            ],
            added: [
                "", "[admin_console.authenticator.mutual_ssl_authenticator]", "enable = true", "",
                "[admin_console.authenticator.mutual_ssl_authenticator.config]", "UsernameHeader = \"X-User\"",
                "WhiteListEnabled = true", "WhiteList = \"\(Self.thumbprint)\"",
            ])
    }

    // MARK: Our own samples

    @Test func theKeysAlreadyRightChangeNothing() throws {
        let file = try enable(
            Self.deploymentToml(
                """
                [transport.https.sslHostConfig.properties]
                certificateVerification = "want"

                [admin_console.authenticator.mutual_ssl_authenticator]
                enable = true

                [admin_console.authenticator.mutual_ssl_authenticator.config]
                WhiteListEnabled = true
                WhiteList = "\(Self.thumbprint)"
                """), ["--whitelist", Self.thumbprint], expect: [], added: []
        ).file
        #expect(file["changed"] as? Bool == false && file["backup"] == nil)
    }

    @Test func aKernelOnlyProductAlsoGetsCertificateVerification() throws {
        let file = try enable(
            Self.deploymentToml(""), product: .kernelOnly,
            expect: [.set(Self.verification, "want"), .set(Self.authenticator + ["enable"], true)],
            added: [
                "[transport.https.sslHostConfig.properties]", "certificateVerification = \"want\"", "",
                "[admin_console.authenticator.mutual_ssl_authenticator]", "enable = true",
            ]
        ).file
        #expect(file["rules_fixed"] as? [String] == ["toml-certificate-verification", "toml-mutual-ssl-authenticator"])
    }

    @Test func aStringTrueBecomesTheBoolean() throws {
        let file = try enable(
            Self.deploymentToml(
                """
                [admin_console.authenticator.mutual_ssl_authenticator]
                enable = "true"
                priority = "5"

                [admin_console.authenticator.mutual_ssl_authenticator.config]
                WhiteListEnabled = "true"
                """), ["--whitelist", Self.thumbprint],
            expect: [
                .set(Self.authenticator + ["enable"], true), .set(Self.config + ["WhiteListEnabled"], true),
                .set(Self.config + ["WhiteList"], Self.thumbprint),
            ],
            removed: ["enable = \"true\"", "WhiteListEnabled = \"true\""],
            added: ["enable = true", "WhiteListEnabled = true", "WhiteList = \"\(Self.thumbprint)\""]
        ).file
        #expect((file["changes"] as? [String])?.first == "set [admin_console.authenticator.mutual_ssl_authenticator] enable = true (was \"true\")")
        #expect(
            file["rules_fixed"] as? [String] == ["toml-enable-boolean", "toml-whitelist"],
            "while the authenticator is off the whitelist rule warns \"once enabled, … no WhiteList\"; --whitelist fixes it")
    }

    @Test func theShorthandsTheFileUsesAreTheOnesSet() throws {
        let second = String(repeating: "ab", count: 32)
        try enable(
            Self.deploymentToml(
                """
                [transport.https.properties]
                certificate_verification = "false"

                [admin_console.authenticator.mutual_ssl_authenticator]
                enable = true
                white_list_enabled = false
                """), ["--whitelist", Self.thumbprint + "," + second, "--username-header", "X-User"],
            expect: [
                .set(["transport", "https", "properties", "certificate_verification"], "want"),
                .set(Self.authenticator + ["white_list_enabled"], true),
                .set(Self.authenticator + ["username_header"], "X-User"),
                .set(Self.authenticator + ["white_list"], Self.thumbprint + "," + second),
            ],
            removed: ["certificate_verification = \"false\"", "white_list_enabled = false"],
            added: [
                "certificate_verification = \"want\"", "white_list_enabled = true", "username_header = \"X-User\"",
                "white_list = \"\(Self.thumbprint),\(second)\"",
            ])
    }

    @Test func dottedKeysAreEditedAndJoinedInPlace() throws {
        try enable(
            Self.deploymentToml(
                """
                [transport]
                https.sslHostConfig.properties.certificateVerification = "need"

                [admin_console]
                authenticator.mutual_ssl_authenticator.priority = "5"
                """), product: .kernelOnly,
            expect: [.set(Self.verification, "want"), .set(Self.authenticator + ["enable"], true)],
            removed: ["https.sslHostConfig.properties.certificateVerification = \"need\""],
            added: [
                "https.sslHostConfig.properties.certificateVerification = \"want\"",
                "authenticator.mutual_ssl_authenticator.enable = true",
            ])
    }

    @Test func inlineTablesKeepTheirShape() throws {
        try enable(
            Self.deploymentToml(
                """
                [transport.https]
                sslHostConfig.properties = { certificateVerification = "false" }

                [admin_console.authenticator]
                mutual_ssl_authenticator = { priority = "5" }
                """),
            expect: [.set(Self.verification, "want"), .set(Self.authenticator + ["enable"], true)],
            removed: ["sslHostConfig.properties = { certificateVerification = \"false\" }", "mutual_ssl_authenticator = { priority = \"5\" }"],
            added: [
                "sslHostConfig.properties = { certificateVerification = \"want\" }",
                "mutual_ssl_authenticator = { priority = \"5\", enable = true }",
            ])
    }

    @Test func commentsBesideTheKeysStay() throws {
        try enable(
            Self.deploymentToml(
                """
                # Mutual SSL: on from the next release.
                [admin_console.authenticator.mutual_ssl_authenticator] # the admin console's
                enable = false   # off for now
                # priority = 5
                """),
            expect: [.set(Self.authenticator + ["enable"], true)],
            removed: ["enable = false   # off for now"], added: ["enable = true   # off for now"])
    }

    @Test func crlfLineEndingsAreKept() throws {
        let toml = Self.deploymentToml(
            """
            [transport.https.properties]
            clientAuth = "want"
            proxyPort = 443
            """
        ).replacingOccurrences(of: "\n", with: "\r\n")
        try enable(
            toml, expect: [.remove(["transport", "https", "properties", "clientAuth"]), .set(Self.authenticator + ["enable"], true)],
            removed: ["clientAuth = \"want\"\r"],
            added: ["\r", "[admin_console.authenticator.mutual_ssl_authenticator]\r", "enable = true\r"])
    }

    @Test func clientAuthBesideTheSSLHostConfigIsRemoved() throws {
        let file = try enable(
            Self.deploymentToml(
                """
                [transport.https.properties]
                proxyPort = 443
                clientAuth = "want"

                [admin_console.authenticator.mutual_ssl_authenticator]
                enable = true
                """),
            expect: [.remove(["transport", "https", "properties", "clientAuth"])], removed: ["clientAuth = \"want\""], added: []
        ).file
        #expect(
            file["changes"] as? [String] == [
                "remove [transport.https.properties] clientAuth = \"want\", which conflicts with the SSLHostConfig's certificateVerification"
            ])
        #expect(file["rules_fixed"] as? [String] == ["toml-client-auth"])
    }
}
