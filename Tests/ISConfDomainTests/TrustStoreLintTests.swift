import Foundation
import ISConfCore
import ISConfTestSupport
import ISConfTrustStore
import ISConfXML
import Testing

@testable import ISConfDomain

/// The store rules on IS_HOMEs whose stores the real keytool and openssl make at test time.
@Suite(.enabled(if: StoreTools.available, StoreTools.missing))
struct TrustStoreLintTests {
    static let keystorePass = "ks-Secret-1"
    static let truststorePass = "ts-Secret-1"

    /// A legacy connector, one attribute per line: keystoreFile on line 7, keystorePass 8, truststoreFile 9, truststorePass 10.
    static func legacyCatalina(
        keystorePass: String = keystorePass, truststore: String? = "client-truststore.jks",
        truststorePass: String = truststorePass, extra: String = ""
    ) -> String {
        let trust =
            truststore.map {
                "\n               truststoreFile=\"${carbon.home}/repository/resources/security/\($0)\"\n               truststorePass=\"\(truststorePass)\""
            } ?? ""
        return """
            <?xml version='1.0' encoding='utf-8'?>
            <Server port="8005" shutdown="SHUTDOWN">
              <Service name="Catalina">
                <Connector port="9443"
                           SSLEnabled="true" scheme="https"
                           clientAuth="want"
                           keystoreFile="${carbon.home}/repository/resources/security/wso2carbon.jks"
                           keystorePass="\(keystorePass)"\(trust) \(extra)/>
              </Service>
            </Server>

            """
    }

    static func authenticators(whitelist: [String], enableSHA256: String? = nil) -> String {
        """
        <?xml version="1.0" encoding="ISO-8859-1"?>
        <Authenticators xmlns="http://wso2.org/projects/carbon/authenticators.xml">
            <Authenticator name="MutualSSLAuthenticator" disabled="false">
                <Priority>5</Priority>
                <Config>
                    <Parameter name="WhiteListEnabled">true</Parameter>
                    <Parameter name="WhiteList">\(whitelist.joined(separator: ","))</Parameter>\(enableSHA256.map { "\n                <Parameter name=\"EnableSHA256\">\($0)</Parameter>" } ?? "")
                </Config>
            </Authenticator>
        </Authenticators>

        """
    }

    /// A Tomcat 7 home with a server key (valid a year) and a trust store holding one client certificate.
    func standardHome(
        catalina: String = legacyCatalina(), authenticators: String? = nil,
        bundle: String = "5.3.3"
    ) throws -> (StoreHome, client: String) {
        let home = try StoreHome(catalina: catalina, authenticators: authenticators, bundle: bundle)
        try home.keyPair("wso2carbon.jks", password: Self.keystorePass)
        let client = try home.tools.certificate("client", cn: "partner-client", days: 365)
        try home.trust("client-truststore.jks", client, alias: "partner", password: Self.truststorePass)
        return (home, client)
    }

    @Test func aHealthyHomeHasNoStoreFindings() throws {
        let (home, _) = try standardHome()
        let report = home.lint()
        #expect(report.storeFindings.isEmpty, "\(report.storeFindings.map(\.message))")
    }

    @Test func expiredAndExpiringTrustedCertificates() throws {
        let (home, _) = try standardHome()
        let old = try home.tools.certificate("old", cn: "old-partner", start: "20190101000000Z", end: "20200101000000Z")
        let soon = try home.tools.certificate("soon", cn: "soon-partner", days: 10)
        try home.trust("client-truststore.jks", old, alias: "old", password: Self.truststorePass)
        try home.trust("client-truststore.jks", soon, alias: "soon", password: Self.truststorePass)
        let findings = home.lint().findings("certificate-expiry")
        #expect(findings.count == 2, "\(findings.map(\.message))")
        let expired = try #require(findings.first { $0.message.contains("'old'") })
        #expect(expired.severity == .error)
        #expect(expired.message.contains("expired on 2020-01-01T00:00:00Z"))
        #expect(expired.message.contains("CN=old-partner"))
        #expect(expired.position == SourcePosition(line: 9, column: 16), "at truststoreFile")
        #expect(expired.file.hasSuffix("repository/conf/tomcat/catalina-server.xml"))
        let expiring = try #require(findings.first { $0.message.contains("'soon'") })
        #expect(expiring.severity == .warning)
        #expect(expiring.message.contains("expires in 9 days") || expiring.message.contains("expires in 10 days"), "\(expiring.message)")
    }

