#if canImport(Glibc)
import Glibc
#endif
import ISConfDomain
import ISConfCore
import Logging
import NIOConcurrencyHelpers

/// The daemon's loop: one thread that sleeps in poll(2) on inotify and a control pipe, checks a file
/// when a burst of events on it has settled, and corrects drift with the same verified, locked,
/// compare-and-swap writer as `isconf enable`. All state below is confined to that thread; other
/// threads only write to the control pipe.
final class WatchEngine: @unchecked Sendable {
    enum Health: Sendable {
        case starting, ready, reloading, stopping
    }

    private enum Kind {
        case xml(ConfigRole)
        /// An IS 5.9+ home's deployment.toml, from which the server renders the XML at every start.
        case deploymentToml
    }

    private struct WatchedFile {
        var target: Int
        var kind: Kind
        var path: String
        /// The folders whose events concern this file, each with the entry name on the way; `direct`
        /// for the file's own folder (and its real folder when the path is a symbolic link).
        var chain: [(folder: String, name: String, direct: Bool)]
        /// Content the daemon last checked or wrote itself: the same bytes again are not news.
        var knownHash: ContentHash?
        /// Rules broken at the last check (drift is counted when a rule joins this set).
        var brokenRules: Set<String> = []
        /// The last problem logged, so a re-check of the same broken file does not repeat it.
        var lastProblem: String?
        var compliant: Bool?
    }

    private enum Interest {
        /// An event on this name may change the file; `direct` when the name is the file itself, else a
        /// folder on the way (replaced: the file is new whatever its bytes).
        case file(Int, direct: Bool)
        /// deployment.toml of this target: it may have appeared or gone, which changes what is watched.
        case home(Int)
        /// A key store or trust store of this target's HTTPS connector, or a folder on its way.
        case stores(Int)
    }

    private struct Folder {
        var mask: UInt32 = 0
        var interests: [String: [Interest]] = [:]
        var watch: Int32?
    }

    private struct PendingCheck {
        var first: UInt64
        var last: UInt64
        var force: Bool
    }

    private struct OnChangeBatch {
        var files: [String] = []
        var rules: Set<String> = []
        var homes: [String] = []
    }

    private let configuration: WatchConfiguration
    private let logger: Logger
    private let metrics: WatchMetrics
    private let notifier: SystemdNotifier
    private let inotify: Inotify
    private let storeMonitor: StoreMonitor
    private let signals: SignalDescriptor
    private let control: (read: Int32, write: Int32)
    private var lastStatus: String?
    let health = NIOLockedValueBox(Health.starting)

    private var targets: [LintTarget]
    private var files: [WatchedFile] = []
    private var folders: [String: Folder] = [:]
    private var foldersByWatch: [Int32: Set<String>] = [:]
    private var pending: [Int: PendingCheck] = [:]
    private var stopping = false
    private var reloadRequested = false

    private var onChangeBatch: OnChangeBatch?
    private var onChangeLastStart: UInt64?
    private var onChangeRunning = false

    private let debounce: UInt64
    /// A file written continuously is still checked this long after its first event.
    private let maximumWait: UInt64

