import ISConfCore
import ISConfTrustStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What to import where: the one description `isconf truststore import` and
/// `isconf enable --trust-client-cert` both fill in.
public struct TrustStoreImportRequest: Sendable {
    public var store: String
    public var certificate: StoredCertificate
    /// Lowercased, as keytool keeps aliases.
    public var alias: String
    public var password: Secret
    /// Checked against an existing store; decides the type of a new one (else its extension does).
    public var storeType: KeyStoreFormat?
    /// Replace the certificate an alias already holds, instead of refusing.
    public var replace: Bool
    /// When the alias holds another entry, take the first free of alias-2, alias-3, … instead
    /// (for an alias isconf derived, not one the user chose).
    public var uniqueAlias: Bool
    public var backup: BackupPolicy

    public init(
        store: String, certificate: StoredCertificate, alias: String, password: Secret, storeType: KeyStoreFormat? = nil,
        replace: Bool = false, uniqueAlias: Bool = false, backup: BackupPolicy = .isHome
    ) {
        self.store = store
        self.certificate = certificate
        self.alias = alias
        self.password = password
        self.storeType = storeType
        self.replace = replace
        self.uniqueAlias = uniqueAlias
        self.backup = backup
    }
}

/// An import planned and verified, not yet written.
public struct TrustStoreImportPlan: Sendable {
    public let request: TrustStoreImportRequest
    /// What writing it does (`backup` still unset); `.alreadyPresent` writes nothing.
    public let outcome: TrustStoreImportOutcome
    /// The store as it was read; nil when it is to be created.
    let original: SourceFile?
    /// The new, verified bytes; nil when nothing changes.
    let result: [UInt8]?

    public var changesStore: Bool { result != nil }
}

public struct TrustStoreImportOutcome: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// A new store file was made holding the certificate.
        case created(KeyStoreFormat)
        case added
        /// The alias held another certificate, now replaced (`replace: true`).
        case replaced(previous: Thumbprints)
        /// The store already trusts this certificate, under this alias: nothing was written.
        case alreadyPresent(alias: String)
    }

    public var action: Action
    public var store: String
    /// The alias the certificate is under now.
    public var alias: String
    public var thumbprints: Thumbprints
    /// Where the replaced store was saved, if it was.
    public var backup: String?
}

/// Imports a certificate into a trust store the way `isconf enable` writes configuration: the store
/// is opened and verified with its password, the new bytes are read back and checked before
/// anything is written, and the write is atomic, under the folder lock, compare-and-swap, backed up.
public enum TrustStoreImporter {
    static let attempts = 3

    public static func importCertificate(
        _ request: TrustStoreImportRequest,
        stamp: String = Backups.utcStamp()
    ) throws(InputError) -> TrustStoreImportOutcome {
        try write(try plan(request), stamp: stamp)
    }

    /// Opens and verifies the store, decides, and builds and checks the new bytes: everything but
    /// the write, so that `isconf enable` can plan the store with the XML files and `--check` can
    /// say what would change.
    public static func plan(_ request: TrustStoreImportRequest) throws(InputError) -> TrustStoreImportPlan {
        var alias = KeyStore.normalizedAlias(request.alias)
        if !exists(request.store) { return try planCreation(request, alias: alias) }
        let source = try SourceFile.read(path: request.store)
        let store = try KeyStore.read(source.bytes, path: request.store, password: request.password.revealed)
        if let storeType = request.storeType, storeType != store.format {
            throw InputError(path: request.store, .wrongFileType, "is a \(store.format) store, not \(storeType)")
        }
        var outcome = TrustStoreImportOutcome(
            action: .added, store: request.store, alias: alias,
            thumbprints: request.certificate.thumbprints)
        if let holder = store.entries.first(where: { $0.certificates.first?.der == request.certificate.der }) {
            outcome.action = .alreadyPresent(alias: holder.alias)
            outcome.alias = holder.alias
            return TrustStoreImportPlan(request: request, outcome: outcome, original: source, result: nil)
        }
        if request.uniqueAlias {
            var number = 2
            while store.entry(alias) != nil {
                alias = KeyStore.normalizedAlias(request.alias) + "-\(number)"
                number += 1
            }
            outcome.alias = alias
        }
        if let taken = store.entry(alias) {
            guard taken.kind == .trustedCertificate else {
                throw InputError(path: request.store, .alreadyExists, "alias \"\(alias)\" is a \(taken.kind.keytoolName); choose another alias")
            }
            let previous = taken.certificates[0].thumbprints
            guard request.replace else {
                throw InputError(
                    path: request.store, .alreadyExists,
                    "alias \"\(alias)\" already holds a different certificate "
                        + "(SHA-256 \(previous.sha256)); choose another alias, or replace it")
            }
            outcome.action = .replaced(previous: previous)
        }
        let updated = try store.settingTrustedCertificate(
            request.certificate, alias: alias, password: request.password.revealed,
            path: request.store)
        try verify(updated, against: store, request: request, alias: alias)
        return TrustStoreImportPlan(request: request, outcome: outcome, original: source, result: updated)
    }

