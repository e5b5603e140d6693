import ISConfCore
import ISConfTrustStore
import ISConfXML
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The key store files of a home as the store rules see them, and the moment certificates are
/// judged at: the disk and the clock in a lint, memory and a fixed date in the rules' examples.
public struct StoreFiles: Sendable {
    private let memory: [String: [UInt8]]?
    private let fixedNow: Timestamp?
    /// What the examples' stores hold, for `isconf rules`.
    public let descriptions: [String]

    /// The disk and the clock.
    public init() {
        self.init(memory: nil, now: nil, descriptions: [])
    }

    /// Files held in memory by path, judged at `now`.
    public init(files: [String: [UInt8]], now: Timestamp, descriptions: [String]) {
        self.init(memory: files, now: now, descriptions: descriptions)
    }

    private init(memory: [String: [UInt8]]?, now: Timestamp?, descriptions: [String]) {
        self.memory = memory
        fixedNow = now
        self.descriptions = descriptions
    }

    public var now: Timestamp { fixedNow ?? .now() }

    func exists(_ path: String) -> Bool {
        memory.map { $0[path] != nil } ?? FileSystem.exists(path)
    }

    /// The store at `path`, read and verified with `password`; without one (secure vault) a JKS
    /// store is still listed, unverified. Opened through the run's `cache`: a store with the same
    /// bytes and password as one another home has is not opened again.
    func open(_ path: String, password: Secret?, cache: StoreCache) -> Result<StoreSummary, InputError> {
        let bytes: [UInt8]
        if let memory {
            guard let held = memory[path] else { return .failure(InputError(path: path, .notFound)) }
            bytes = held
        } else {
            do { bytes = try SourceFile.read(path: path).bytes } catch { return .failure(error) }
        }
        return cache.open(bytes, path: path, password: password?.revealed)
    }
}

/// The stores of one lint: opened, through the run's cache, when the first store rule asks, then
/// shared by the other store rules, and let go with the lint so that a fleet's homes do not keep
/// theirs until the end of the run.
final class LintStores: Sendable {
    let cache: StoreCache
    private let opened = Mutex<[StoreCheck]?>(nil)

    init(cache: StoreCache) {
        self.cache = cache
    }

    func checks(_ make: () -> [StoreCheck]) -> [StoreCheck] {
        opened.withLock { opened in
            if let opened { return opened }
            let checks = make()
            opened = checks
            return checks
        }
    }
}

/// One store of the main HTTPS connector, as far as isconf could get with it.
struct StoreCheck: Sendable {
    enum State: Sendable {
        /// The path holds a placeholder other than `${carbon.home}`.
        case unresolvedPath
        case missing(path: String)
        /// Its password is in secure vault; a JKS store is still listed, without its integrity checked.
        case secureVault(alias: String, listed: StoreSummary?)
        /// Not a store isconf can read, or the password is wrong: the library's message.
        case unreadable(InputError)
        case opened(StoreSummary)
    }

    let reference: StoreReference
    let state: State
    let document: XMLDocument
    /// Names the store independently of its line, for fingerprints: `Connector[port=9443].truststore`.
    let subject: String

    var isOpened: Bool {
        if case .opened = state { return true }
        return false
    }

    /// The store's entries, when they could be read.
    var store: StoreSummary? {
        switch state {
        case .opened(let store): store
        case .secureVault(_, let listed): listed
        default: nil
        }
    }

    /// The resolved path, or the path as written when it could not be resolved.
    var shownPath: String { reference.resolvedPath ?? reference.path }

    /// The key entry Tomcat serves: the one `keyAlias` names, else the first private key.
    var servedKeyEntry: StoreSummary.Entry? {
        guard let store else { return nil }
        if let alias = reference.keyAlias { return store.entry(alias).flatMap { $0.kind == .privateKey ? $0 : nil } }
        return store.entries.first { $0.kind == .privateKey }
    }
}

extension LintContext {
    /// The main HTTPS connector's key store and trust store, each opened once per lint and shared by
    /// the store rules; none without an IS_HOME to resolve `${carbon.home}` in.
    var storeChecks: [StoreCheck] { stores.checks(makeStoreChecks) }

    private func makeStoreChecks() -> [StoreCheck] {
        guard let home = facts.root, let server = catalina, let connector = server.mainHTTPSConnector else { return [] }
        let files = facts.storeFiles
        let references = connector.storeReferences(generation: tomcat, home: home, kernelVersion: facts.kernelVersion)
        return references.map { named in
            let reference = options.storePaths[named.pathBelowHome].map(named.relocated) ?? named
            let state: StoreCheck.State
            if let path = reference.resolvedPath {
                if !files.exists(path) {
                    state = .missing(path: path)
                } else {
                    switch reference.password {
                    case .secureVault(let alias):
                        state = .secureVault(alias: alias, listed: try? files.open(path, password: nil, cache: stores.cache).get())
                    case .known(let password):
                        switch files.open(path, password: password, cache: stores.cache) {
                        case .success(let store): state = .opened(store)
                        case .failure(let error): state = .unreadable(error)
                        }
                    }
                }
            } else {
                state = .unresolvedPath
            }
            let subject = connector.subject + (reference.purpose == .keyStore ? ".keystore" : ".truststore")
            return StoreCheck(reference: reference, state: state, document: server.document, subject: subject)
        }
    }

    /// A finding about a store, at `attribute`, else at the attribute that names the store (or its element).
    func finding(
        _ rule: Rule, _ message: String, about check: StoreCheck, at attribute: XMLAttribute? = nil,
        severity: Severity? = nil, hint: String?, subject: String? = nil
    ) -> Finding {
        let position = attribute.map { check.document.position(of: $0.nameSpan.start) } ?? check.reference.position(in: check.document)
        return Finding(
            rule: rule.id, severity: severity ?? rule.severity, message: message, file: check.document.path,
            position: position, hint: hint, subject: subject ?? check.subject)
    }
}

extension StoreReference {
    /// How `LintOptions.storePaths` names this store: its path as catalina-server.xml writes it (or the
    /// default's), without a leading `${carbon.home}/`.
    var pathBelowHome: String {
        let placeholder = "${carbon.home}/"
        return path.hasPrefix(placeholder) ? String(path.dropFirst(placeholder.count)) : path
    }

    /// The same store, opened at `realPath` (where the configuration says it really is).
    func relocated(to realPath: String) -> StoreReference {
        StoreReference(
            purpose: purpose, path: path, resolvedPath: realPath, type: type, password: password,
            fileAttribute: fileAttribute, passwordAttribute: passwordAttribute, passwordOrigin: passwordOrigin,
            defaultOrigin: defaultOrigin, element: element, keyAlias: keyAlias)
    }
}
