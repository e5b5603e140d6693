import ISConfCore
import ISConfDomain
import Logging
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's loop: one thread that sleeps in poll(2) on inotify, a control pipe and a signal
/// descriptor until the next deadline, and hands the work to its parts: the layout says what to watch,
/// the debouncer when a file is due, the drift corrector checks and corrects it, the on-change runner
/// runs the operator's command. All state below is confined to that thread; other threads only send
/// messages on the control pipe.
final class WatchEngine: @unchecked Sendable {
    enum Health: Sendable {
        case starting, ready, reloading, stopping
    }

    private let configuration: WatchConfiguration
    private let logger: Logger
    private let notifier: SystemdNotifier
    private let signals: SignalDescriptor
    private let clock: any EngineClock
    private let control: ControlPipe
    private let watches: FolderWatches
    private let storeMonitor: StoreMonitor
    private let corrector: DriftCorrector
    private let onChange: OnChangeRunner?
    private var lastStatus: String?
    let health = NIOLockedValueBox(Health.starting)

    private var targets: [LintTarget]
    private var layout: WatchLayout
    /// Pending checks, by index in `layout.files`.
    private var checks: Debouncer<Int>
    private var stopping = false
    private var reloadRequested = false

    /// Discovers the paths and opens inotify; throws what stops the daemon from starting.
    init(
        configuration: WatchConfiguration, logger: Logger, metrics: WatchMetrics, notifier: SystemdNotifier,
        signals: SignalDescriptor, clock: any EngineClock = MonotonicClock()
    ) throws(InputError) {
        let discovery = Discovery.discover(configuration.paths)
        if let error = discovery.errors.first { throw error }
        if discovery.targets.isEmpty {
            throw InputError(path: configuration.paths.joined(separator: " "), .noConfiguration, "nothing to watch")
        }
        self.configuration = configuration
        self.logger = logger
        self.notifier = notifier
        self.signals = signals
        self.clock = clock
        targets = discovery.targets
        watches = try FolderWatches(logger: logger)
        control = try ControlPipe()
        let debounce = configuration.debounceMilliseconds * 1_000_000
        checks = Debouncer(clock: clock, debounceNanoseconds: debounce)
        storeMonitor = StoreMonitor(
            metrics: metrics.stores, logger: logger, tomcat: configuration.tomcat,
            schedule: Debouncer(clock: clock, debounceNanoseconds: debounce))
        corrector = DriftCorrector(configuration: configuration, logger: logger, metrics: metrics, clock: clock)
        onChange = OnChangeRunner(configuration: configuration, logger: logger, clock: clock, control: control)
        for skipped in discovery.skipped { logger.notice("skipped", metadata: ["reason": "\(skipped)"]) }
        layout = WatchLayout(targets: targets, storePaths: storeMonitor.storePaths, resolve: WatchLayout.resolveOnDisk)
        watches.replace(with: layout)
    }

    /// Finishes the check in flight, then returns from `run()` (SIGTERM and SIGINT do the same).
    func requestStop() { control.send(.stop) }

    // MARK: The loop

    /// Runs on its own thread until `requestStop()`.
    func run() {
        checkAll(reason: .start)
        becomeReady()
        let started = clock.nanoseconds
        var interval = configuration.intervalSeconds.map { seconds in
            PeriodicTimer(period: seconds * 1_000_000_000, firstDeadline: started + seconds * 1_000_000_000)
        }
        var watchdog = notifier.watchdogInterval.map { PeriodicTimer(period: $0, firstDeadline: started) }
        while !stopping {
            let now = clock.nanoseconds
            if watchdog?.isDue(at: now) == true {
                notifier.notify("WATCHDOG=1")
                watchdog?.restart(at: now)
            }
            if interval?.isDue(at: now) == true {
                logger.debug("interval re-check")
                checkAll(reason: .interval)
                interval?.restart(at: clock.nanoseconds)
            }
            runDueChecks()
            refreshStores(storeMonitor.takeDue())
            onChange?.startIfDue(now: clock.nanoseconds)

            let deadline = [
                watchdog?.deadline, interval?.deadline, checks.nextDeadline, storeMonitor.nextDeadline,
                onChange?.nextDeadline,
            ].compactMap { $0 }.min()
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
            let now = clock.nanoseconds
            timeout = deadline <= now ? 0 : Int32(min((deadline - now + 999_999) / 1_000_000, UInt64(Int32.max)))
        }
        var descriptors = [
            pollfd(fd: watches.descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: control.descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: signals.descriptor, events: Int16(POLLIN), revents: 0),
        ]
        if poll(&descriptors, 3, timeout) <= 0 { return }
        if descriptors[2].revents != 0 {
            for signal in signals.read() {
                if signal == SIGHUP {
                    reloadRequested = true
                } else {
                    beginStop(reason: .signal(signal))
                }
            }
        }
        if descriptors[1].revents != 0 {
            for message in control.receive() {
                switch message {
                case .stop: beginStop(reason: .shutdown)
                case .onChangeFinished: onChange?.finished()
                }
            }
        }
        if descriptors[0].revents != 0 { handle(watches.read()) }
    }

