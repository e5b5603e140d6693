import Foundation
import Testing

@testable import ISConfDomain

/// A run opens each distinct store once, by content and password, across the homes it lints in
/// parallel; every home still gets findings in its own words. Stores made by keytool and openssl.
@Suite(.enabled(if: StoreTools.available, StoreTools.missing))
struct StoreCacheTests {
    typealias Stores = TrustStoreLintTests

    /// A Tomcat 7 home with a server key and a trust store holding one expired certificate, so the
    /// store rules have a finding whose hint names the store's path.
    func homeWithAnExpiredTrustedCertificate(catalina: String = Stores.legacyCatalina()) throws -> StoreHome {
        let home = try StoreHome(catalina: catalina)
        try home.keyPair("wso2carbon.jks", password: Stores.keystorePass)
        let old = try home.tools.certificate("old", cn: "old-partner", start: "20190101000000Z", end: "20200101000000Z")
        try home.trust("client-truststore.jks", old, alias: "old", password: Stores.truststorePass)
        return home
    }

    /// What a finding says and where: what must not differ between a lint alone and one sharing a cache.
    static func described(_ findings: [Finding]) -> [String] {
        findings.map { "\($0.file):\($0.position.map { "\($0.line):\($0.column)" } ?? "-") \($0.severity) \($0.rule) \($0.message) | \($0.hint ?? "")" }
    }

    @Test func twoHomesWithIdenticalStoresOpenThemOnceAndKeepTheirOwnPaths() throws {
        let first = try homeWithAnExpiredTrustedCertificate()
        let second = try StoreHome(catalina: Stores.legacyCatalina())
        try second.copyStores(from: first)
        let targets = [Discovery.home(first.root), Discovery.home(second.root)]

        let cache = StoreCache()
        let together = Linter.lint(targets, storeCache: cache)
        #expect(cache.statistics == StoreCache.Statistics(opened: 2, reused: 2), "the key store and the trust store, each once")
        #expect(
            Self.described(together.findings) == Self.described(targets.flatMap { Linter.lint($0).findings }),
            "the same findings as each home linted by itself")

        for (home, other) in [(first, second), (second, first)] {
            let expiry = together.findings("certificate-expiry").filter { $0.file.hasPrefix(home.root + "/") }
            #expect(expiry.count == 1)
            let hint = try #require(expiry.first?.hint)
            #expect(hint.contains("-keystore \(home.security)/client-truststore.jks"), "\(hint)")
            #expect(
                !Self.described(together.findings.filter { $0.file.hasPrefix(home.root + "/") }).joined().contains(other.root),
                "nothing in a home's findings names the other home")
        }
    }

    @Test func theSameBytesWithAnotherPasswordAreJudgedApart() throws {
        let right = try homeWithAnExpiredTrustedCertificate()
        let wrong = try StoreHome(catalina: Stores.legacyCatalina(truststorePass: "not-the-Password-9"))
        try wrong.copyStores(from: right)
        // The failing password first, then the right one: neither outcome may stand for the other.
        let targets = [Discovery.home(wrong.root), Discovery.home(right.root)]

        let cache = StoreCache()
        let report = Linter.lint(targets, storeCache: cache)
        #expect(cache.statistics.opened == 3, "the key store once, the trust store once per password")
        #expect(Self.described(report.findings) == Self.described(targets.flatMap { Linter.lint($0).findings }))

        let access = report.findings("store-access")
        #expect(access.count == 1)
        #expect(access.first?.file.hasPrefix(wrong.root + "/") == true)
        #expect(access.first?.message.contains("\(wrong.security)/client-truststore.jks does not open with the password in truststorePass") == true)
        #expect(access.first?.message.contains("store password is incorrect") == true)
        let expiry = report.findings("certificate-expiry")
        #expect(expiry.count == 1, "only the store that opened lists its certificates")
        #expect(expiry.first?.file.hasPrefix(right.root + "/") == true)
    }

    @Test func aStoreThatFailsTheSameWayNamesEachHomesOwnPath() throws {
        // A JCEKS key store: its message quotes the store's path in the conversion command to run.
        let first = try StoreHome(catalina: Stores.legacyCatalina())
        try first.keyPair("wso2carbon.jks", password: Stores.keystorePass, type: "JCEKS")
        try first.trust(
            "client-truststore.jks", try first.tools.certificate("c", cn: "c", days: 365), alias: "c",
            password: Stores.truststorePass)
        let second = try StoreHome(catalina: Stores.legacyCatalina())
        try second.copyStores(from: first)

        let cache = StoreCache()
        let report = Linter.lint([Discovery.home(first.root), Discovery.home(second.root)], storeCache: cache)
        #expect(cache.statistics.opened == 2)
        for (home, other) in [(first, second), (second, first)] {
            let access = report.findings("store-access").filter { $0.file.hasPrefix(home.root + "/") }
            #expect(access.count == 1)
            let message = try #require(access.first?.message)
            #expect(message.contains("is a JCEKS store"), "\(message)")
            #expect(message.contains("-srckeystore \(home.security)/wso2carbon.jks "), "\(message)")
            #expect(!message.contains(other.root))
        }
    }

    @Test func aStoreChangedBetweenTwoLintsIsReadAgain() throws {
        let home = try StoreHome(catalina: Stores.legacyCatalina())
        try home.keyPair("wso2carbon.jks", password: Stores.keystorePass)
        try home.trust(
            "client-truststore.jks", try home.tools.certificate("c", cn: "c", days: 365), alias: "c",
            password: Stores.truststorePass)
        let target = Discovery.home(home.root)
        let cache = StoreCache()
        #expect(Linter.lint(target, storeCache: cache).findings("certificate-expiry").isEmpty)

        let old = try home.tools.certificate("old", cn: "old-partner", start: "20190101000000Z", end: "20200101000000Z")
        try home.trust("client-truststore.jks", old, alias: "old", password: Stores.truststorePass)
        // Even a cache kept across runs sees the new bytes: they are another key.
        #expect(Linter.lint(target, storeCache: cache).findings("certificate-expiry").count == 1)
        #expect(cache.statistics == StoreCache.Statistics(opened: 3, reused: 1), "the key store reused, the trust store read again")
        // A run of its own, as the CLI and the daemon make one, has its own cache.
        #expect(Linter.lint([target]).findings("certificate-expiry").count == 1)
    }
}

extension StoreHome {
    /// Copies of another home's stores, byte for byte: a fleet cloned from one pack.
    func copyStores(from other: StoreHome) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: other.security) {
            try FileManager.default.copyItem(atPath: other.security + "/" + name, toPath: security + "/" + name)
        }
    }
}
