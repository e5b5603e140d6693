#if canImport(Glibc)
    import Glibc
#endif

/// Nanoseconds on a clock that never goes back. The loop reads every deadline from one it is given,
/// so that tests drive the debouncer and the periodic timers with a clock they advance themselves.
protocol EngineClock: Sendable {
    var nanoseconds: UInt64 { get }
}

/// CLOCK_MONOTONIC, in nanoseconds: what debounce deadlines and systemd's MONOTONIC_USEC use.
struct MonotonicClock: EngineClock {
    var nanoseconds: UInt64 { Self.nanoseconds() }

    static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}

/// A job the loop does every `period` nanoseconds (the `--interval` re-check, systemd's watchdog
/// keep-alive): no timer of its own, only a deadline the loop sleeps until and then restarts.
struct PeriodicTimer {
    let period: UInt64
    private(set) var deadline: UInt64

    init(period: UInt64, firstDeadline: UInt64) {
        self.period = period
        deadline = firstDeadline
    }

    func isDue(at now: UInt64) -> Bool { now >= deadline }

    /// The next run is one period after `now` (when the job finished, for a job that takes time).
    mutating func restart(at now: UInt64) { deadline = now + period }
}