    /// Writes a plan: atomically, under the folder lock, only over the bytes it was planned on
    /// (else it plans again, a few times at most), with a backup.
    public static func write(_ first: TrustStoreImportPlan, stamp: String = Backups.utcStamp()) throws(InputError) -> TrustStoreImportOutcome {
        var plan = first
        for _ in 0..<attempts {
            guard let result = plan.result else { return plan.outcome }
            guard let source = plan.original else { return try create(plan) }
            let request = plan.request
            let resolved = try SafeWriter.resolve(request.store)
            var backup: String?
            let written: SafeWriter.Outcome
            do {
                written = try SafeWriter.withDirectoryLock(for: resolved) { () throws(InputError) in
                    try SafeWriter.replace(resolved, expecting: source.bytes, with: result) { info throws(InputError) in
                        backup = try saveBackup(source, path: request.store, mode: info.st_mode, policy: request.backup, stamp: stamp)
                    }
                }
            } catch {
                if let backup { Backups.discard(backup, stamp: stamp) }
                throw error
            }
            if written != .written, let backup { Backups.discard(backup, stamp: stamp) }
            if written == .written {
                var outcome = plan.outcome
                outcome.backup = backup
                return outcome
            }
            plan = try self.plan(request)
        }
        throw InputError(path: first.request.store, .changedMeanwhile, "kept changing while isconf was writing it (\(attempts) tries); not changed")
    }

    /// A store that does not exist yet is made, as keytool does: its type from the request or the
    /// extension, its password at least 6 characters.
    private static func planCreation(_ request: TrustStoreImportRequest, alias: String) throws(InputError) -> TrustStoreImportPlan {
        guard let format = request.storeType ?? KeyStoreFormat.fromExtension(of: request.store) else {
            throw InputError(
                path: request.store, .invalidArgument,
                "does not exist, and its type cannot be told from its name "
                    + "(.jks, .p12 or .pfx); give the store type")
        }
        guard request.password.revealed.count >= KeyStore.minimumPasswordLength else {
            throw InputError(path: request.store, .invalidArgument, "a new store's password must be at least \(KeyStore.minimumPasswordLength) characters")
        }
        let empty = KeyStore.empty(format)
        let bytes = try empty.settingTrustedCertificate(
            request.certificate, alias: alias, password: request.password.revealed,
            path: request.store)
        try verify(bytes, against: empty, request: request, alias: alias)
        return TrustStoreImportPlan(
            request: request,
            outcome: TrustStoreImportOutcome(
                action: .created(format), store: request.store, alias: alias,
                thumbprints: request.certificate.thumbprints),
            original: nil, result: bytes)
    }

    private static func create(_ plan: TrustStoreImportPlan) throws(InputError) -> TrustStoreImportOutcome {
        let request = plan.request
        try SafeWriter.withDirectoryLock(for: request.store) { () throws(InputError) in
            // Made while isconf waited for the lock: import into it on a next run rather than overwrite it.
            if exists(request.store) {
                throw InputError(path: request.store, .changedMeanwhile, "was created by someone else meanwhile; not changed, run again")
            }
            try SafeWriter.writeNew(request.store, plan.result ?? [], mode: 0o644)
            SafeWriter.syncDirectory(SafeWriter.parent(of: request.store))
        }
        return plan.outcome
    }

    /// Reads the new bytes back with the password: every other entry as before, the new one there.
    private static func verify(
        _ bytes: [UInt8], against old: KeyStore, request: TrustStoreImportRequest,
        alias: String
    ) throws(InputError) {
        func failure(_ what: String) -> InputError {
            InputError(path: request.store, .cannotEdit, "the new store failed its check (\(what)); not changed")
        }
        let reread: KeyStore
        do {
            reread = try KeyStore.read(bytes, path: request.store, password: request.password.revealed)
        } catch {
            throw failure(error.message)
        }
        guard reread.integrityVerified, reread.format == old.format else { throw failure("not verified") }
        for entry in old.entries where entry.alias != alias {
            guard reread.entry(entry.alias) == entry else { throw failure("entry \"\(entry.alias)\" changed") }
        }
        guard let added = reread.entry(alias), added.kind == .trustedCertificate, added.certificates == [request.certificate] else {
            throw failure("the new entry is missing")
        }
        let expected = old.entries.count + (old.entry(alias) == nil ? 1 : 0)
        guard reread.entries.count == expected else { throw failure("\(reread.entries.count) entries, expected \(expected)") }
    }

    private static func saveBackup(
        _ source: SourceFile, path: String, mode: mode_t, policy: BackupPolicy,
        stamp: String
    ) throws(InputError) -> String? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        // Below an IS_HOME, the path from it: as `enable` lays out the XML files' backups.
        let home = home(containing: path)
        let relative = home.map { String(path.dropFirst($0 == "." ? 0 : $0.count + 1)) } ?? name
        switch policy {
        case .none:
            return nil
        case .directory(let directory):
            return try Backups(root: directory, stamp: stamp).save(source, relativePath: relative, mode: mode)
        case .isHome:
            if let home {
                return try Backups(root: home + "/backup/isconf", stamp: stamp).save(source, relativePath: relative, mode: mode)
            }
            let folder = SafeWriter.parent(of: path)
            return try Backups(root: folder == "." ? ".isconf-backup" : folder + "/.isconf-backup", stamp: stamp)
                .save(source, relativePath: name, mode: mode)
        }
    }

    /// The IS_HOME a store sits in (e.g. its repository/resources/security), if any.
    static func home(containing path: String) -> String? {
        var folder = SafeWriter.parent(of: path)
        while true {
            if Discovery.isHome(folder) { return folder }
            let up = SafeWriter.parent(of: folder)
            if up == folder { return nil }
            folder = up
        }
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}
