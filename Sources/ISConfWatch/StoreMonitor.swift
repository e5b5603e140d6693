import ISConfCore
import ISConfDomain
import Logging

/// Keeps the store metrics of the watched IS_HOMEs current. The engine tells it when something a home's
/// stores depend on may have changed (a store file or a folder on its way, the home's configuration
/// files); after the same quiet time as a file check it reads that home's configuration and stores
/// again, as the store rules of `isconf lint` read them. Between refreshes it keeps only paths and the
/// gauges it set: stores are opened through a `StoreCache` that lives for one batch of refreshes (so
/// homes cloned from one pack share one open), then let go with every summary and byte it held.
final class StoreMonitor {
    private let metrics: StoreMetrics
    private let logger: Logger
    private let tomcat: TomcatGeneration?
    /// By IS_HOME: the store files its HTTPS connector named at the last refresh, which the engine watches.
    private(set) var storePaths: [String: [String]] = [:]
    /// By IS_HOME, then store file: whether it opened at the last refresh, so that a change is logged once.
    private var readable: [String: [String: Bool]] = [:]
    /// Homes waiting for a refresh, with the same quiet time as a file check.
    private var pending: Debouncer<String>

    init(metrics: StoreMetrics, logger: Logger, tomcat: TomcatGeneration?, schedule: Debouncer<String>) {
        self.metrics = metrics
        self.logger = logger
        self.tomcat = tomcat
        pending = schedule
    }

    // MARK: When

    /// Refreshes the home once events about it have been quiet for the debounce time.
    func schedule(home: String) { pending.schedule(home) }

    var nextDeadline: UInt64? { pending.nextDeadline }

    /// The homes whose quiet time has passed, taken off the schedule.
    func takeDue() -> [String] { pending.takeDue().map(\.key) }

    /// A refresh of every home is under way: what was scheduled is part of it.
    func cancelScheduled() { pending.cancelAll() }

    // MARK: What

    /// Reads the home's configuration and stores and sets its metrics. Returns true when its connector
    /// now names other store files than those last watched: the engine then lays out its watches again.
    /// A catalina-server.xml (or deployment.toml) that cannot be read or parsed leaves the last values.
    func refresh(_ target: LintTarget, cache: StoreCache) -> Bool {
        guard let home = target.facts.root else { return false }
        var sources: [(ConfigRole, SourceFile)] = []
        for (role, path) in target.files {
            if let source = try? SourceFile.read(path: path) { sources.append((role, source)) }
        }
        let deploymentToml = target.facts.deploymentToml.flatMap { try? SourceFile.read(path: $0) }
        let context = Linter.makeContext(
            sources: sources, facts: target.facts, options: LintOptions(tomcat: tomcat),
            deploymentToml: deploymentToml, storeCache: cache)
        if let count = context.whitelistEntryCount { metrics.update(home: home, whitelistEntries: count) }
        guard context.catalina != nil else { return false }

        let paths = context.storePaths
        let moved = paths != storePaths[home, default: []]
        storePaths[home] = paths
        let observations = context.storeObservations
        metrics.update(home: home, stores: observations)
        var now: [String: Bool] = [:]
        for store in observations {
            let key = store.purpose.rawValue + " " + store.path
            now[key] = store.readable
            let metadata: Logger.Metadata = ["home": "\(home)", "store": "\(store.purpose.rawValue)", "file": "\(store.path)"]
            switch (readable[home]?[key], store.readable) {
            case (true, false), (nil, false):
                logger.warning("store unreadable; isconf lint says why", metadata: metadata)
            case (false, true):
                logger.info("store readable", metadata: metadata)
            default:
                break
            }
        }
        readable[home] = now
        return moved
    }

    /// Forgets the homes not in `homes` (no longer watched) and removes their series.
    func retain(homes: Set<String>) {
        storePaths = storePaths.filter { homes.contains($0.key) }
        readable = readable.filter { homes.contains($0.key) }
        pending.retain { homes.contains($0) }
        metrics.retain(homes: homes)
    }
}
