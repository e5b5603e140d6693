import ISConfDomain
import Testing

@testable import ISConfWatch

/// The store series the daemon renders for what it observed: bounded, and gone when what they
/// describe goes away.
@Suite struct StoreMetricsTests {
    static let home = "/opt/wso2is"
    static let keyStore = home + "/repository/resources/security/wso2carbon.jks"
    static let trustStore = home + "/repository/resources/security/client-truststore.jks"

    static func exposition(_ metrics: StoreMetrics) -> String {
        var buffer: [UInt8] = []
        metrics.append(to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The exposition's sample lines (no HELP or TYPE) of `metric`.
    static func samples(_ metrics: StoreMetrics, _ metric: String) -> [String] {
        exposition(metrics).split(separator: "\n").map(String.init).filter { $0.hasPrefix(metric + "{") || $0.hasPrefix(metric + " ") }
    }

    static func stores(trusted: [StoreObservation.TrustedCertificate], keysReadable: Bool = true) -> [StoreObservation] {
        [
            StoreObservation(
                purpose: .keyStore, path: keyStore, readable: keysReadable,
                serverChainNotAfterSeconds: keysReadable ? 2_000_000_000 : nil, trustedCertificates: []),
            StoreObservation(
                purpose: .trustStore, path: trustStore, readable: true, serverChainNotAfterSeconds: nil,
                trustedCertificates: trusted),
        ]
    }

    @Test func eachStoreAndEachTrustedCertificateHasItsSeries() {
        let metrics = StoreMetrics()
        metrics.update(home: Self.home, stores: Self.stores(trusted: [.init(alias: "partner", notAfterSeconds: 1_900_000_000)]))
        metrics.update(home: Self.home, whitelistEntries: 2)
        #expect(
            Set(Self.samples(metrics, "isconf_store_readable")) == [
                #"isconf_store_readable{home="/opt/wso2is",store="keystore",file="/opt/wso2is/repository/resources/security/wso2carbon.jks"} 1"#,
                #"isconf_store_readable{home="/opt/wso2is",store="truststore",file="/opt/wso2is/repository/resources/security/client-truststore.jks"} 1"#,
            ])
        #expect(
            Self.samples(metrics, "isconf_server_certificate_expiry_timestamp_seconds") == [
                #"isconf_server_certificate_expiry_timestamp_seconds{home="/opt/wso2is",file="/opt/wso2is/repository/resources/security/wso2carbon.jks"} 2000000000"#
            ])
        #expect(
            Self.samples(metrics, "isconf_trusted_certificate_expiry_timestamp_seconds") == [
                #"isconf_trusted_certificate_expiry_timestamp_seconds{home="/opt/wso2is",file="/opt/wso2is/repository/resources/security/client-truststore.jks",alias="partner"} 1900000000"#
            ])
        #expect(
            Self.samples(metrics, "isconf_truststore_entries") == [
                #"isconf_truststore_entries{home="/opt/wso2is",file="/opt/wso2is/repository/resources/security/client-truststore.jks"} 1"#
            ])
        #expect(Self.samples(metrics, "isconf_whitelist_entries") == [#"isconf_whitelist_entries{home="/opt/wso2is"} 2"#])
    }

    /// Paths are label values: a quote, a backslash or a newline in one is escaped, not a broken line.
    @Test func labelValuesAreEscaped() {
        let metrics = StoreMetrics()
        metrics.update(home: "/opt/is \"blue\"\\\n2", whitelistEntries: 1)
        #expect(Self.samples(metrics, "isconf_whitelist_entries") == [#"isconf_whitelist_entries{home="/opt/is \"blue\"\\\n2"} 1"#])
    }

    /// 10,000 trusted certificates make 500 series, those that end first; the count says 10,000.
    @Test func aLargeTrustStoreIsCappedAtTheCertificatesThatEndFirst() {
        let metrics = StoreMetrics()
        // Out of order, so that the cap cannot be taking the first entries of the store.
        let trusted = (0..<10_000).map { index in
            StoreObservation.TrustedCertificate(alias: "ca-\(index)", notAfterSeconds: 1_800_000_000 + Int64((index * 7_919) % 10_000) * 60)
        }
        metrics.update(home: Self.home, stores: Self.stores(trusted: trusted))
        let series = Self.samples(metrics, "isconf_trusted_certificate_expiry_timestamp_seconds")
        #expect(series.count == StoreMetrics.trustedCertificateSeriesLimit)
        let latest = 1_800_000_000 + Int64(StoreMetrics.trustedCertificateSeriesLimit - 1) * 60
        let values = series.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        #expect(values.count == series.count && values.allSatisfy { $0 <= Double(latest) }, "the 500 that end first")
        #expect(Self.samples(metrics, "isconf_truststore_entries").first?.hasSuffix("} 10000") == true)
    }

    @Test func seriesOfWhatWentAwayAreRemoved() {
        let metrics = StoreMetrics()
        metrics.update(home: Self.home, stores: Self.stores(trusted: [.init(alias: "a", notAfterSeconds: 1), .init(alias: "b", notAfterSeconds: 2)]))
        metrics.update(home: "/opt/other", stores: Self.stores(trusted: [.init(alias: "c", notAfterSeconds: 3)]))
        metrics.update(home: "/opt/other", whitelistEntries: 0)
        #expect(Self.samples(metrics, "isconf_trusted_certificate_expiry_timestamp_seconds").count == 3)

        // An entry deleted from the store.
        metrics.update(home: Self.home, stores: Self.stores(trusted: [.init(alias: "b", notAfterSeconds: 2)]))
        let trusted = Self.samples(metrics, "isconf_trusted_certificate_expiry_timestamp_seconds")
        #expect(trusted.count == 2)
        #expect(!trusted.contains { $0.contains(#"alias="a""#) })

        // A key store that no longer opens: readable 0, and its certificate is not known any more.
        metrics.update(home: Self.home, stores: Self.stores(trusted: [.init(alias: "b", notAfterSeconds: 2)], keysReadable: false))
        #expect(
            Self.samples(metrics, "isconf_store_readable").contains {
                $0.contains(#"home="/opt/wso2is",store="keystore""#) && $0.hasSuffix("} 0")
            })
        #expect(!Self.samples(metrics, "isconf_server_certificate_expiry_timestamp_seconds").contains { $0.contains(#"home="/opt/wso2is""#) })

        // A connector that names no stores any more, then a home no longer watched.
        metrics.update(home: Self.home, stores: [])
        #expect(!Self.exposition(metrics).contains(#"home="/opt/wso2is""#))
        metrics.retain(homes: [])
        #expect(!Self.exposition(metrics).contains("isconf_"), "\(Self.exposition(metrics))")
    }
}