    /// Discovers the paths and opens inotify; throws what stops the daemon from starting.
    init(configuration: WatchConfiguration, logger: Logger, metrics: WatchMetrics, notifier: SystemdNotifier,
         signals: SignalDescriptor) throws(InputError) {
        let discovery = Discovery.discover(configuration.paths)
        if let error = discovery.errors.first { throw error }
        if discovery.targets.isEmpty {
            throw InputError(path: configuration.paths.joined(separator: " "), .noConfiguration, "nothing to watch")
        }
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        self.notifier = notifier
        self.targets = discovery.targets
        self.signals = signals
        inotify = try Inotify()
        var pipeEnds: [Int32] = [0, 0]
        if pipe(&pipeEnds) != 0 { throw InputError.system(errno, path: "pipe") }
        for end in pipeEnds {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        control = (pipeEnds[0], pipeEnds[1])
        debounce = configuration.debounceMilliseconds * 1_000_000
        maximumWait = max(10 * debounce, 1_000_000_000)
        storeMonitor = StoreMonitor(metrics: metrics.stores, logger: logger,
                                    tomcat: configuration.tomcat, debounce: debounce, maximumWait: maximumWait)
        for skipped in discovery.skipped { logger.notice("skipped", metadata: ["reason": "\(skipped)"]) }
        layOut(keeping: [])
    }

    deinit {
        close(control.read)
        close(control.write)
    }

    // MARK: Requests from other threads

    /// Finishes the check in flight, then returns from `run()` (SIGTERM and SIGINT do the same).
    func requestStop() { send("s") }

    private func send(_ byte: Character) {
        var value = UInt8(ascii: byte.unicodeScalars.first!)
        _ = write(control.write, &value, 1)
    }

    // MARK: The loop

    /// Runs on its own thread until `requestStop()`.
    func run() {
        checkAll(reason: "start")
        becomeReady()
        var nextInterval = configuration.intervalSeconds.map { MonotonicClock.nanoseconds() + $0 * 1_000_000_000 }
        var nextWatchdog = notifier.watchdogInterval.map { _ in MonotonicClock.nanoseconds() }
        while !stopping {
            let now = MonotonicClock.nanoseconds()
            if let due = nextWatchdog, now >= due {
                notifier.notify("WATCHDOG=1")
                nextWatchdog = now + notifier.watchdogInterval!
            }
            if let due = nextInterval, now >= due {
                logger.debug("interval re-check")
                checkAll(reason: "interval")
                nextInterval = MonotonicClock.nanoseconds() + configuration.intervalSeconds! * 1_000_000_000
            }
            runDueChecks(now: MonotonicClock.nanoseconds())
            refreshStores(storeMonitor.takeDue(now: MonotonicClock.nanoseconds()))
            startOnChangeIfDue(now: MonotonicClock.nanoseconds())
            if stopping { break }

            let deadline = [nextWatchdog, nextInterval, nextCheckDeadline(), storeMonitor.nextDeadline, onChangeDeadline()]
                .compactMap { $0 }.min()
            wait(until: deadline)
            if reloadRequested {
                reloadRequested = false
                reload()
            }
        }
        logger.info("stopped")
    }

    private func wait(until deadline: UInt64?) {
        var timeout: Int32 = -1
        if let deadline {
            let now = MonotonicClock.nanoseconds()
            timeout = deadline <= now ? 0 : Int32(min((deadline - now + 999_999) / 1_000_000, UInt64(Int32.max)))
        }
        var descriptors = [pollfd(fd: inotify.descriptor, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: control.read, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: signals.descriptor, events: Int16(POLLIN), revents: 0)]
        if poll(&descriptors, 3, timeout) <= 0 { return }
        if descriptors[2].revents != 0 {
            for signal in signals.read() {
                if signal == SIGHUP {
                    reloadRequested = true
                } else {
                    beginStop(reason: SignalDescriptor.name(signal))
                }
            }
        }
        if descriptors[1].revents != 0 { readControl() }
        if descriptors[0].revents != 0 { handle(inotify.read()) }
    }

    private func beginStop(reason: String) {
        if stopping { return }
        stopping = true
        health.withLockedValue { $0 = .stopping }
        notifier.notify("STOPPING=1")
        logger.info("stopping", metadata: ["reason": "\(reason)"])
    }

    private func readControl() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while true {
            let count = read(control.read, &bytes, bytes.count)
            if count <= 0 { return }
            for byte in bytes[..<count] {
                switch byte {
                case UInt8(ascii: "s"): beginStop(reason: "shutdown")
                case UInt8(ascii: "c"): onChangeRunning = false
                default: break
                }
            }
        }
    }

    private func becomeReady() {
        health.withLockedValue { if $0 != .stopping { $0 = .ready } }
        lastStatus = status()
        notifier.notify("READY=1\nSTATUS=\(lastStatus!)")
        let homes = Set(targets.compactMap(\.facts.root)).count
        logger.info("watching", metadata: ["files": .stringConvertible(files.count), "homes": .stringConvertible(homes),
                                           "mode": "\(configuration.reportOnly ? "report-only" : "enforce")"])
    }

    /// Tells systemd the counts when they changed.
    private func updateStatus() {
        let current = status()
        if current == lastStatus { return }
        lastStatus = current
        notifier.notify("STATUS=\(current)")
    }

