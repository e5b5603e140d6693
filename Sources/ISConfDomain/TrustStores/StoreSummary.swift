import ISConfTrustStore

/// What the store rules read of an opened key store: each entry's alias and kind, and of each
/// certificate its subject, end of validity and thumbprints. No DER, no keys, no layout: a run
/// keeps one of these per distinct store, so a fleet of distinct stores stays small in memory.
public struct StoreSummary: Sendable {
    public struct Certificate: Sendable {
        /// As keytool prints it, for messages.
        public let subject: String
        public let notAfter: Timestamp
        public let thumbprints: Thumbprints
    }

    public struct Entry: Sendable {
        /// Lowercase, as keytool keeps aliases.
        public let alias: String
        public let kind: KeyStoreEntry.Kind
        /// A trusted entry's certificate, or a private key's chain from its own certificate up.
        public let certificates: [Certificate]
    }

    public let entries: [Entry]

    public init(_ store: KeyStore) {
        entries = store.entries.map { entry in
            Entry(
                alias: entry.alias, kind: entry.kind,
                certificates: entry.certificates.map {
                    Certificate(subject: $0.subject, notAfter: $0.notAfter, thumbprints: $0.thumbprints)
                })
        }
    }

    /// Aliases compare as keytool compares them: lowercased.
    public func entry(_ alias: String) -> Entry? {
        let wanted = KeyStore.normalizedAlias(alias)
        return entries.first { $0.alias == wanted }
    }
}
