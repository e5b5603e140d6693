/// Coalesces bursts of events per key (a watched file, an IS_HOME's stores): a key is due once its
/// events have been quiet for `debounce`, or `maximumWait` after its first event when it is written
/// continuously. It only reads the clock it is given; the loop sleeps until `nextDeadline`.
struct Debouncer<Key: Hashable & Comparable> {
    private struct Pending {
        var first: UInt64
        var last: UInt64
        var force: Bool
    }

    let clock: any EngineClock
    let debounce: UInt64
    /// A key written continuously is still due this long after its first event.
    let maximumWait: UInt64
    private var pending: [Key: Pending] = [:]

    init(clock: any EngineClock, debounceNanoseconds: UInt64) {
        self.clock = clock
        debounce = debounceNanoseconds
        maximumWait = max(10 * debounceNanoseconds, 1_000_000_000)
    }

    /// An event about `key` now; `force` when the check must not skip unchanged bytes (the file is new
    /// whatever its content), and it stays asked for until the key is taken.
    mutating func schedule(_ key: Key, force: Bool = false) {
        let now = clock.nanoseconds
        if var check = pending[key] {
            check.last = now
            check.force = check.force || force
            pending[key] = check
        } else {
            pending[key] = Pending(first: now, last: now, force: force)
        }
    }

    /// When the earliest key falls due; nil when nothing is scheduled.
    var nextDeadline: UInt64? { pending.values.map(due).min() }

    /// The keys due now, in key order, taken off the schedule, each with whether a forced check was asked.
    mutating func takeDue() -> [(key: Key, force: Bool)] {
        let now = clock.nanoseconds
        let ready = pending.filter { due($0.value) <= now }.sorted { $0.key < $1.key }
        for (key, _) in ready { pending[key] = nil }
        return ready.map { ($0.key, $0.value.force) }
    }

    /// Everything scheduled is covered by a check of everything under way.
    mutating func cancelAll() { pending = [:] }

    /// Drops the keys that no longer exist.
    mutating func retain(where keep: (Key) -> Bool) { pending = pending.filter { keep($0.key) } }

    private func due(_ check: Pending) -> UInt64 { min(check.last + debounce, check.first + maximumWait) }
}