    private func status() -> String {
        let compliant = files.filter { $0.compliant == true }.count
        return "watching \(files.count) file\(files.count == 1 ? "" : "s"): \(compliant) compliant, \(files.count - compliant) not"
    }

    // MARK: Configuration (start and SIGHUP)

    private func reload() {
        health.withLockedValue { if $0 != .stopping { $0 = .reloading } }
        notifier.notify("RELOADING=1\nMONOTONIC_USEC=\(SystemdNotifier.monotonicMicroseconds())")
        let discovery = Discovery.discover(configuration.paths)
        for error in discovery.errors { logger.error("reload: cannot watch", metadata: ["error": "\(error)"]) }
        if discovery.targets.isEmpty {
            logger.error("reload: nothing to watch; keeping the previous set")
        } else {
            targets = discovery.targets
            relayOut()
        }
        logger.info("reloaded")
        checkAll(reason: "reload")
        becomeReady()
    }

    /// Watches the files of `targets` anew, keeping what was learnt about the files still there.
    private func relayOut() {
        let previous = files
        for watch in foldersByWatch.keys { inotify.remove(watch) }
        layOut(keeping: previous)
        let kept = Set(files.map(\.path))
        for file in previous where !kept.contains(file.path) { metrics.forget(file: file.path) }
    }

    /// Builds the file list and the folders to watch; a file already known keeps what was learnt about it.
    private func layOut(keeping previous: [WatchedFile]) {
        let known = Dictionary(previous.map { ($0.path, $0) }) { first, _ in first }
        files = []
        folders = [:]
        foldersByWatch = [:]
        pending = [:]
        for (index, target) in targets.enumerated() {
            var watched = target.files.map { (Kind.xml($0.role), $0.path) }
            if let toml = target.facts.deploymentToml { watched.append((.deploymentToml, toml)) }
            for (kind, path) in watched where !files.contains(where: { $0.path == path }) {  // a path given twice
                let root = target.facts.root.map(Self.withoutTrailingSlash)
                var file = WatchedFile(target: index, kind: kind, path: path, chain: Self.chain(of: path, root: root))
                if let old = known[path] {
                    file.knownHash = old.knownHash
                    file.brokenRules = old.brokenRules
                    file.compliant = old.compliant
                }
                let fileIndex = files.count
                for step in file.chain {
                    folders[step.folder, default: Folder()].mask |= step.direct ? Inotify.fileEvents : Inotify.pathEvents
                    folders[step.folder, default: Folder()].interests[step.name, default: []].append(.file(fileIndex, direct: step.direct))
                }
                files.append(file)
            }
            if let root = target.facts.root {
                let conf = Self.withoutTrailingSlash(root) + "/repository/conf"
                folders[conf, default: Folder()].mask |= Inotify.fileEvents
                folders[conf, default: Folder()].interests["deployment.toml", default: []].append(.home(index))
                for store in storeMonitor.storePaths[root] ?? [] {
                    for step in Self.chain(of: store, root: Self.withoutTrailingSlash(root)) {
                        folders[step.folder, default: Folder()].mask |= step.direct ? Inotify.fileEvents : Inotify.pathEvents
                        folders[step.folder, default: Folder()].interests[step.name, default: []].append(.stores(index))
                    }
                }
            }
        }
        for folder in folders.keys.sorted() { watch(folder) }
    }

    /// The folder of the file and the folders above it up to IS_HOME (two levels for a single file),
    /// plus the real folder when the path is a symbolic link.
    private static func chain(of path: String, root: String?) -> [(folder: String, name: String, direct: Bool)] {
        var steps: [(folder: String, name: String, direct: Bool)] = []
        var current = path
        let levels = root == nil ? 2 : Int.max
        while steps.count < levels {
            let folder = SafeWriter.parent(of: current)
            let name = String(current.split(separator: "/").last ?? Substring(current))
            if folder == current || name.isEmpty { break }
            steps.append((folder, name, steps.isEmpty))
            if let root, current == root || folder == root { break }
            if root != nil, !folder.hasPrefix(root!) { break }
            current = folder
        }
        // The IS_HOME itself, from the folder holding it: a home moved away and another put in its
        // place (`mv home home.old; cp -r fresh home`) is seen when the new one appears.
        if let root, steps.last?.folder == root {
            let above = SafeWriter.parent(of: root)
            let name = String(root.split(separator: "/").last ?? "")
            if above != root, !name.isEmpty, name != ".", name != ".." { steps.append((above, name, false)) }
        }
        // A symbolic link: the real file's folder too (where `enable` writes).
        let name = String(path.split(separator: "/").last ?? "")
        if let resolved = try? SafeWriter.resolve(path), let folder = try? SafeWriter.resolve(SafeWriter.parent(of: path)),
           resolved != folder + "/" + name {
            steps.append((SafeWriter.parent(of: resolved), String(resolved.split(separator: "/").last ?? ""), true))
        }
        return steps
    }