    @Test func expiredServerCertificate() throws {
        let home = try StoreHome(catalina: Self.legacyCatalina())
        try home.keyPair("wso2carbon.jks", password: Self.keystorePass, startDate: "2020/01/01", validity: 30)
        try home.trust("client-truststore.jks", try home.tools.certificate("c", cn: "c", days: 365), alias: "c", password: Self.truststorePass)
        let finding = try #require(home.lint().findings("certificate-expiry").first)
        #expect(finding.severity == .error)
        #expect(finding.message.contains("the server certificate 'wso2carbon'"))
        #expect(finding.message.contains("clients refuse the HTTPS connection"))
        #expect(finding.position == SourcePosition(line: 7, column: 16), "at keystoreFile")
    }

    @Test func wrongPasswordIsOneErrorWithTheLibrarysMessageAndNoPassword() throws {
        let (home, _) = try standardHome(catalina: Self.legacyCatalina(truststorePass: "not-the-Password-9"))
        let report = home.lint()
        let findings = report.findings("store-access")
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.severity == .error)
        #expect(finding.message.contains("client-truststore.jks does not open with the password in truststorePass"))
        #expect(finding.message.contains("store password is incorrect"))
        #expect(finding.position == SourcePosition(line: 9, column: 16))
        #expect(
            report.findings("certificate-expiry").isEmpty && report.findings("truststore-empty").isEmpty,
            "a store that does not open is one finding")
        for finding in report.findings {
            for secret in ["not-the-Password-9", Self.keystorePass] {
                #expect(!finding.message.contains(secret) && !(finding.hint ?? "").contains(secret))
            }
        }
    }

    @Test func missingStoresAndTheJVMDefault() throws {
        let home = try StoreHome(catalina: Self.legacyCatalina(truststore: nil))
        var findings = home.lint().findings("store-access")
        #expect(findings.count == 2)
        let keyStore = try #require(findings.first { $0.message.contains("key store") })
        #expect(keyStore.severity == .error)
        #expect(keyStore.message.contains("wso2carbon.jks does not exist"))
        let trustStore = try #require(findings.first { $0.message.contains("trust store") })
        #expect(trustStore.severity == .warning, "the JVM default is an assumption about wso2server.sh")
        #expect(trustStore.message.contains("client-truststore.jks does not exist (the connector names no trust store"))
        #expect(trustStore.position == SourcePosition(line: 4, column: 5), "at the Connector")

        try home.keyPair("wso2carbon.jks", password: Self.keystorePass)
        try home.trust("client-truststore.jks", try home.tools.certificate("c", cn: "c", days: 365), alias: "c", password: "wso2carbon")
        let report = home.lint()
        findings = report.findings("store-access")
        #expect(findings.isEmpty, "\(findings.map(\.message))")
        let defaults = report.findings("default-store-password")
        #expect(defaults.count == 1)
        #expect(defaults.first?.message.contains("-Djavax.net.ssl.trustStorePassword") == true)
        #expect(defaults.first?.message.contains("wso2carbon") == false, "the password itself is never shown")
    }

    @Test func emptyTrustStore() throws {
        let home = try StoreHome(catalina: Self.legacyCatalina())
        try home.keyPair("wso2carbon.jks", password: Self.keystorePass)
        try home.emptyStore("client-truststore.jks", password: Self.truststorePass)
        let findings = home.lint().findings("truststore-empty")
        #expect(findings.count == 1)
        #expect(findings.first?.severity == .error)
        #expect(findings.first?.message.contains("holds no certificates") == true)
    }

    @Test func whitelistAgainstTheTrustStoreWithSHA1AndSHA256() throws {
        let tools = try StoreTools()
        let stray = try tools.certificate("stray", cn: "stray", days: 365)
        let strayPrints = try Thumbprints(der: tools.der(stray))

        // Authenticator 5.3.3 compares SHA-1.
        let (home, client) = try standardHome()
        let prints = try Thumbprints(der: home.tools.der(client))
        func whitelist(_ entries: [String], enableSHA256: String? = nil, bundle: String) throws -> [Finding] {
            try home.write("repository/conf/security/authenticators.xml", Self.authenticators(whitelist: entries, enableSHA256: enableSHA256))
            try home.bundle(bundle)
            return home.lint().findings("whitelist-thumbprint")
        }
        #expect(try whitelist([prints.sha1], bundle: "5.3.3").isEmpty)
        var findings = try whitelist([prints.sha256], bundle: "5.3.3")
        #expect(findings.count == 1)
        #expect(findings.first?.severity == .error)
        #expect(findings.first?.message.contains("is a SHA-256 thumbprint, but the authenticator compares SHA-1 (authenticator 5.3.3") == true)
        #expect(findings.first?.message.contains("whose SHA-1 thumbprint is \(prints.sha1)") == true)
        #expect(findings.first?.position?.line == 7, "at the WhiteList parameter")
        findings = try whitelist([prints.sha1, strayPrints.sha1], bundle: "5.3.3")
        #expect(findings.map(\.severity) == [.warning])
        #expect(findings.first?.message.contains("WhiteList entry 2") == true)
        #expect(findings.first?.message.contains("no certificate in the trust store client-truststore.jks") == true)

        // Authenticator 5.6.0: SHA-256 unless EnableSHA256=false.
        #expect(try whitelist([prints.sha256], bundle: "5.6.0").isEmpty)
        findings = try whitelist([prints.sha1], bundle: "5.6.0")
        #expect(findings.first?.message.contains("compares SHA-256 (authenticator 5.6.0 compares SHA-256 thumbprints unless EnableSHA256=false)") == true)
        #expect(try whitelist([prints.sha1], enableSHA256: "false", bundle: "5.6.0").isEmpty)
        #expect(try whitelist([prints.sha1], enableSHA256: "FALSE", bundle: "5.6.0").isEmpty)
        #expect(try whitelist([prints.sha256], enableSHA256: "TRUE", bundle: "5.6.0").isEmpty)
        // 5.3.3 ignores the parameter.
        #expect(try whitelist([prints.sha256], enableSHA256: "true", bundle: "5.3.3").count == 1)
    }

    @Test func secureVaultIsANoteAndAJKSStoreIsStillListed() throws {
        let catalina = Self.legacyCatalina(keystorePass: "password", extra: "svns:secretAlias=\"Server.Service.Connector.keystorePass\"")
            .replacingOccurrences(of: "<Server port", with: "<Server xmlns:svns=\"http://org.wso2.securevault/configuration\" port")
        let home = try StoreHome(catalina: catalina)
        try home.keyPair("wso2carbon.jks", password: Self.keystorePass, startDate: "2020/01/01", validity: 30)
        try home.trust("client-truststore.jks", try home.tools.certificate("c", cn: "c", days: 365), alias: "c", password: Self.truststorePass)
        let report = home.lint()
        let access = report.findings("store-access")
        #expect(access.map(\.severity) == [.note])
        #expect(access.first?.message.contains("secure vault (alias Server.Service.Connector.keystorePass)") == true)
        #expect(report.findings("certificate-expiry").count == 1, "a JKS store lists its certificates without the password")
        #expect(report.findings("default-store-password").isEmpty)
    }

    @Test func pkcs12StoresOfTheTomcat9Shape() throws {
        let catalina = """
            <Server port="8005" shutdown="SHUTDOWN">
              <Service name="Catalina">
                <Connector port="9443" protocol="org.apache.coyote.http11.Http11NioProtocol" SSLEnabled="true">
                  <SSLHostConfig certificateVerification="want"
                                 truststoreFile="${carbon.home}/repository/resources/security/client-truststore.p12"
                                 truststorePassword="wso2carbon" truststoreType="PKCS12">
                    <Certificate certificateKeystoreFile="${carbon.home}/repository/resources/security/wso2carbon.p12"
                                 certificateKeystorePassword="\(Self.keystorePass)" certificateKeystoreType="PKCS12"
                                 certificateKeyAlias="server"/>
                  </SSLHostConfig>
                </Connector>
              </Service>
            </Server>
            """
        let home = try StoreHome(catalina: catalina, kernel: "4.10.9", bundle: "5.5.0")
        try home.keyPair("wso2carbon.p12", alias: "other", password: Self.keystorePass, type: "PKCS12")
        try home.trust(
            "client-truststore.p12", try home.tools.certificate("c", cn: "c", days: 365), alias: "c", password: "wso2carbon",
            type: "PKCS12")
        var report = home.lint()
        #expect(
            report.findings("store-access").map(\.message) == [
                "the key store \(home.root)/repository/resources/security/wso2carbon.p12 has no private key entry \"server\", which the connector's key alias names: Tomcat cannot start the HTTPS connector"
            ])
        let defaults = report.findings("default-store-password")
        #expect(defaults.count == 1)
        #expect(defaults.first?.position?.line == 6, "at truststorePassword")
        try home.keyPair("wso2carbon.p12", alias: "server", password: Self.keystorePass, type: "PKCS12")
        report = home.lint()
        #expect(report.findings("store-access").isEmpty)
    }

    @Test func theJVMDefaultOfIS7IsThePKCS12Store() {
        #expect(JVMDefaultTrustStore.path(kernelVersion: "4.10.9") == "repository/resources/security/client-truststore.p12")
        #expect(JVMDefaultTrustStore.path(kernelVersion: "4.4.32") == "repository/resources/security/client-truststore.jks")
        #expect(JVMDefaultTrustStore.path(kernelVersion: nil) == "repository/resources/security/client-truststore.jks")
    }

    @Test func paths() {
        #expect(StoreReference.resolve("${carbon.home}/repository/x.jks", home: "/opt/is") == "/opt/is/repository/x.jks")
        #expect(StoreReference.resolve("repository/x.jks", home: "/opt/is") == "/opt/is/repository/x.jks")
        #expect(StoreReference.resolve("/etc/x.jks", home: "/opt/is") == "/etc/x.jks")
        #expect(StoreReference.resolve("${catalina.base}/x.jks", home: "/opt/is") == nil)
    }

    @Test func theDigestTheAuthenticatorCompares() throws {
        func digest(_ version: String?, _ parameter: String?) throws -> EffectiveThumbprintDigest? {
            let markup = Self.authenticators(whitelist: [], enableSHA256: parameter)
            let config = AuthenticatorsConfig(document: try XMLDocument.parse(SourceFile(path: "a.xml", bytes: Array(markup.utf8))))
            return try #require(config.mutualSSL).thumbprintDigest(componentVersion: version)
        }
        #expect(try digest("5.3.3", nil)?.digest == .sha1)
        #expect(try digest("5.5.0", "true")?.digest == .sha1, "EnableSHA256 came in 5.5.1")
        #expect(try digest("5.5.1", nil)?.digest == .sha256)
        #expect(try digest("5.6.0", " true")?.digest == .sha1, "Boolean.parseBoolean does not trim")
        #expect(try digest(nil, "true")?.digest == .sha256)
        #expect(try digest(nil, nil) == nil)
    }

    @Test(.enabled(if: Corpus.available, Corpus.skipReason))
    func theCorpusIS73RenderedFileWithStoresMadeByKeytool() throws {
        let home = try StoreHome(
            catalina: String(
                decoding: try Corpus.source("catalina-server.xml@product-is-v7.3.0-DERIVED-rendered").bytes,
                as: UTF8.self), kernel: "4.12.34", bundle: "5.6.0")
        try home.keyPair("wso2carbon.p12", alias: "wso2carbon", password: "wso2carbon", type: "PKCS12")
        try home.trust(
            "client-truststore.p12", try home.tools.certificate("c", cn: "c", days: 365), alias: "c", password: "wso2carbon",
            type: "PKCS12")
        let report = home.lint()
        #expect(report.findings("store-access").isEmpty, "\(report.findings("store-access").map(\.message))")
        #expect(report.findings("default-store-password").count == 2)
    }
}

extension LintReport {
    var storeFindings: [Finding] {
        findings.filter {
            [Rule.storeAccess, .certificateExpiry, .trustStoreEmpty, .whitelistThumbprint, .defaultStorePassword]
                .map(\.id).contains($0.rule)
        }
    }
}
