import Logging

/// Runs the `--on-change` command after corrections: those made while it may not start are gathered
/// into one run, runs start at least `--on-change-min-interval` apart and never overlap. A thread of
/// its own waits for the command and tells the loop through the control pipe when it ends.
final class OnChangeRunner {
    private struct Batch {
        var files: [String] = []
        var rules: Set<String> = []
        var homes: [String] = []
    }

    private let command: OnChangeCommand
    private let minimumInterval: UInt64
    private let logger: Logger
    private let clock: any EngineClock
    private let control: ControlPipe
    private var batch: Batch?
    private var lastStart: UInt64?
    private var running = false

    /// Nil when no `--on-change` command was given.
    init?(configuration: WatchConfiguration, logger: Logger, clock: any EngineClock, control: ControlPipe) {
        guard let command = configuration.onChange else { return nil }
        self.command = command
        minimumInterval = configuration.onChangeMinIntervalSeconds * 1_000_000_000
        self.logger = logger
        self.clock = clock
        self.control = control
    }

    /// A correction of `file` fixing `rules` in `home` (nil for a file given by itself).
    func queue(file: String, rules: Set<String>, home: String?) {
        var next = batch ?? Batch()
        if !next.files.contains(file) { next.files.append(file) }
        next.rules.formUnion(rules)
        if let home, !next.homes.contains(home) { next.homes.append(home) }
        batch = next
    }

    /// When the gathered corrections may start the command; nil while there are none or it runs.
    var nextDeadline: UInt64? {
        guard batch != nil, !running else { return nil }
        guard let lastStart else { return 0 }
        return lastStart + minimumInterval
    }

    /// The command ended (`ControlMessage.onChangeFinished`).
    func finished() { running = false }

    func startIfDue(now: UInt64) {
        guard let batch, let deadline = nextDeadline, deadline <= now else { return }
        self.batch = nil
        lastStart = now
        let environment = [
            "ISCONF_FILE": batch.files.joined(separator: "\n"),
            "ISCONF_RULES": batch.rules.sorted().joined(separator: ","),
            "ISCONF_HOME": batch.homes.joined(separator: "\n"),
        ]
        switch command.spawn(environment: environment) {
        case .failure(let error):
            logger.error("on-change failed to start", metadata: ["error": "\(error)"])
        case .success(let pid):
            running = true
            logger.info("on-change started", metadata: ["pid": .stringConvertible(Int(pid)), "files": .array(batch.files.map { .string($0) })])
            let logger = self.logger
            let clock = self.clock
            let control = self.control
            startThread(name: "isconf-onchange") {
                let status = OnChangeCommand.wait(pid)
                let took = Double((clock.nanoseconds - now) / 1_000_000)
                if status == 0 {
                    logger.info(
                        "on-change finished",
                        metadata: ["pid": .stringConvertible(Int(pid)), "status": .stringConvertible(0), "took_ms": .stringConvertible(took)])
                } else {
                    logger.error(
                        "on-change failed",
                        metadata: ["pid": .stringConvertible(Int(pid)), "status": .stringConvertible(Int(status)), "took_ms": .stringConvertible(took)])
                }
                control.send(.onChangeFinished)
            }
        }
    }
}
