import Testing

@testable import ISConfWatch

/// When a watched file's pending check is due, with a clock the test advances.
@Suite struct DebouncerTests {
    let clock = ManualClock()

    func debouncer(milliseconds: UInt64 = 100) -> Debouncer<Int> {
        Debouncer(clock: clock, debounceNanoseconds: .milliseconds(milliseconds))
    }

    @Test func aBurstIsOneCheckOnceItHasBeenQuietForTheDebounce() {
        var checks = debouncer()
        checks.schedule(1)
        for _ in 1...4 {
            clock.advance(milliseconds: 60)
            checks.schedule(1)
            #expect(checks.takeDue().isEmpty, "not due while events keep coming")
        }
        let last = clock.nanoseconds
        #expect(checks.nextDeadline == last + .milliseconds(100))
        clock.advance(milliseconds: 99)
        #expect(checks.takeDue().isEmpty)
        clock.advance(milliseconds: 1)
        let due = checks.takeDue()
        #expect(due.map(\.key) == [1])
        #expect(due.first?.force == false)
        #expect(checks.takeDue().isEmpty, "taken once")
        #expect(checks.nextDeadline == nil, "nothing left to wake for")
    }

    @Test func nothingScheduledMeansNoDeadline() {
        var checks = debouncer()
        #expect(checks.nextDeadline == nil)
        #expect(checks.takeDue().isEmpty)
    }

    @Test func aFileWrittenContinuouslyIsCheckedAtTheLatestTenDebouncesAfterItsFirstEvent() {
        var checks = debouncer(milliseconds: 200)
        #expect(checks.maximumWait == .milliseconds(2000))
        let first = clock.nanoseconds
        checks.schedule(7)
        var taken: [UInt64] = []
        for _ in 1...30 {
            clock.advance(milliseconds: 100)
            checks.schedule(7)
            if !checks.takeDue().isEmpty { taken.append(clock.nanoseconds - first) }
        }
        #expect(taken.first == .milliseconds(2000), "due at first event + maximum wait, though events go on")
        #expect(taken.count == 1, "the events after it start a new wait: \(taken)")
    }

    @Test func theMaximumWaitIsAtLeastOneSecond() {
        #expect(debouncer(milliseconds: 0).maximumWait == .milliseconds(1000))
        #expect(debouncer(milliseconds: 50).maximumWait == .milliseconds(1000))
        #expect(debouncer(milliseconds: 250).maximumWait == .milliseconds(2500))
    }

    @Test func noDebounceMeansDueAtOnce() {
        var checks = debouncer(milliseconds: 0)
        checks.schedule(3)
        #expect(checks.nextDeadline == clock.nanoseconds)
        #expect(checks.takeDue().map(\.key) == [3])
    }

    @Test func aForcedEventInTheBurstForcesTheCheck() {
        var checks = debouncer()
        checks.schedule(1)
        checks.schedule(1, force: true)
        checks.schedule(1)
        clock.advance(milliseconds: 100)
        #expect(checks.takeDue().first?.force == true)
    }

    @Test func onlyTheDueKeysAreTakenInKeyOrder() {
        var checks = debouncer()
        checks.schedule(5)
        checks.schedule(2)
        clock.advance(milliseconds: 50)
        checks.schedule(9)
        clock.advance(milliseconds: 50)
        #expect(checks.takeDue().map(\.key) == [2, 5])
        #expect(checks.nextDeadline == clock.nanoseconds + .milliseconds(50))
        clock.advance(milliseconds: 50)
        #expect(checks.takeDue().map(\.key) == [9])
    }

    /// A save landing while the file is being checked (after it was taken) is a new burst: it is
    /// checked again a debounce later, and what forced the check in flight does not carry over.
    @Test func aChangeDuringARunningCheckIsCheckedAgainAfterTheDebounce() {
        var checks = debouncer()
        checks.schedule(1, force: true)
        clock.advance(milliseconds: 100)
        #expect(checks.takeDue().map(\.key) == [1])
        clock.advance(milliseconds: 30)  // the check takes 30 ms; the save lands during it
        checks.schedule(1)
        #expect(checks.takeDue().isEmpty)
        #expect(checks.nextDeadline == clock.nanoseconds + .milliseconds(100))
        clock.advance(milliseconds: 100)
        let again = checks.takeDue()
        #expect(again.map(\.key) == [1])
        #expect(again.first?.force == false)
    }

    @Test func aFullCheckCancelsWhatWasPendingAndRetainDropsGoneKeys() {
        var checks = debouncer()
        checks.schedule(1)
        checks.schedule(2)
        checks.cancelAll()
        #expect(checks.nextDeadline == nil)
        checks.schedule(1)
        checks.schedule(2)
        checks.retain { $0 != 1 }
        clock.advance(milliseconds: 100)
        #expect(checks.takeDue().map(\.key) == [2])
    }
}

/// The `--interval` re-check and the watchdog keep-alive: deadlines, never timers.
@Suite struct PeriodicTimerTests {
    @Test func theIntervalRecheckIsDueOnePeriodAfterTheLastOneFinished() {
        let clock = ManualClock()
        let period = UInt64.milliseconds(300_000)
        var interval = PeriodicTimer(period: period, firstDeadline: clock.nanoseconds + period)
        #expect(!interval.isDue(at: clock.nanoseconds), "not at start: the start check just ran")
        clock.advance(milliseconds: 299_999)
        #expect(!interval.isDue(at: clock.nanoseconds))
        clock.advance(milliseconds: 1)
        #expect(interval.isDue(at: clock.nanoseconds))
        clock.advance(milliseconds: 2_000)  // the re-check of everything took two seconds
        interval.restart(at: clock.nanoseconds)
        #expect(interval.deadline == clock.nanoseconds + period)
        #expect(!interval.isDue(at: clock.nanoseconds))
    }

    @Test func theWatchdogIsDueAtOnceThenEveryPeriod() {
        let clock = ManualClock()
        var watchdog = PeriodicTimer(period: .milliseconds(100), firstDeadline: clock.nanoseconds)
        #expect(watchdog.isDue(at: clock.nanoseconds))
        watchdog.restart(at: clock.nanoseconds)
        clock.advance(milliseconds: 99)
        #expect(!watchdog.isDue(at: clock.nanoseconds))
        clock.advance(milliseconds: 1)
        #expect(watchdog.isDue(at: clock.nanoseconds))
    }
}