    private static func withoutTrailingSlash(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }

    /// (Re-)watches a folder; a folder replaced by a new one gets a new watch and the old one is dropped.
    private func watch(_ path: String) {
        guard let folder = folders[path] else { return }
        switch inotify.watch(folder: path, mask: folder.mask) {
        case .success(let id):
            if let old = folder.watch, old != id { unlink(watch: old, from: path) }
            folders[path]!.watch = id
            foldersByWatch[id, default: []].insert(path)
        case .failure(let error):
            if let old = folder.watch { unlink(watch: old, from: path) }
            folders[path]!.watch = nil
            // A missing folder is watched for from the one above it.
            if access(path, F_OK) == 0 { logger.warning("cannot watch folder", metadata: ["folder": "\(path)", "error": "\(error)"]) }
        }
    }

    private func unlink(watch id: Int32, from path: String) {
        foldersByWatch[id]?.remove(path)
        if foldersByWatch[id]?.isEmpty == true {
            foldersByWatch[id] = nil
            inotify.remove(id)
        }
    }

    // MARK: Events

    private func handle(_ events: [Inotify.Event]) {
        let now = MonotonicClock.nanoseconds()
        var layoutChanged = false
        for event in events {
            if event.mask & Inotify.overflow != 0 {
                logger.warning("inotify queue overflowed; re-checking everything")
                for index in files.indices { schedule(index, at: now, force: true) }
                continue
            }
            guard let paths = foldersByWatch[event.watch] else { continue }
            if event.mask & Inotify.folderGone != 0 {
                if event.mask & UInt32(IN_IGNORED) != 0 {
                    for path in paths { folders[path]?.watch = nil }
                    foldersByWatch[event.watch] = nil
                }
                for (index, file) in files.enumerated() where file.chain.contains(where: { paths.contains($0.folder) }) {
                    schedule(index, at: now, force: true)
                }
                for path in paths {
                    for case .stores(let target) in folders[path]?.interests.values.flatMap({ $0 }) ?? [] {
                        if let root = targets[target].facts.root { storeMonitor.schedule(home: root, at: now) }
                    }
                }
                continue
            }
            for path in paths {
                for interest in folders[path]?.interests[event.name] ?? [] {
                    switch interest {
                    case .file(let index, let direct):
                        schedule(index, at: now, force: !direct)
                    case .home(let target):
                        guard let root = targets[target].facts.root else { continue }
                        let facts = Discovery.home(root).facts
                        if (facts.deploymentToml == nil) != (targets[target].facts.deploymentToml == nil) { layoutChanged = true }
                        targets[target].facts = facts
                    case .stores(let target):
                        if let root = targets[target].facts.root { storeMonitor.schedule(home: root, at: now) }
                    }
                }
            }
        }
        if layoutChanged {
            // A deployment.toml appeared or went: which files are watched, and how the home is enabled, changed.
            relayOut()
            for index in files.indices { schedule(index, at: now, force: true) }
        }
    }

    private func schedule(_ index: Int, at now: UInt64, force: Bool) {
        if var check = pending[index] {
            check.last = now
            check.force = check.force || force
            pending[index] = check
        } else {
            pending[index] = PendingCheck(first: now, last: now, force: force)
        }
    }

    private func due(_ check: PendingCheck) -> UInt64 { min(check.last + debounce, check.first + maximumWait) }

    private func nextCheckDeadline() -> UInt64? { pending.values.map(due).min() }

