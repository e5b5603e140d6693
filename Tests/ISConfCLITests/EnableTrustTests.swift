import Foundation
import ISConfCore
import ISConfDomain
import ISConfTestSupport
import ISConfTrustStore
import Testing

/// `isconf enable --trust-client-cert` end to end: stores of the sample IS_HOME or made by keytool,
/// certificates by openssl, results read back with keytool.
@Suite(.enabled(if: Keytool.available, Keytool.missing))
struct EnableTrustTests {
    static let catalina = "repository/conf/tomcat/catalina-server.xml"
    static let authenticators = "repository/conf/security/authenticators.xml"
    static let trustStore = "repository/resources/security/client-truststore.jks"
    /// The sample IS_HOME's passwords (catalina-server.xml holds them).
    static let samplePassword = "sample-truststore-secret"
    static let sampleKeystorePassword = "sample-keystore-secret"
    /// SHA-1 of the client CA in the sample's trust store.
    static let sampleCA = "b24ad8d622560703801b8ba5c1a52482bbb0ae83"

    /// Every file below `home` and its bytes.
    func snapshot(_ home: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for case let relative as String in FileManager.default.enumerator(atPath: home)?.allObjects ?? [] {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: home + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = try Data(contentsOf: URL(fileURLWithPath: home + "/" + relative))
            }
        }
        return files
    }

    func thumbprints(_ pem: String) throws -> Thumbprints {
        try CertificateFile.single(in: try SourceFile.read(path: pem)).thumbprints
    }

    /// keytool's view of the store: alias → SHA-256 thumbprints.
    func listing(_ home: String, password: String = samplePassword, store: String = trustStore) throws -> [String: [String]] {
        let result = try CLI.run(["-list", "-v", "-keystore", home + "/" + store, "-storepass", password], executable: Keytool.path!)
        #expect(result.status == 0, "keytool -list: \(result.stdout)")
        var entries: [String: [String]] = [:]
        var alias: String?
        for line in result.stdout.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("Alias name: ") {
                alias = String(text.dropFirst(12))
                entries[alias!] = []
            }
            if let alias, text.hasPrefix("SHA256: ") {
                entries[alias]!.append(text.dropFirst(8).replacingOccurrences(of: ":", with: "").lowercased())
            }
        }
        return entries
    }

    func text(_ home: String, _ relative: String) throws -> String {
        try String(contentsOfFile: home + "/" + relative, encoding: .utf8)
    }

    func expectNoSecret(_ result: CLI.Result, _ secrets: [String] = [samplePassword, sampleKeystorePassword]) {
        for secret in secrets { #expect(!(result.stdout + result.stderr).contains(secret), "a password in the output") }
    }

    @Test func importsIntoTheConnectorsTrustStoreOnceWithABackup() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let certificate = try Keytool.certificate(scratch, "Partner App")
        let prints = try thumbprints(certificate)
        let original = try snapshot(home)

        let first = try CLI.run(["enable", "--trust-client-cert", certificate, home])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("\(home)/\(Self.trustStore): add trusted certificate 'partner app' (sha256 \(prints.sha256))\n"))
        #expect(first.stdout.contains("mutual SSL enabled: 3 files changed"))
        expectNoSecret(first)
        let listed = try listing(home)
        #expect(listed["partner app"] == [prints.sha256])
        #expect(listed["sample-client-ca"] != nil, "the other entries are kept")

        // One backup run, with the XML files and the store as they were.
        let runs = try FileManager.default.contentsOfDirectory(atPath: home + "/backup/isconf")
        #expect(runs.count == 1)
        for relative in [Self.catalina, Self.authenticators, Self.trustStore] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(home)/backup/isconf/\(runs[0])/\(relative)")) == original[relative])
        }

        let afterFirst = try snapshot(home)
        let second = try CLI.run(["enable", "--trust-client-cert", certificate, home])
        #expect(second.status == 0)
        #expect(second.stdout.contains("\(Self.trustStore): already compliant"))
        #expect(second.stdout.hasSuffix("already compliant: nothing to change\n"))
        #expect(try snapshot(home) == afterFirst, "a second run writes nothing, no backup either")
        #expect(try CLI.run(["enable", "--check", "--trust-client-cert", certificate, home]).status == 0)
    }

    @Test func checkAndDiffReportTheStoreAsALineAndWriteNothing() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let certificate = try Keytool.certificate(scratch, "client")
        let before = try snapshot(home)
        let check = try CLI.run(["enable", "--check", "--diff", "--trust-client-cert", certificate, home])
        #expect(check.status == 1)
        #expect(check.stdout.contains("\(Self.trustStore): would add trusted certificate 'client' (sha256 \(try thumbprints(certificate).sha256))\n"))
        #expect(!check.stdout.contains("--- a/repository/resources"), "a binary store gets no diff")
        #expect(check.stdout.contains("3 files would change"))
        expectNoSecret(check)
        #expect(try snapshot(home) == before)
    }

    @Test func whitelistThisCertKeepsTheListedThumbprintsInTheDigestTheAuthenticatorCompares() throws {
        let scratch = try Scratch()
        let certificate = try Keytool.certificate(scratch, "client")
        let prints = try thumbprints(certificate)
        func whitelist(_ home: String) throws -> String {
            let line = try text(home, Self.authenticators).split(separator: "\n").first { $0.contains("\"WhiteList\"") } ?? ""
            return String(line.split(separator: ">").dropFirst().first?.split(separator: "<").first ?? "")
        }

        // The sample's authenticator 5.3.3 compares SHA-1.
        let home = try scratch.copySample(as: "home")
        let first = try CLI.run([
            "enable", "--trust-client-cert", certificate, "--whitelist-this-cert",
            "--whitelist", Self.sampleCA.uppercased(), home,
        ])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try whitelist(home) == "\(Self.sampleCA),\(prints.sha1)")
        #expect(try text(home, Self.authenticators).contains("<Parameter name=\"WhiteListEnabled\">true</Parameter>"))
        let lint = try CLI.run(["lint", home])
        #expect(lint.status == 0, "\(lint.stdout)")
        #expect(!lint.stdout.contains("[whitelist"), "both thumbprints are of trusted certificates, in SHA-1")
        let settled = try snapshot(home)
        #expect(try CLI.run(["enable", "--trust-client-cert", certificate, "--whitelist-this-cert", home]).status == 0)
        #expect(try snapshot(home) == settled, "idempotent, and what is listed stays")

        // Authenticator 5.6.0 compares SHA-256; the thumbprints already listed stay.
        let plugins = home + "/repository/components/plugins/"
        try FileManager.default.moveItem(
            atPath: plugins + "org.wso2.carbon.identity.authenticator.mutualssl_5.3.3.jar",
            toPath: plugins + "org.wso2.carbon.identity.authenticator.mutualssl_5.6.0.jar")
        #expect(try CLI.run(["enable", "--trust-client-cert", certificate, "--whitelist-this-cert", home]).status == 0)
        #expect(try whitelist(home) == "\(Self.sampleCA),\(prints.sha1),\(prints.sha256)")

        // Without the bundle isconf cannot tell: both thumbprints.
        let other = try scratch.copySample(as: "other")
        try FileManager.default.removeItem(atPath: other + "/repository/components/plugins/org.wso2.carbon.identity.authenticator.mutualssl_5.3.3.jar")
        #expect(try CLI.run(["enable", "--trust-client-cert", certificate, "--whitelist-this-cert", other]).status == 0)
        #expect(try whitelist(other) == "\(prints.sha1),\(prints.sha256)")
    }

    @Test func aWrongStorePasswordLeavesEveryFileByteIdentical() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let catalina = try text(home, Self.catalina).replacingOccurrences(
            of: "truststorePass=\"\(Self.samplePassword)\"",
            with: "truststorePass=\"Not-It-77\"")
        try scratch.write("home/" + Self.catalina, catalina)
        let certificate = try Keytool.certificate(scratch, "client")
        let before = try snapshot(home)
        for arguments in [["enable"], ["enable", "--check"], ["enable", "--whitelist-this-cert"]] {
            let result = try CLI.run(arguments + ["--trust-client-cert", certificate, home])
            #expect(result.status == 2)
            #expect(
                result.stderr
                    == "isconf: error: \(home)/\(Self.trustStore): store password is incorrect, or the store was tampered with (its integrity check failed)\n")
            expectNoSecret(result, ["Not-It-77", Self.samplePassword])
            #expect(try snapshot(home) == before, "\(arguments): every file as it was, no backup")
        }
    }

    @Test func anUnreadableCertificateStopsBeforeAnything() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let junk = try scratch.write("junk.pem", "not a certificate\n")
        let before = try snapshot(home)
        let missing = try CLI.run(["enable", "--trust-client-cert", scratch.path + "/none.pem", home])
        #expect(missing.status == 2)
        #expect(missing.stderr == "isconf: error: \(scratch.path)/none.pem: no such file or directory\n")
        let bad = try CLI.run(["enable", "--trust-client-cert", junk, home])
        #expect(bad.status == 2)
        #expect(bad.stderr == "isconf: error: \(junk): neither a PEM nor a DER certificate\n")
        #expect(try snapshot(home) == before)
        #expect(try CLI.run(["enable", "--whitelist-this-cert", home]).status == 64, "goes with --trust-client-cert")
    }

    @Test func theJVMTrustStoreAndThePasswordOptions() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        // A connector that names no trust store: the JVM's, whose password wso2server.sh sets.
        let catalina = try text(home, Self.catalina).split(separator: "\n").filter { !$0.contains("truststore") }.joined(separator: "\n")
        try scratch.write("home/" + Self.catalina, catalina + "\n")
        let certificate = try Keytool.certificate(scratch, "client")
        let before = try snapshot(home)
        let assumed = try CLI.run(["enable", "--trust-client-cert", certificate, home])
        #expect(assumed.status == 2, "the store does not open with WSO2's default password")
        #expect(try snapshot(home) == before)

        let passwordFile = try scratch.write("pass.txt", Self.samplePassword + "\n")
        let fromFile = try CLI.run(["enable", "--trust-client-cert", certificate, "--truststore-pass-file", passwordFile, home])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        expectNoSecret(fromFile)
        #expect(try listing(home)["client"] != nil)

        let other = try Keytool.certificate(scratch, "other")
        let fromEnvironment = try CLI.run(
            ["enable", "--trust-client-cert", other, "--truststore-pass-env", "TS_PASS", home],
            environment: ["TS_PASS": Self.samplePassword])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        #expect(try listing(home)["other"] != nil)
        #expect(try CLI.run(["enable", "--trust-client-cert", other, "--truststore-pass-env", "UNSET_VARIABLE_X", home]).status == 2)
    }

    @Test func aSecureVaultPasswordMustBeGiven() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let catalina = try text(home, Self.catalina)
            .replacingOccurrences(of: "<Server port", with: "<Server xmlns:svns=\"http://org.wso2.securevault/configuration\" port")
            .replacingOccurrences(
                of: "truststorePass=\"\(Self.samplePassword)\"",
                with: "truststorePass=\"password\" svns:secretAlias=\"Server.Service.Connector.truststorePass\"")
        try scratch.write("home/" + Self.catalina, catalina)
        let certificate = try Keytool.certificate(scratch, "client")
        let refused = try CLI.run(["enable", "--trust-client-cert", certificate, home])
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains(
                "kept in secure vault (alias Server.Service.Connector.truststorePass): give it with --truststore-pass-file or --truststore-pass-env"))
        let passwordFile = try scratch.write("pass.txt", Self.samplePassword + "\n")
        #expect(try CLI.run(["enable", "--trust-client-cert", certificate, "--truststore-pass-file", passwordFile, home]).status == 0)
        #expect(try listing(home)["client"] != nil)
    }

    @Test func aliasFromTheCommonNameMadeUnique() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let taken = try Keytool.certificate(scratch, "partner")
        try Keytool.run([
            "-importcert", "-noprompt", "-alias", "partner", "-file", taken, "-keystore", home + "/" + Self.trustStore,
            "-storepass", Self.samplePassword,
        ])
        // Another certificate whose CN is "partner" too.
        let same = scratch.path + "/same-cn.pem"
        try Keytool.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", scratch.path + "/same-cn.key", "-out", same, "-subj", "/CN=Partner", "-days", "30",
        ])
        let before = try snapshot(home)
        let chosen = try CLI.run(["enable", "--trust-client-cert", same, "--trust-client-cert-alias", "Partner", home])
        #expect(chosen.status == 2, "an alias the user chose is never silently changed")
        #expect(chosen.stderr.contains("alias \"partner\" already holds a different certificate"))
        #expect(try snapshot(home) == before)
        let derived = try CLI.run(["enable", "--trust-client-cert", same, home])
        #expect(derived.status == 0, "\(derived.stderr)")
        #expect(derived.stdout.contains("add trusted certificate 'partner-2'"))
        #expect(try listing(home)["partner-2"] == [try thumbprints(same).sha256])
    }

    @Test func jsonOutputCarriesTheTrustedCertificate() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let certificate = try Keytool.certificate(scratch, "client")
        let result = try CLI.run(["enable", "--format", "json", "--trust-client-cert", certificate, home])
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let files = try #require(document["files"] as? [[String: Any]])
        let store = try #require(files.first { ($0["path"] as? String)?.hasSuffix("client-truststore.jks") == true })
        #expect(store["changed"] as? Bool == true && store["written"] as? Bool == true)
        #expect(store["diff"] == nil)
        #expect((store["backup"] as? String)?.hasSuffix("/repository/resources/security/client-truststore.jks") == true)
        let trusted = try #require(store["trusted_certificate"] as? [String: String])
        #expect(trusted == ["alias": "client", "sha1": try thumbprints(certificate).sha1, "sha256": try thumbprints(certificate).sha256])
        expectNoSecret(result)
    }

    @Test func aPKCS12StoreOfTheTomcat9Shape() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        try scratch.write(
            "home/" + Self.catalina,
            """
            <Server port="8005" shutdown="SHUTDOWN">
              <Service name="Catalina">
                <Connector port="9443" SSLEnabled="true" scheme="https">
                  <SSLHostConfig certificateVerification="false"
                                 truststoreFile="${carbon.home}/repository/resources/security/client-truststore.p12"
                                 truststorePassword="\(Keytool.password)" truststoreType="PKCS12">
                    <Certificate certificateKeystoreFile="${carbon.home}/repository/resources/security/wso2carbon.jks"
                                 certificateKeystorePassword="\(Self.sampleKeystorePassword)"/>
                  </SSLHostConfig>
                </Connector>
              </Service>
            </Server>

            """)
        let store = try Keytool.store(scratch, "home/repository/resources/security/client-truststore.p12", type: "pkcs12")
        let certificate = try Keytool.certificate(scratch, "client")
        let result = try CLI.run(["enable", "--tomcat", "9", "--trust-client-cert", certificate, home])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("set certificateVerification=\"want\""))
        #expect(result.stdout.contains("client-truststore.p12: add trusted certificate 'client'"))
        let listed = try Keytool.list(store)
        #expect(listed["client"]?.type == "trustedCertEntry")
        #expect(listed["client"]?.sha256 == [try thumbprints(certificate).sha256])
        #expect(listed["existing"] != nil && listed["wso2carbon"] != nil)
    }

    /// IS 5.9+: the whitelist goes into deployment.toml and the certificate into the store the
    /// rendered connector names, in one run; the second run changes nothing.
    @Test func anIS59HomeGetsTheTOMLAndTheStoreInOneRun() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        try scratch.write(
            "home/repository/conf/deployment.toml",
            """
            [server]
            hostname = "localhost"

            [admin_console.authenticator.mutual_ssl_authenticator]
            enable = false

            """)
        try scratch.write(
            "home/" + Self.catalina,
            """
            <Server port="8005" shutdown="SHUTDOWN">
              <Service name="Catalina">
                <Connector port="9443" SSLEnabled="true" scheme="https">
                  <SSLHostConfig certificateVerification="want"
                                 truststoreFile="${carbon.home}/repository/resources/security/client-truststore.p12"
                                 truststorePassword="\(Keytool.password)" truststoreType="PKCS12">
                    <Certificate certificateKeystoreFile="${carbon.home}/repository/resources/security/wso2carbon.jks"
                                 certificateKeystorePassword="\(Self.sampleKeystorePassword)"/>
                  </SSLHostConfig>
                </Connector>
              </Service>
            </Server>

            """)
        let catalinaBefore = try text(home, Self.catalina)
        let store = try Keytool.store(scratch, "home/repository/resources/security/client-truststore.p12", type: "pkcs12")
        let certificate = try Keytool.certificate(scratch, "client")
        // The sample's plugins name a 4.4 kernel: --tomcat 9 makes the connector read as IS 5.9+ renders it.
        let result = try CLI.run(["enable", "--tomcat", "9", "--trust-client-cert", certificate, "--whitelist-this-cert", home])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("client-truststore.p12: add trusted certificate 'client'"))
        let toml = try text(home, "repository/conf/deployment.toml")
        #expect(toml.contains("enable = true"))
        #expect(toml.contains("WhiteListEnabled = true"))
        // The sample's mutual SSL bundle predates EnableSHA256, so it compares SHA-1 thumbprints.
        #expect(toml.contains("WhiteList = \"\(try thumbprints(certificate).sha1)\""), "\(toml)")
        #expect(try text(home, Self.catalina) == catalinaBefore, "the rendered XML is left to the server")
        #expect(try Keytool.list(store)["client"]?.type == "trustedCertEntry")
        let again = try CLI.run(["enable", "--tomcat", "9", "--trust-client-cert", certificate, "--whitelist-this-cert", home])
        #expect(again.status == 0 && again.stdout.contains("already compliant: nothing to change"), "\(again.stdout)")
    }
}
