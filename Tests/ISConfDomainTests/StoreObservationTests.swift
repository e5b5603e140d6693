import Foundation
import ISConfCore
import Testing

@testable import ISConfDomain

/// What `isconf watch` exports of a home's stores and whitelist, read as the store rules read them,
/// on stores the real keytool and openssl make.
@Suite(.enabled(if: StoreTools.available, StoreTools.missing))
struct StoreObservationTests {
    static let keystorePass = TrustStoreLintTests.keystorePass
    static let truststorePass = TrustStoreLintTests.truststorePass

    /// The home's files as the daemon reads them, in a context over a fresh store cache.
    static func context(_ home: StoreHome) throws -> LintContext {
        let target = Discovery.home(home.root)
        let sources = try target.files.map { ($0.role, try SourceFile.read(path: $0.path)) }
        return Linter.makeContext(sources: sources, facts: target.facts)
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    @Test func aHealthyHomesServerChainAndTrustedCertificates() throws {
        let home = try StoreHome(catalina: TrustStoreLintTests.legacyCatalina())
        try home.keyPair("wso2carbon.jks", password: Self.keystorePass, validity: 365)
        let partner = try home.tools.certificate("partner", cn: "partner", start: "20250101000000Z", end: "20300101000000Z")
        let old = try home.tools.certificate("old", cn: "old", start: "20190101000000Z", end: "20200101000000Z")
        try home.trust("client-truststore.jks", partner, alias: "Partner", password: Self.truststorePass)
        try home.trust("client-truststore.jks", old, alias: "old", password: Self.truststorePass)

        let context = try Self.context(home)
        let security = home.root + "/repository/resources/security/"
        #expect(context.storePaths == [security + "wso2carbon.jks", security + "client-truststore.jks"])
        let observations = context.storeObservations
        try #require(observations.count == 2)
        let keys = observations[0]
        #expect(keys.purpose == .keyStore && keys.path == security + "wso2carbon.jks" && keys.readable)
        #expect(keys.trustedCertificates.isEmpty)
        let notAfter = try #require(keys.serverChainNotAfterSeconds)
        #expect(abs(notAfter - (Self.now() + 365 * 86_400)) < 600, "keytool -validity 365 from now: \(notAfter)")

        let trust = observations[1]
        #expect(trust.purpose == .trustStore && trust.path == security + "client-truststore.jks" && trust.readable)
        #expect(trust.serverChainNotAfterSeconds == nil)
        // 2030-01-01 and 2020-01-01 at midnight UTC; aliases lowercased as keytool keeps them.
        #expect(Set(trust.trustedCertificates.map { "\($0.alias)=\($0.notAfterSeconds)" }) == ["partner=1893456000", "old=1577836800"])
    }

    @Test func missingAndWrongPasswordStoresAreUnreadableWithNothingElse() throws {
        let home = try StoreHome(catalina: TrustStoreLintTests.legacyCatalina(truststorePass: "not-the-Password-9"))
        try home.trust("client-truststore.jks", try home.tools.certificate("c", cn: "c", days: 30), alias: "c", password: Self.truststorePass)
        let observations = try Self.context(home).storeObservations
        #expect(observations.map(\.readable) == [false, false], "no key store; a trust store the password does not open")
        #expect(observations.allSatisfy { $0.serverChainNotAfterSeconds == nil && $0.trustedCertificates.isEmpty })
    }

    @Test func aKeyAliasNamingNoEntryLeavesTheServerChainUnknown() throws {
        let home = try StoreHome(catalina: TrustStoreLintTests.legacyCatalina(extra: "keyAlias=\"server\""))
        try home.keyPair("wso2carbon.jks", alias: "other", password: Self.keystorePass)
        try home.trust("client-truststore.jks", try home.tools.certificate("c", cn: "c", days: 30), alias: "c", password: Self.truststorePass)
        let keys = try #require(try Self.context(home).storeObservations.first)
        #expect(keys.readable)
        #expect(keys.serverChainNotAfterSeconds == nil)
    }

    /// Secure vault: a JKS store is listed without its password (readable, with its dates); a path
    /// with a placeholder only the server resolves is left out, but never guessed.
    @Test func secureVaultAndUnresolvablePaths() throws {
        let catalina = TrustStoreLintTests.legacyCatalina(keystorePass: "password", extra: "svns:secretAlias=\"Server.Service.Connector.keystorePass\"")
            .replacingOccurrences(of: "<Server port", with: "<Server xmlns:svns=\"http://org.wso2.securevault/configuration\" port")
            .replacingOccurrences(of: "${carbon.home}/repository/resources/security/client-truststore.jks", with: "${trust.home}/client-truststore.jks")
        let home = try StoreHome(catalina: catalina)
        try home.keyPair("wso2carbon.jks", password: Self.keystorePass)
        let context = try Self.context(home)
        #expect(context.storePaths == [home.root + "/repository/resources/security/wso2carbon.jks"])
        let observations = context.storeObservations
        #expect(observations.count == 1)
        #expect(observations.first?.readable == true)
        #expect(observations.first?.serverChainNotAfterSeconds != nil)
    }

    /// A store relocated by LintOptions.storePaths is watched and read where the store rules open it.
    @Test func relocatedStoresAreWatchedWhereTheyAreOpened() throws {
        let home = try StoreHome(catalina: TrustStoreLintTests.legacyCatalina())
        try home.keyPair("wso2carbon.jks", password: Self.keystorePass)
        try home.trust("mounted.jks", try home.tools.certificate("c", cn: "c", days: 30), alias: "c", password: Self.truststorePass)
        let target = Discovery.home(home.root)
        let sources = try target.files.map { ($0.role, try SourceFile.read(path: $0.path)) }
        let mounted = home.security + "/mounted.jks"
        let options = LintOptions(storePaths: ["repository/resources/security/client-truststore.jks": mounted])
        let context = Linter.makeContext(sources: sources, facts: target.facts, options: options)
        #expect(context.storePaths == [home.security + "/wso2carbon.jks", mounted])
        #expect(context.storeObservations.map(\.path) == context.storePaths)
        #expect(context.storeObservations.last?.trustedCertificates.map(\.alias) == ["c"])
    }

    @Test func whitelistEntriesFromAuthenticatorsXML() throws {
        func count(_ authenticators: String) throws -> Int? {
            let home = try StoreHome(catalina: TrustStoreLintTests.legacyCatalina(), authenticators: authenticators)
            return try Self.context(home).whitelistEntryCount
        }
        #expect(try count(TrustStoreLintTests.authenticators(whitelist: [Sample.thumbprint, String(repeating: "ab", count: 32)])) == 2)
        #expect(
            try count(TrustStoreLintTests.authenticators(whitelist: [Sample.thumbprint, " ", "", Sample.thumbprint])) == 2,
            "empty entries between commas are not thumbprints")
        #expect(try count(TrustStoreLintTests.authenticators(whitelist: [])) == 0)
        #expect(try count("<Authenticators><!--Authenticator name=\"MutualSSLAuthenticator\"/--></Authenticators>") == 0)
        #expect(try count("<Authenticators><Authenticator") == nil, "a file that does not parse says nothing")
    }

    @Test func whitelistEntriesFromDeploymentToml() throws {
        func count(_ toml: String) -> Int? {
            Linter.makeContext(
                sources: [], facts: Sample.identityServer73,
                deploymentToml: SourceFile(path: HomeFacts.deploymentTomlPath, bytes: Array(toml.utf8))
            ).whitelistEntryCount
        }
        #expect(
            count(
                """
                [admin_console.authenticator.mutual_ssl_authenticator]
                enable = true
                white_list_enabled = true
                white_list = "\(Sample.thumbprint),\(Sample.thumbprint),\(Sample.thumbprint)"
                """) == 3)
        #expect(
            count(
                """
                [admin_console.authenticator.mutual_ssl_authenticator.config]
                WhiteList = "\(Sample.thumbprint)"
                """) == 1)
        #expect(count("[server]\nhostname = \"localhost\"\n") == 0)
        #expect(count("[server\n") == nil, "a deployment.toml that does not parse says nothing")
    }
}
