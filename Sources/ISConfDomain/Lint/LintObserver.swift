import Synchronization

/// Hears how a lint of many targets advances, so that output can show it as it goes instead of all at
/// the end. Its calls come one at a time (under one lock), from the threads doing the work.
public struct LintObserver: Sendable {
    /// Consecutive reports, of the targets from index `first` on, as soon as they and all targets
    /// before them are done: in target order, each target once.
    public var reportsReady: @Sendable (_ first: Int, _ reports: [LintReport]) -> Void
    /// `done` of `total` targets are linted, counted in whatever order they finished.
    public var progressed: @Sendable (_ done: Int, _ total: Int) -> Void

    public init(
        reportsReady: @escaping @Sendable (_ first: Int, _ reports: [LintReport]) -> Void,
        progressed: @escaping @Sendable (_ done: Int, _ total: Int) -> Void
    ) {
        self.reportsReady = reportsReady
        self.progressed = progressed
    }
}

/// Passes finished targets' reports to an observer in target order: a finished target waits for those
/// before it, and the one that completes a run of them hands the whole run over in one call.
final class OrderedDelivery: Sendable {
    private struct State {
        var finished: [Bool]
        var next = 0
        var done = 0
    }

    private let state: Mutex<State>
    private let observer: LintObserver

    init(observer: LintObserver, total: Int) {
        self.observer = observer
        state = Mutex(State(finished: Array(repeating: false, count: total)))
    }

    /// Target `index` is done; `report` reads any finished target's report.
    func finished(_ index: Int, report: (Int) -> LintReport) {
        state.withLock { state in
            state.finished[index] = true
            state.done += 1
            observer.progressed(state.done, state.finished.count)
            let first = state.next
            while state.next < state.finished.count, state.finished[state.next] { state.next += 1 }
            if state.next > first { observer.reportsReady(first, (first..<state.next).map(report)) }
        }
    }
}