    private func beginStop(reason: StopReason) {
        if stopping { return }
        stopping = true
        health.withLockedValue { $0 = .stopping }
        notifier.notify("STOPPING=1")
        logger.info("stopping", metadata: ["reason": "\(reason)"])
    }

    private func becomeReady() {
        health.withLockedValue { if $0 != .stopping { $0 = .ready } }
        let current = status()
        lastStatus = current
        notifier.notify("READY=1\nSTATUS=\(current)")
        let homes = Set(targets.compactMap(\.facts.root)).count
        logger.info(
            "watching",
            metadata: [
                "files": .stringConvertible(layout.files.count), "homes": .stringConvertible(homes),
                "mode": "\(configuration.reportOnly ? "report-only" : "enforce")",
            ])
    }

    /// Tells systemd the counts when they changed.
    private func updateStatus() {
        let current = status()
        if current == lastStatus { return }
        lastStatus = current
        notifier.notify("STATUS=\(current)")
    }

    private func status() -> String {
        let count = layout.files.count
        let compliant = layout.files.filter { corrector.isCompliant($0.path) }.count
        return "watching \(count) file\(count == 1 ? "" : "s"): \(compliant) compliant, \(count - compliant) not"
    }

    // MARK: Configuration (SIGHUP, deployment.toml, store files)

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
        checkAll(reason: .reload)
        becomeReady()
    }

    /// Watches the files of `targets` anew; what was learnt about the files still there is kept. The
    /// caller decides what becomes of the pending checks, which are by file index.
    private func relayOut() {
        layout = WatchLayout(targets: targets, storePaths: storeMonitor.storePaths, resolve: WatchLayout.resolveOnDisk)
        watches.replace(with: layout)
        corrector.retain(paths: Set(layout.files.map(\.path)))
    }

    // MARK: Events

    private func handle(_ events: [Inotify.Event]) {
        var layoutChanged = false
        for event in events {
            if event.mask & Inotify.overflow != 0 {
                logger.warning("inotify queue overflowed; re-checking everything")
                for index in layout.files.indices { checks.schedule(index, force: true) }
                continue
            }
            guard let paths = watches.folders(of: event.watch) else { continue }
            if event.mask & Inotify.folderGone != 0 {
                if event.mask & UInt32(IN_IGNORED) != 0 { watches.forget(watch: event.watch) }
                for (index, file) in layout.files.enumerated() where file.chain.contains(where: { paths.contains($0.folder) }) {
                    checks.schedule(index, force: true)
                }
                for path in paths {
                    for case .stores(let target) in layout.folders[path]?.interests.values.flatMap({ $0 }) ?? [] {
                        if let root = targets[target].facts.root { storeMonitor.schedule(home: root) }
                    }
                }
                continue
            }
            for path in paths {
                for interest in layout.folders[path]?.interests[event.name] ?? [] {
                    switch interest {
                    case .file(let index, let direct):
                        checks.schedule(index, force: !direct)
                    case .home(let target):
                        guard let root = targets[target].facts.root else { continue }
                        let facts = Discovery.home(root).facts
                        if (facts.deploymentToml == nil) != (targets[target].facts.deploymentToml == nil) { layoutChanged = true }
                        targets[target].facts = facts
                    case .stores(let target):
                        if let root = targets[target].facts.root { storeMonitor.schedule(home: root) }
                    }
                }
            }
        }
        if layoutChanged {
            // A deployment.toml appeared or went: which files are watched, and how the home is enabled, changed.
            relayOut()
            checks.cancelAll()
            for index in layout.files.indices { checks.schedule(index, force: true) }
        }
    }

    private func runDueChecks() {
        let ready = checks.takeDue()
        if ready.isEmpty { return }
        for (index, force) in ready {
            check(index, reason: .change, force: force)
            // A home's configuration names its stores and holds its whitelist.
            if let root = targets[layout.files[index].target].facts.root { storeMonitor.schedule(home: root) }
        }
        updateStatus()
    }

    private func checkAll(reason: CheckReason) {
        checks.cancelAll()
        for index in layout.files.indices { check(index, reason: reason, force: true) }
        updateStatus()
        storeMonitor.cancelScheduled()
        let homes = targets.compactMap(\.facts.root)
        storeMonitor.retain(homes: Set(homes))
        refreshStores(homes)
    }

    /// Re-watches the file's folders (one may have been replaced), then checks and corrects it.
    private func check(_ index: Int, reason: CheckReason, force: Bool) {
        let file = layout.files[index]
        for step in file.chain { watches.watch(step.folder) }
        let target = targets[file.target]
        if let fixed = corrector.check(file, of: target, reason: reason, force: force) {
            onChange?.queue(file: file.path, rules: fixed, home: target.facts.root)
        }
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
                let root = WatchLayout.withoutTrailingSlash(home)
                for step in WatchLayout.chain(of: store, root: root, resolve: WatchLayout.resolveOnDisk) { watches.watch(step.folder) }
            }
            if storeMonitor.refresh(target, cache: cache) { moved.append(home) }
        }
        if moved.isEmpty { return }
        relayOut()  // the same files in the same order: the pending checks stand
        for home in moved {
            guard let target = targets.first(where: { $0.facts.root == home }) else { continue }
            if storeMonitor.refresh(target, cache: cache) { storeMonitor.schedule(home: home) }
        }
    }
}
