import ISConfDomain
import NIOConcurrencyHelpers

/// The metrics of the stores each watched IS_HOME's HTTPS connector names, and of its whitelist,
/// rendered at each scrape from what the last refresh of each home observed: paths, aliases and
/// times, not a Prometheus gauge object per series (a hundred homes with WSO2's ~90 trusted CAs each
/// would be 9,000 of them, about 1 KiB each). A home's series are exactly its last observation, so a
/// trusted certificate removed from its store, a store the connector no longer names or a home no
/// longer watched has no series left. Label sets are bounded: home and file paths, the store's
/// purpose, and an alias only for a trust store's entries, at most `trustedCertificateSeriesLimit` of
/// them per store. Updated on the watch loop's thread, read on the metrics server's.
final class StoreMetrics: Sendable {
    /// A trust store of 10,000 entries must not make 10,000 series: those that end first are the ones
    /// an expiry alert needs, and `isconf_truststore_entries` still counts them all.
    static let trustedCertificateSeriesLimit = 500

    /// What a store's series show: its observation, with the trusted certificates cut to those shown.
    private struct Store: Sendable {
        let purpose: StoreReference.Purpose
        let path: String
        let readable: Bool
        let serverChainNotAfterSeconds: Int64?
        let trustedEntries: Int
        /// Sorted by end of validity, then alias; at most `trustedCertificateSeriesLimit`.
        let trustedShown: [StoreObservation.TrustedCertificate]
    }

    private struct Home: Sendable {
        var stores: [Store] = []
        var whitelistEntries: Int?
    }

    private let homes = NIOLockedValueBox<[String: Home]>([:])

    /// The home's stores are now these.
    func update(home: String, stores: [StoreObservation]) {
        let kept = stores.map { store in
            Store(
                purpose: store.purpose, path: store.path, readable: store.readable,
                serverChainNotAfterSeconds: store.serverChainNotAfterSeconds, trustedEntries: store.trustedCertificates.count,
                trustedShown: Array(
                    store.trustedCertificates
                        .sorted { ($0.notAfterSeconds, $0.alias) < ($1.notAfterSeconds, $1.alias) }
                        .prefix(Self.trustedCertificateSeriesLimit)))
        }
        homes.withLockedValue { $0[home, default: Home()].stores = kept }
    }

    func update(home: String, whitelistEntries: Int) {
        homes.withLockedValue { $0[home, default: Home()].whitelistEntries = whitelistEntries }
    }

    /// Forgets the homes not in `homes`, and so their series.
    func retain(homes watched: Set<String>) {
        homes.withLockedValue { $0 = $0.filter { watched.contains($0.key) } }
    }

    /// Appends the series in the Prometheus text format, each metric with its HELP and TYPE when it
    /// has any series; homes in a stable order.
    func append(to buffer: inout [UInt8]) {
        let homes = self.homes.withLockedValue { $0 }.sorted { $0.key < $1.key }
        for family in Family.allCases {
            var lines: [UInt8] = []
            for (home, state) in homes {
                if family == .whitelistEntries {
                    if let count = state.whitelistEntries { Self.line(&lines, family, [("home", home)], Int64(count)) }
                    continue
                }
                for store in state.stores {
                    let file = ("file", store.path)
                    switch family {
                    case .readable:
                        Self.line(
                            &lines, family, [("home", home), ("store", store.purpose == .keyStore ? "keystore" : "truststore"), file],
                            store.readable ? 1 : 0)
                    case .serverExpiry:
                        if store.readable, let notAfter = store.serverChainNotAfterSeconds {
                            Self.line(&lines, family, [("home", home), file], notAfter)
                        }
                    case .trustedExpiry:
                        guard store.readable, store.purpose == .trustStore else { continue }
                        for certificate in store.trustedShown {
                            Self.line(&lines, family, [("home", home), file, ("alias", certificate.alias)], certificate.notAfterSeconds)
                        }
                    case .trustedEntries:
                        if store.readable, store.purpose == .trustStore {
                            Self.line(&lines, family, [("home", home), file], Int64(store.trustedEntries))
                        }
                    case .whitelistEntries:
                        break
                    }
                }
            }
            if lines.isEmpty { continue }
            buffer.append(contentsOf: "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) gauge\n".utf8)
            buffer.append(contentsOf: lines)
        }
    }

    private static func line(_ buffer: inout [UInt8], _ family: Family, _ labels: [(String, String)], _ value: Int64) {
        buffer.append(contentsOf: family.name.utf8)
        buffer.append(UInt8(ascii: "{"))
        for (index, (name, value)) in labels.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(contentsOf: name.utf8)
            buffer.append(contentsOf: "=\"".utf8)
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): buffer.append(contentsOf: #"\\"#.utf8)
                case UInt8(ascii: "\""): buffer.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\n"): buffer.append(contentsOf: #"\n"#.utf8)
                default: buffer.append(byte)
                }
            }
            buffer.append(UInt8(ascii: "\""))
        }
        buffer.append(contentsOf: "} \(value)\n".utf8)
    }

    /// Each metric's name and help.
    private enum Family: CaseIterable {
        case readable, serverExpiry, trustedExpiry, trustedEntries, whitelistEntries

        var name: String {
            switch self {
            case .readable: "isconf_store_readable"
            case .serverExpiry: "isconf_server_certificate_expiry_timestamp_seconds"
            case .trustedExpiry: "isconf_trusted_certificate_expiry_timestamp_seconds"
            case .trustedEntries: "isconf_truststore_entries"
            case .whitelistEntries: "isconf_whitelist_entries"
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
    }
}
