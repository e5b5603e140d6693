import Crypto
import ISConfCore

/// Sun's JKS format: `FEEDFEED`, version, count, the entries, then a SHA-1 integrity digest keyed
/// with the store password. Certificates are in the clear; only private keys are encrypted, so the
/// entries can be listed without the password.
enum JKS {
    static let magic: UInt32 = 0xFEED_FEED
    static let jceksMagic: UInt32 = 0xCECE_CECE
    static let digestLength = 20
    private static let privateKeyTag: UInt32 = 1
    private static let trustedCertificateTag: UInt32 = 2

    struct Layout: Sendable {
        /// 1 (certificates without a type string) or 2.
        var version: UInt32
        /// Each entry's bytes exactly as read, in file order, aligned with the store's entries.
        var encodedEntries: [[UInt8]]
    }

    static func read(_ bytes: [UInt8], path: String, password: String?) throws(InputError) -> KeyStore {
        var reader = ByteReader(bytes, path: path)
        _ = try reader.u32()
        let version = try reader.u32()
        guard version == 1 || version == 2 else {
            throw InputError(path: path, .unsupportedFormat, "JKS version \(version) is not supported (only 1 and 2 exist)")
        }
        let count = try reader.u32()
        // Certificates are parsed only once the digest holds, so a tampered one is reported as tampering.
        var pending: [(alias: String, kind: KeyStoreEntry.Kind, created: Timestamp, certificates: [[UInt8]], key: [UInt8])] = []
        var encodedEntries: [[UInt8]] = []
        var aliases = Set<String>()
        for _ in 0..<count {
            let start = reader.offset
            let tag = try reader.u32()
            let alias = KeyStore.normalizedAlias(try reader.utf())
            guard aliases.insert(alias).inserted else {
                throw InputError(path: path, .malformed, "alias \"\(alias)\" appears twice; the store is damaged")
            }
            let created = Timestamp(millisecondsSince1970: Int64(bitPattern: try reader.u64()))
            switch tag {
            case privateKeyTag:
                let key = Array(try reader.take(Int(try reader.u32())))
                let chainLength = try reader.u32()
                var chain: [[UInt8]] = []
                for _ in 0..<chainLength { chain.append(try certificate(&reader, version: version, alias: alias)) }
                pending.append((alias, .privateKey, created, chain, key))
            case trustedCertificateTag:
                pending.append((alias, .trustedCertificate, created, [try certificate(&reader, version: version, alias: alias)], []))
            default:
                throw InputError(path: path, .unsupportedFormat, "entry \"\(alias)\" has unknown type \(tag); not a JKS store isconf can read")
            }
            encodedEntries.append(Array(bytes[start..<reader.offset]))
        }
        if reader.remaining < digestLength {
            throw InputError(path: path, .malformed, "truncated: the file ends before its integrity digest")
        }
        if reader.remaining > digestLength {
            throw InputError(path: path, .malformed, "\(reader.remaining - digestLength) unexpected bytes after the integrity digest")
        }
        if let password, digest(password: password, body: bytes[..<reader.offset]) != Array(bytes[reader.offset...]) {
            throw KeyStore.integrityFailure(path: path)
        }
        var entries: [KeyStoreEntry] = []
        for entry in pending {
            var certificates: [StoredCertificate] = []
            for der in entry.certificates {
                do {
                    certificates.append(try StoredCertificate(der: der, path: path))
                } catch {
                    throw error.within("entry \"\(entry.alias)\"", path: path)
                }
            }
            entries.append(
                KeyStoreEntry(
                    alias: entry.alias, kind: entry.kind, creationDate: entry.created, certificates: certificates,
                    protectedKey: entry.key))
        }
        return KeyStore(
            format: .jks, entries: entries, integrityVerified: password != nil,
            layout: .jks(Layout(version: version, encodedEntries: encodedEntries)))
    }

    /// A certificate's DER bytes: a type string (version 2), a length, the bytes.
    private static func certificate(_ reader: inout ByteReader, version: UInt32, alias: String) throws(InputError) -> [UInt8] {
        if version == 2 {
            let type = try reader.utf()
            guard type == "X.509" else {
                throw InputError(path: reader.path, .unsupportedFormat, "entry \"\(alias)\" holds a \(type) certificate; only X.509 is supported")
            }
        }
        return Array(try reader.take(Int(try reader.u32())))
    }

    /// The store with the trusted entry `alias` set to `certificate`: in place of the old entry of
    /// that alias, or appended; the other entries are copied byte for byte.
    static func write(
        _ layout: Layout, entries: [KeyStoreEntry], setting certificate: StoredCertificate, alias: String,
        password: String
    ) -> [UInt8] {
        var entry = ByteWriter()
        entry.u32(trustedCertificateTag)
        entry.utf(alias)
        entry.u64(UInt64(bitPattern: Timestamp.now().millisecondsSince1970))
        if layout.version == 2 { entry.utf("X.509") }
        entry.u32(UInt32(certificate.der.count))
        entry.raw(certificate.der)

        var encodedEntries = layout.encodedEntries
        if let index = entries.firstIndex(where: { $0.alias == alias }) {
            encodedEntries[index] = entry.bytes
        } else {
            encodedEntries.append(entry.bytes)
        }
        var store = ByteWriter()
        store.u32(magic)
        store.u32(layout.version)
        store.u32(UInt32(encodedEntries.count))
        for encoded in encodedEntries { store.raw(encoded) }
        return store.bytes + digest(password: password, body: store.bytes[...])
    }

    /// SHA-1 over the password as UTF-16BE, the phrase "Mighty Aphrodite", and the store's bytes.
    static func digest(password: String, body: ArraySlice<UInt8>) -> [UInt8] {
        var hash = Insecure.SHA1()
        hash.update(data: encodeUTF16BE(password))
        hash.update(data: Array("Mighty Aphrodite".utf8))
        hash.update(data: Array(body))
        return Array(hash.finalize())
    }
}
