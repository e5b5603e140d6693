import ISConfCore
import ISConfDomain
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Checks one watched file and corrects it with the domain's `Enabler`, as `isconf enable` would
/// (verified, locked, compare-and-swap writes), then logs and counts the outcome. It remembers per
/// file what it last saw and said, so that its own writes, and drift already reported, are not news.
final class DriftCorrector {
    private struct Memory {
        /// Content last checked or written by the daemon itself: the same bytes again are not news.
        var knownHash: ContentHash?
        /// Rules broken at the last check (drift is counted when a rule joins this set).
        var brokenRules: Set<String> = []
        /// The last problem logged, so a re-check of the same broken file does not repeat it.
        var lastProblem: String?
        var compliant: Bool?
    }

    private let configuration: WatchConfiguration
    private let logger: Logger
    private let metrics: WatchMetrics
    private let clock: any EngineClock
    private var memory: [String: Memory] = [:]

    init(configuration: WatchConfiguration, logger: Logger, metrics: WatchMetrics, clock: any EngineClock) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        self.clock = clock
    }

    /// Whether the file was compliant at its last check (false when never checked).
    func isCompliant(_ path: String) -> Bool { memory[path]?.compliant == true }

    /// Forgets the files no longer watched, and their series; those kept log their next problem anew.
    func retain(paths: Set<String>) {
        for path in memory.keys where !paths.contains(path) { metrics.forget(file: path) }
        memory = memory.filter { paths.contains($0.key) }.mapValues { kept in
            var kept = kept
            kept.lastProblem = nil
            return kept
        }
    }

    /// Checks `file` of `target`; `force` checks it even when its bytes are those last seen. Returns
    /// the rules a correction fixed when it wrote the file, for `--on-change`.
    func check(_ file: WatchLayout.File, of target: LintTarget, reason: CheckReason, force: Bool) -> Set<String>? {
        let started = clock.nanoseconds
        let path = file.path
        let source: SourceFile
        do {
            source = try SourceFile.read(path: path)
        } catch {
            report(path, problem: "\(error)", event: "cannot read")
            memory[path, default: Memory()].knownHash = nil
            return nil
        }
        let hash = ContentHash(source.bytes)
        if !force, hash == memory[path]?.knownHash {
            logger.trace("unchanged", metadata: ["file": "\(path)"])
            return nil
        }
        metrics.checked(atEpochSeconds: Self.epochSeconds())

        // IS 5.9+ renders the XML from deployment.toml at every start: deployment.toml is corrected, the XML only reported.
        let generated: Bool
        let outcome: TargetOutcome
        var request = EnableRequest(options: configuration.options, tomcat: configuration.tomcat, backup: configuration.backup)
        switch file.kind {
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
        let took = Double((clock.nanoseconds - started) / 10_000) / 100

        guard let result = outcome.files.first else {
            // Not parseable or not readable: never written; the next change is checked again.
            memory[path, default: Memory()].knownHash = hash
            if let problem = Self.problem(in: outcome) { report(path, problem: problem, event: "cannot check; left untouched until it changes") }
            return nil
        }
        var known = memory[path] ?? Memory()
        known.lastProblem = nil
        defer {
            memory[path] = known
            metrics.setCompliant(file: path, known.compliant == true)
        }
        var metadata: Logger.Metadata = ["file": "\(path)", "reason": "\(reason.rawValue)", "took_ms": .stringConvertible(took)]
        if !result.changed {
            if !known.brokenRules.isEmpty || known.compliant == false {
                logger.info("compliant", metadata: metadata)
            } else {
                logger.debug("compliant", metadata: metadata)
            }
            known.brokenRules = []
            known.knownHash = hash
            known.compliant = true
            return nil
        }

        let rules = Set(result.rulesFixed)
        for rule in rules.subtracting(known.brokenRules).sorted() { metrics.driftDetected(file: path, rule: rule) }
        metadata["rules"] = .array(rules.sorted().map { .string($0) })
        metadata["changes"] = .array(result.changes.map { .string($0) })

        if !request.write {
            known.knownHash = hash
            if rules != known.brokenRules || reason.reportsKnownDriftAgain {
                metadata["action"] = .string(generated ? "none: IS 5.9+ renders this file from deployment.toml at its next start" : "none: --report-only")
                logger.warning("drift", metadata: metadata)
            }
            known.brokenRules = rules
            known.compliant = false
            return nil
        }
        if result.written, let content = result.writtenContent {
            known.knownHash = ContentHash(content)
            known.brokenRules = []
            if let backup = result.backup { metadata["backup"] = .string(backup) }
            logger.info("corrected", metadata: metadata)
            metrics.remediated(success: true)
            known.compliant = true
            return rules
        }
        // Planned but not written: the writer refused (read-only, full disk, lock held too long…).
        known.knownHash = nil  // try again at the next event, even an unchanged save
        known.brokenRules = rules
        if let problem = Self.problem(in: outcome) { metadata["error"] = .string(problem) }
        logger.error("correction failed", metadata: metadata)
        metrics.remediated(success: false)
        known.compliant = false
        return nil
    }

    /// Why the enabler left the file alone, as logged; nil when it says nothing.
    private static func problem(in outcome: TargetOutcome) -> String? {
        outcome.error.map(\.description)
    }

    private func report(_ path: String, problem: String, event: String) {
        if memory[path]?.lastProblem != problem {
            logger.error("\(event)", metadata: ["file": "\(path)", "error": "\(problem)"])
            memory[path, default: Memory()].lastProblem = problem
        }
        memory[path, default: Memory()].compliant = false
        metrics.setCompliant(file: path, false)
    }

    private static func epochSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
