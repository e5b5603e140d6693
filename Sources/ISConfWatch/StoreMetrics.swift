import ISConfDomain
import Prometheus

/// The metrics of the stores each watched IS_HOME's HTTPS connector names, and of its whitelist. It
/// remembers the series it exported per home, so that a trusted certificate removed from its store, a
/// store the connector no longer names or a home no longer watched loses its series instead of keeping
/// its last value. Label sets are bounded: home and file paths, the store's purpose, and an alias only
/// for a trust store's entries, at most `trustedCertificateSeriesLimit` of them per store.
final class StoreMetrics {
    /// A trust store of 10,000 entries must not make 10,000 series: those that end first are the ones
    /// an expiry alert needs, and `isconf_truststore_entries` still counts them all.
    static let trustedCertificateSeriesLimit = 500

    private struct Series: Hashable {
        let name: String
        let labels: [String]
    }

    private let registry: PrometheusCollectorRegistry
    /// By IS_HOME: the gauges of its stores, and of its whitelist, as last set.
    private var storeSeries: [String: [Series: Gauge]] = [:]
    private var whitelistSeries: [String: Gauge] = [:]

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Sets the series of the home's stores to these observations, removing those that no longer apply.
    func update(home: String, stores: [StoreObservation]) {
        var values: [(descriptor: Descriptor, labels: [(String, String)], value: Double)] = []
        for store in stores {
            let file = ("file", store.path)
            values.append((.readable, [("home", home), ("store", Self.label(store.purpose)), file], store.readable ? 1 : 0))
            guard store.readable else { continue }
            switch store.purpose {
            case .keyStore:
                if let notAfter = store.serverChainNotAfterSeconds {
                    values.append((.serverExpiry, [("home", home), file], Double(notAfter)))
                }
            case .trustStore:
                values.append((.trustedEntries, [("home", home), file], Double(store.trustedCertificates.count)))
                let first = store.trustedCertificates
                    .sorted { ($0.notAfterSeconds, $0.alias) < ($1.notAfterSeconds, $1.alias) }
                    .prefix(Self.trustedCertificateSeriesLimit)
                for certificate in first {
                    values.append((.trustedExpiry, [("home", home), file, ("alias", certificate.alias)],
                                   Double(certificate.notAfterSeconds)))
                }
            }
        }
        var kept: [Series: Gauge] = [:]
        var previous = storeSeries[home] ?? [:]
        for (descriptor, labels, value) in values {
            let series = Series(name: descriptor.name, labels: labels.flatMap { [$0.0, $0.1] })
            let gauge = previous.removeValue(forKey: series) ?? registry.makeGauge(descriptor: descriptor.prometheus, labels: labels)
            gauge.set(value)
            kept[series] = gauge
        }
        for gauge in previous.values { registry.unregisterGauge(gauge) }
        storeSeries[home] = kept
    }

    func update(home: String, whitelistEntries: Int) {
        let gauge = whitelistSeries[home] ?? registry.makeGauge(descriptor: Descriptor.whitelistEntries.prometheus,
                                                                labels: [("home", home)])
        gauge.set(Double(whitelistEntries))
        whitelistSeries[home] = gauge
    }

    /// Removes every series of the homes not in `homes`.
    func retain(homes: Set<String>) {
        for (home, series) in storeSeries where !homes.contains(home) {
            for gauge in series.values { registry.unregisterGauge(gauge) }
            storeSeries[home] = nil
        }
        for (home, gauge) in whitelistSeries where !homes.contains(home) {
            registry.unregisterGauge(gauge)
            whitelistSeries[home] = nil
        }
    }

    private static func label(_ purpose: StoreReference.Purpose) -> String {
        switch purpose {
        case .keyStore: "keystore"
        case .trustStore: "truststore"
        }
    }

    /// Each metric's name and help, given once: the registry refuses one name with two helps.
    private enum Descriptor {
        case readable, serverExpiry, trustedExpiry, trustedEntries, whitelistEntries

        var name: String {
            switch self {
            case .readable: "store_readable"
            case .serverExpiry: "server_certificate_expiry_timestamp_seconds"
            case .trustedExpiry: "trusted_certificate_expiry_timestamp_seconds"
            case .trustedEntries: "truststore_entries"
            case .whitelistEntries: "whitelist_entries"
            }
        }

        var help: String {
            switch self {
            case .readable:
                "1 when the key store or trust store the HTTPS connector names opens with its configured password, 0 when it is missing or does not open (isconf lint says why)."
            case .serverExpiry:
                "The earliest end of validity (notAfter) among the certificates of the chain the HTTPS connector serves, in seconds since the Unix epoch."
            case .trustedExpiry:
                "A trusted certificate's end of validity (notAfter), in seconds since the Unix epoch; per trust store, the \(StoreMetrics.trustedCertificateSeriesLimit) that end first."
            case .trustedEntries:
                "Entries of the trust store that hold a certificate client certificates are verified against."
            case .whitelistEntries:
                "Thumbprints in the MutualSSLAuthenticator's WhiteList (deployment.toml on IS 5.9+, else authenticators.xml); 0 when there is none."
            }
        }

        var prometheus: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "isconf", metricName: name, unitName: "", helpText: help)
        }
    }
}
