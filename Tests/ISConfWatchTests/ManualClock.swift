@testable import ISConfWatch

/// A clock that moves only when the test advances it: the debouncer and the timers are driven through
/// every deadline without a sleep.
final class ManualClock: EngineClock, @unchecked Sendable {
    private(set) var nanoseconds: UInt64

    init(at nanoseconds: UInt64 = 5_000_000_000) {
        self.nanoseconds = nanoseconds
    }

    func advance(milliseconds: UInt64) { nanoseconds += milliseconds * 1_000_000 }
}

extension UInt64 {
    static func milliseconds(_ count: UInt64) -> UInt64 { count * 1_000_000 }
}
