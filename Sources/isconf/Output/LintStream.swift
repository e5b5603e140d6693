import ISConfCommandLine
import ISConfDomain
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `isconf lint` shows while it runs, so that 1,000 homes do not print nothing for seconds and then
/// everything at once: in text, each target's findings (and the inputs it could not read) as soon as it
/// and every target before it are done, in the report's order; and, when stderr is a terminal, a progress
/// line there, redrawn in place and cleared at the end. Its calls come one at a time (LintObserver).
final class LintStream: Sendable {
    private struct State {
        var progressShown = false
        var lastDrawn: UInt64 = 0
    }

    /// A run shorter than this shows no progress line: it would only flicker.
    private static let progressDelay: UInt64 = 200_000_000
    /// The progress line is redrawn at most this often.
    private static let progressInterval: UInt64 = 100_000_000

    private let text: TextFormatter?
    private let showsProgress: Bool
    /// "homes", "files" or "homes and files": what the targets are, for the progress line.
    private let noun: String
    private let started = monotonicNanoseconds()
    private let state = Mutex(State())

    /// `text`: print findings as they come (text output); nil for the formats that are one document.
    init(text: TextFormatter?, targets: [LintTarget]) {
        self.text = text
        showsProgress = targets.count > 1 && isatty(2) == 1
        let homes = targets.filter { $0.facts.root != nil }.count
        noun = homes == targets.count ? "homes" : homes == 0 ? "files" : "homes and files"
    }

    /// What the linter tells; nil when there is nothing to show as it goes.
    var observer: LintObserver? {
        guard text != nil || showsProgress else { return nil }
        return LintObserver(
            reportsReady: { [self] _, reports in show(reports) },
            progressed: { [self] done, total in progress(done, of: total) })
    }

    /// Clears the progress line, if one is shown, before the rest of the output.
    func finish() {
        state.withLock { clearProgress(&$0) }
    }

    private func show(_ reports: [LintReport]) {
        guard let text else { return }
        let findings = text.findingLines(reports.flatMap(\.findings))
        let errors = reports.flatMap(\.errors).map { "isconf: error: \($0.displayed)\n" }.joined()
        guard !findings.isEmpty || !errors.isEmpty else { return }
        state.withLock { state in
            clearProgress(&state)
            Terminal.write(findings, to: 1)
            Terminal.write(errors, to: 2)
        }
    }

    private func progress(_ done: Int, of total: Int) {
        guard showsProgress else { return }
        let now = monotonicNanoseconds()
        guard now - started >= Self.progressDelay else { return }
        state.withLock { state in
            guard !state.progressShown || now - state.lastDrawn >= Self.progressInterval else { return }
            Terminal.write("\risconf: linting \(done)/\(total) \(noun)…\u{1B}[K", to: 2)
            state.progressShown = true
            state.lastDrawn = now
        }
    }

    private func clearProgress(_ state: inout State) {
        guard state.progressShown else { return }
        Terminal.write("\r\u{1B}[K", to: 2)
        state.progressShown = false
    }
}

private func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