    private func runDueChecks(now: UInt64) {
        let ready = pending.filter { due($0.value) <= now }.sorted { $0.key < $1.key }
        if ready.isEmpty { return }
        for (index, check) in ready {
            pending[index] = nil
            self.check(index, reason: "change", force: check.force)
            // A home's configuration names its stores and holds its whitelist.
            if let root = targets[files[index].target].facts.root { storeMonitor.schedule(home: root, at: now) }
            if stopping { return }
        }
        updateStatus()
    }

    private func checkAll(reason: String) {
        pending = [:]
        for index in files.indices {
            check(index, reason: reason, force: true)
        }
        updateStatus()
        storeMonitor.cancelScheduled()
        let homes = targets.compactMap(\.facts.root)
        storeMonitor.retain(homes: Set(homes))
        refreshStores(homes)
    }

    /// Refreshes the store metrics of these IS_HOMEs with one store cache, so that homes sharing a
    /// store open it once. A connector that now names other stores gets them watched, then read once
    /// more, for a change made before the new watch was in place.
    private func refreshStores(_ homes: [String]) {
        if homes.isEmpty { return }
        let cache = StoreCache()
        var moved: [String] = []
        for home in homes {
            guard let target = targets.first(where: { $0.facts.root == home }) else { continue }
            for store in storeMonitor.storePaths[home] ?? [] {
                for step in Self.chain(of: store, root: Self.withoutTrailingSlash(home)) { watch(step.folder) }
            }
            if storeMonitor.refresh(target, cache: cache) { moved.append(home) }
        }
        if moved.isEmpty { return }
        let scheduled = pending
        relayOut()
        pending = scheduled
        for home in moved {
            guard let target = targets.first(where: { $0.facts.root == home }) else { continue }
            if storeMonitor.refresh(target, cache: cache) { storeMonitor.schedule(home: home, at: MonotonicClock.nanoseconds()) }
        }
    }

    // MARK: Checking and correcting one file

    private func check(_ index: Int, reason: String, force: Bool) {
        let started = MonotonicClock.nanoseconds()
        for step in files[index].chain { watch(step.folder) }
        let path = files[index].path
        let target = targets[files[index].target]

        let source: SourceFile
        do {
            source = try SourceFile.read(path: path)
        } catch {
            report(index, problem: "\(error)", event: "cannot read")
            files[index].knownHash = nil
            return
        }
        let hash = ContentHash(source.bytes)
        if !force, hash == files[index].knownHash {
            logger.trace("unchanged", metadata: ["file": "\(path)"])
            return
        }
        metrics.checked(atEpochSeconds: Self.epochSeconds())

        // IS 5.9+ renders the XML from deployment.toml at every start: deployment.toml is corrected, the XML only reported.
        let generated: Bool
        let outcome: TargetOutcome
        var request = EnableRequest(options: configuration.options, tomcat: configuration.tomcat, backup: configuration.backup)
        switch files[index].kind {
        case .xml(let role):
            generated = target.facts.deploymentToml != nil
            request.forceXML = true
            request.write = !configuration.reportOnly && !generated
            outcome = Enabler.run(LintTarget(facts: target.facts, files: [(role, path)]), request, alreadyRead: [source])
        case .deploymentToml:
            generated = false
            request.write = !configuration.reportOnly
            outcome = Enabler.enableDeploymentToml(target, request, alreadyRead: [source])
        }
        let writes = request.write
        let took = Double((MonotonicClock.nanoseconds() - started) / 10_000) / 100

        guard let result = outcome.files.first else {
            // Not parseable or not readable: never written; the next change is checked again.
            files[index].knownHash = hash
            if let failure = outcome.error { report(index, problem: "\(failure)", event: "cannot check; left untouched until it changes") }
            return
        }
        files[index].lastProblem = nil
        var metadata: Logger.Metadata = ["file": "\(path)", "reason": "\(reason)", "took_ms": .stringConvertible(took)]
        if !result.changed {
            if !files[index].brokenRules.isEmpty || files[index].compliant == false {
                logger.info("compliant", metadata: metadata)
            } else {
                logger.debug("compliant", metadata: metadata)
            }
            files[index].brokenRules = []
            files[index].knownHash = hash
            setCompliant(index, true)
            return
        }

        let rules = Set(result.rulesFixed)
        for rule in rules.subtracting(files[index].brokenRules).sorted() { metrics.driftDetected(file: path, rule: rule) }
        metadata["rules"] = .array(rules.sorted().map { .string($0) })
        metadata["changes"] = .array(result.changes.map { .string($0) })

        if !writes {
            files[index].knownHash = hash
            if rules != files[index].brokenRules || reason != "interval" {
                metadata["action"] = .string(generated ? "none: IS 5.9+ renders this file from deployment.toml at its next start" : "none: --report-only")
                logger.warning("drift", metadata: metadata)
            }
            files[index].brokenRules = rules
            setCompliant(index, false)
            return
        }
        if result.written, let content = result.writtenContent {
            files[index].knownHash = ContentHash(content)
            files[index].brokenRules = []
            if let backup = result.backup { metadata["backup"] = .string(backup) }
            logger.info("corrected", metadata: metadata)
            metrics.remediated(success: true)
            setCompliant(index, true)
            queueOnChange(file: path, rules: rules, home: target.facts.root)
            return
        }
        // Planned but not written: the writer refused (read-only, full disk, lock held too long…).
        files[index].knownHash = nil  // try again at the next event, even an unchanged save
        files[index].brokenRules = rules
        if let failure = outcome.error { metadata["error"] = .string(failure.description) }
        logger.error("correction failed", metadata: metadata)
        metrics.remediated(success: false)
        setCompliant(index, false)
    }

