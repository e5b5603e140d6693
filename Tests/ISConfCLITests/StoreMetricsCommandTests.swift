import Foundation
import ISConfTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `isconf watch --metrics-listen` over the stores of real homes: the metrics against what the real
/// keytool lists, and kept current when a store is replaced, damaged, deleted or edited, with no
/// --interval re-check to help (the tests' daemons run with --interval 0).
@Suite(.enabled(if: Keytool.available, Keytool.missing))
struct StoreMetricsCommandTests {
    static let security = "repository/resources/security/"
    static let samplePasswords = ["sample-keystore-secret", "sample-truststore-secret"]

    /// A copy of conf-samples/`sample` in its own scratch folder.
    struct Home {
        let scratch: Scratch
        let path: String
        var keyStore: String { path + "/" + StoreMetricsCommandTests.security + "wso2carbon.jks" }
        var trustStore: String { path + "/" + StoreMetricsCommandTests.security + "client-truststore.jks" }

        init(_ sample: String = "is-home") throws {
            scratch = try Scratch()
            path = scratch.path + "/home"
            try FileManager.default.copyItem(atPath: CLI.packageRoot.path + "/conf-samples/" + sample, toPath: path)
        }
    }

    /// What keytool lists of a store: each alias with its entry type and the end of validity of each
    /// of its certificates, in seconds since the Unix epoch.
    static func keytoolList(_ store: String, password: String) throws -> [(alias: String, type: String, notAfter: [Int64])] {
        let result = try CLI.run(
            ["-list", "-v", "-keystore", store, "-storepass", password],
            environment: ["TZ": "UTC", "LC_ALL": "C", "LANG": "C"], executable: Keytool.path!)
        try #require(result.status == 0, "keytool -list \(store): \(result.stdout)\(result.stderr)")
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "EEE MMM dd HH:mm:ss zzz yyyy"
        var entries: [(alias: String, type: String, notAfter: [Int64])] = []
        for line in result.stdout.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("Alias name: ") { entries.append((String(line.dropFirst(12)), "", [])) }
            if line.hasPrefix("Entry type: ") { entries[entries.count - 1].type = String(line.dropFirst(12)) }
            if line.hasPrefix("Valid from: "), let until = line.range(of: " until: ") {
                let date = try #require(format.date(from: String(line[until.upperBound...])), "keytool date: \(line)")
                entries[entries.count - 1].notAfter.append(Int64(date.timeIntervalSince1970))
            }
        }
        return entries
    }

    static func scrape(_ port: Int) throws -> Exposition { try WatchCommandTests.metrics(port) }

    /// Scrapes until `condition` holds; the last scrape.
    static func scrape(_ port: Int, until condition: (Exposition) -> Bool) throws -> Exposition {
        var last = try scrape(port)
        _ = eventually(timeout: 10, every: 20_000) {
            if condition(last) { return true }
            if let again = try? scrape(port) { last = again }
            return false
        }
        return last
    }

    static func start(_ home: Home, _ arguments: [String] = []) throws -> (Daemon, port: Int) {
        let daemon = try WatchCommandTests.watch([home.path], ["--metrics-listen", "0"] + arguments, keeping: home.scratch)
        let port = try WatchCommandTests.port(of: daemon)
        try #require(daemon.waitFor(message: "watching") != nil, "\(daemon.transcript)")
        return (daemon, port)
    }

    // MARK: The samples

    @Test(arguments: [
        ("is-home", "jks", "sample-keystore-secret", "sample-truststore-secret"),
        ("is-home-7.3", "p12", "wso2carbon", "wso2carbon"),
    ])
    func theSampleHomesStoresAreExportedAsKeytoolListsThem(
        sample: String, type: String, keyPassword: String,
        trustPassword: String
    ) throws {
        let home = try Home(sample)
        let keyStore = home.path + "/" + Self.security + "wso2carbon." + type
        let trustStore = home.path + "/" + Self.security + "client-truststore." + type
        let whitelist = ["3b8d7f0a9c1e2d4f5a6b7c8d9e0f1a2b3c4d5e6f", String(repeating: "5a", count: 32)]
        let (daemon, port) = try Self.start(home, ["--whitelist", whitelist.joined(separator: ",")])
        defer { daemon.kill() }
        let metrics = try Self.scrape(port)

        #expect(metrics.value("isconf_store_readable", ["home": home.path, "store": "keystore", "file": keyStore]) == 1, "\(metrics.text)")
        #expect(metrics.value("isconf_store_readable", ["home": home.path, "store": "truststore", "file": trustStore]) == 1)

        // The key entry Tomcat serves (the first; keyAlias names wso2carbon in the 7.3 sample): its chain's first end.
        let keys = try Self.keytoolList(keyStore, password: keyPassword)
        let served = try #require(keys.first { $0.type == "PrivateKeyEntry" })
        #expect(served.alias == "wso2carbon")
        #expect(
            metrics.value("isconf_server_certificate_expiry_timestamp_seconds", ["home": home.path, "file": keyStore])
                == served.notAfter.min().map(Double.init), "\(metrics.text)")

        let trusted = try Self.keytoolList(trustStore, password: trustPassword)
        #expect(!trusted.isEmpty)
        #expect(metrics.value("isconf_truststore_entries", ["home": home.path, "file": trustStore]) == Double(trusted.count))
        #expect(metrics.samples("isconf_trusted_certificate_expiry_timestamp_seconds").count == trusted.count)
        for entry in trusted {
            #expect(
                metrics.value("isconf_trusted_certificate_expiry_timestamp_seconds", ["home": home.path, "file": trustStore, "alias": entry.alias])
                    == entry.notAfter.min().map(Double.init), "\(entry.alias): \(metrics.text)")
        }
        // The whitelist as the daemon enforced it (authenticators.xml; deployment.toml in 7.3).
        #expect(metrics.value("isconf_whitelist_entries", ["home": home.path]) == Double(whitelist.count), "\(metrics.text)")
        #expect(daemon.stop() == 0)
    }

    /// The stores' passwords are in catalina-server.xml: never in /metrics nor in the log.
    @Test func noPasswordInMetricsOrLog() throws {
        let home = try Home()
        let (daemon, port) = try Self.start(home)
        defer { daemon.kill() }
        try Save.viaRename(home.keyStore, Array("not a key store".utf8))  // a failure to open, logged
        let metrics = try Self.scrape(port) { $0.value("isconf_store_readable", ["store": "keystore"]) == 0 }
        #expect(metrics.value("isconf_store_readable", ["store": "keystore"]) == 0, "\(metrics.text)")
        #expect(daemon.stop() == 0)
        for password in Self.samplePasswords {
            #expect(!metrics.text.contains(password))
            #expect(!daemon.transcript.contains(password))
        }
    }

    // MARK: Kept current

    @Test func aStoreRenamedOverWithAnEarlierEndingCertificateIsSeenAtOnce() throws {
        let home = try Home()
        let (daemon, port) = try Self.start(home)
        defer { daemon.kill() }
        let before = try Self.scrape(port)
        let sampleEnd = try #require(before.value("isconf_trusted_certificate_expiry_timestamp_seconds", ["alias": "sample-client-ca"]))

        // The sample's trust store plus a certificate that ends in 10 days, made aside and renamed over it.
        let replacement = home.scratch.path + "/replacement.jks"
        try FileManager.default.copyItem(atPath: home.trustStore, toPath: replacement)
        let soon = home.scratch.path + "/soon-partner.pem"
        try Keytool.openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", home.scratch.path + "/soon.key",
            "-out", soon, "-subj", "/CN=soon-partner", "-days", "10",
        ])
        try Keytool.run([
            "-importcert", "-noprompt", "-alias", "soon-partner", "-file", soon, "-keystore", replacement,
            "-storepass", "sample-truststore-secret",
        ])
        let expected = try #require(
            try Self.keytoolList(replacement, password: "sample-truststore-secret")
                .first { $0.alias == "soon-partner" }?.notAfter.min())
        #expect(Double(expected) < sampleEnd)

        try Save.viaRename(home.trustStore, Array(try Keytool.bytes(replacement)))
        let after = try Self.scrape(port) { $0.value("isconf_truststore_entries") == 2 }
        #expect(after.value("isconf_truststore_entries") == 2, "\(after.text)\n\(daemon.transcript)")
        #expect(after.value("isconf_trusted_certificate_expiry_timestamp_seconds", ["alias": "soon-partner"]) == Double(expected))
        #expect(after.value("isconf_trusted_certificate_expiry_timestamp_seconds", ["alias": "sample-client-ca"]) == sampleEnd)
        #expect(after.samples("isconf_trusted_certificate_expiry_timestamp_seconds").map(\.value).min() == Double(expected))
        #expect(daemon.stop() == 0)
    }

    @Test func anUnreadableOrMissingStoreFlipsReadable() throws {
        let home = try Home()
        let (daemon, port) = try Self.start(home)
        defer { daemon.kill() }
        let keys = ["store": "keystore", "file": home.keyStore]
        let trust = ["store": "truststore", "file": home.trustStore]
        #expect(try Self.scrape(port).value("isconf_store_readable", keys) == 1)
        let original = try Keytool.bytes(home.keyStore)

        // Damaged: readable 0, and the server's certificate is no longer known.
        try Save.viaRename(home.keyStore, Array("<html>404</html>".utf8))
        var metrics = try Self.scrape(port) { $0.value("isconf_store_readable", keys) == 0 }
        #expect(metrics.value("isconf_store_readable", keys) == 0, "\(metrics.text)")
        #expect(metrics.samples("isconf_server_certificate_expiry_timestamp_seconds").isEmpty)
        #expect(metrics.value("isconf_store_readable", trust) == 1)
        let logged = try #require(daemon.waitFor(message: "store unreadable; isconf lint says why"), "\(daemon.transcript)")
        #expect(logged["file"] as? String == home.keyStore)
        #expect(logged["store"] as? String == "key store")

        // Restored in place: readable again.
        try Save.inPlace(home.keyStore, Array(original))
        metrics = try Self.scrape(port) { $0.value("isconf_store_readable", keys) == 1 }
        #expect(metrics.value("isconf_store_readable", keys) == 1, "\(metrics.text)")
        #expect(metrics.samples("isconf_server_certificate_expiry_timestamp_seconds").count == 1)
        #expect(daemon.waitFor(message: "store readable") != nil, "\(daemon.transcript)")

        // Deleted: readable 0, with no count or certificates left.
        try #require(unlink(home.trustStore) == 0)
        metrics = try Self.scrape(port) { $0.value("isconf_store_readable", trust) == 0 }
        #expect(metrics.value("isconf_store_readable", trust) == 0, "\(metrics.text)")
        #expect(metrics.samples("isconf_truststore_entries").isEmpty)
        #expect(metrics.samples("isconf_trusted_certificate_expiry_timestamp_seconds").isEmpty)
        #expect(daemon.stop() == 0)
    }

    /// keytool -delete rewrites the store in place: the entry's series goes, the others stay.
    @Test func entriesRemovedFromAStoreLoseTheirSeries() throws {
        let home = try Home()
        for alias in ["partner-a", "partner-b"] {
            try Keytool.run([
                "-importcert", "-noprompt", "-alias", alias, "-file", try Keytool.certificate(home.scratch, alias),
                "-keystore", home.trustStore, "-storepass", "sample-truststore-secret",
            ])
        }
        let (daemon, port) = try Self.start(home)
        defer { daemon.kill() }
        let before = try Self.scrape(port)
        #expect(before.value("isconf_truststore_entries") == 3, "\(before.text)")
        #expect(before.samples("isconf_trusted_certificate_expiry_timestamp_seconds").count == 3)

        try Keytool.run(["-delete", "-alias", "partner-a", "-keystore", home.trustStore, "-storepass", "sample-truststore-secret"])
        let after = try Self.scrape(port) { $0.value("isconf_truststore_entries") == 2 }
        #expect(after.value("isconf_truststore_entries") == 2, "\(after.text)")
        let aliases = after.samples("isconf_trusted_certificate_expiry_timestamp_seconds").map(\.labels)
        #expect(aliases.count == 2)
        #expect(!aliases.contains { $0.contains(#"alias="partner-a""#) })
        #expect(aliases.contains { $0.contains(#"alias="partner-b""#) })
        #expect(daemon.stop() == 0)
    }

    /// A connector pointed at another trust store: that store is exported and watched from then on.
    @Test func aConnectorNamingAnotherStoreGetsItWatched() throws {
        let home = try Home()
        let (daemon, port) = try Self.start(home)
        defer { daemon.kill() }
        let catalina = home.path + "/repository/conf/tomcat/catalina-server.xml"
        let other = home.path + "/" + Self.security + "partners.jks"
        try FileManager.default.copyItem(atPath: home.trustStore, toPath: other)
        let corrected = Save.text(catalina)
        try #require(corrected.contains("client-truststore.jks"))
        try Save.viaRename(catalina, Array(corrected.replacingOccurrences(of: "client-truststore.jks", with: "partners.jks").utf8))
        var metrics = try Self.scrape(port) { $0.value("isconf_truststore_entries", ["file": other]) == 1 }
        #expect(metrics.value("isconf_truststore_entries", ["file": other]) == 1, "\(metrics.text)\n\(daemon.transcript)")
        #expect(metrics.samples("isconf_truststore_entries").count == 1, "the old store's series are gone")

        try Keytool.run([
            "-importcert", "-noprompt", "-alias", "partner", "-file", try Keytool.certificate(home.scratch, "partner"),
            "-keystore", other, "-storepass", "sample-truststore-secret",
        ])
        metrics = try Self.scrape(port) { $0.value("isconf_truststore_entries", ["file": other]) == 2 }
        #expect(metrics.value("isconf_truststore_entries", ["file": other]) == 2, "\(metrics.text)\n\(daemon.transcript)")
        #expect(daemon.stop() == 0)
    }
}