    private func report(_ index: Int, problem: String, event: String) {
        if files[index].lastProblem != problem {
            logger.error("\(event)", metadata: ["file": "\(files[index].path)", "error": "\(problem)"])
            files[index].lastProblem = problem
        }
        setCompliant(index, false)
    }

    private func setCompliant(_ index: Int, _ compliant: Bool) {
        files[index].compliant = compliant
        metrics.setCompliant(file: files[index].path, compliant)
    }

    private static func epochSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    // MARK: --on-change

    private func queueOnChange(file: String, rules: Set<String>, home: String?) {
        guard configuration.onChange != nil else { return }
        var batch = onChangeBatch ?? OnChangeBatch()
        if !batch.files.contains(file) { batch.files.append(file) }
        batch.rules.formUnion(rules)
        if let home, !batch.homes.contains(home) { batch.homes.append(home) }
        onChangeBatch = batch
    }

    private func onChangeDeadline() -> UInt64? {
        guard onChangeBatch != nil, !onChangeRunning else { return nil }
        guard let last = onChangeLastStart else { return 0 }
        return last + configuration.onChangeMinIntervalSeconds * 1_000_000_000
    }

    private func startOnChangeIfDue(now: UInt64) {
        guard let command = configuration.onChange, let batch = onChangeBatch, let deadline = onChangeDeadline(),
              deadline <= now else { return }
        onChangeBatch = nil
        onChangeLastStart = now
        let environment = ["ISCONF_FILE": batch.files.joined(separator: "\n"),
                           "ISCONF_RULES": batch.rules.sorted().joined(separator: ","),
                           "ISCONF_HOME": batch.homes.joined(separator: "\n")]
        switch command.spawn(environment: environment) {
        case .failure(let error):
            logger.error("on-change failed to start", metadata: ["error": "\(error)"])
        case .success(let pid):
            onChangeRunning = true
            logger.info("on-change started", metadata: ["pid": .stringConvertible(Int(pid)), "files": .array(batch.files.map { .string($0) })])
            let logger = self.logger
            let wake = control.write
            startThread(name: "isconf-onchange") {
                let status = OnChangeCommand.wait(pid)
                let took = Double((MonotonicClock.nanoseconds() - now) / 1_000_000)
                if status == 0 {
                    logger.info("on-change finished", metadata: ["pid": .stringConvertible(Int(pid)), "status": .stringConvertible(0), "took_ms": .stringConvertible(took)])
                } else {
                    logger.error("on-change failed", metadata: ["pid": .stringConvertible(Int(pid)), "status": .stringConvertible(Int(status)), "took_ms": .stringConvertible(took)])
                }
                var byte = UInt8(ascii: "c")
                _ = write(wake, &byte, 1)
            }
        }
    }
}
