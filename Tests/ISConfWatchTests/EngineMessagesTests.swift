import Foundation
import ISConfDomain
import Logging
import Testing

@testable import ISConfWatch

/// The control pipe's messages and the reasons the loop logs.
@Suite struct ControlMessageTests {
    @Test func everyMessageSurvivesItsByte() {
        for message in ControlMessage.allCases {
            #expect(ControlMessage(byte: message.byte) == message)
        }
        #expect(Set(ControlMessage.allCases.map(\.byte)).count == ControlMessage.allCases.count, "one byte per message")
    }

    @Test func theBytesAreThoseOlderBuildsWrote() {
        #expect(ControlMessage.stop.byte == UInt8(ascii: "s"))
        #expect(ControlMessage.onChangeFinished.byte == UInt8(ascii: "c"))
    }

    @Test func decodingKeepsTheOrderAndSkipsUnknownBytes() {
        let bytes = [ControlMessage.onChangeFinished.byte, 0, UInt8(ascii: "x"), ControlMessage.stop.byte, ControlMessage.onChangeFinished.byte]
        #expect(ControlMessage.decode(bytes) == [.onChangeFinished, .stop, .onChangeFinished])
        #expect(ControlMessage.decode([]) == [])
    }

    @Test func thePipeDeliversWhatWasSentInOrder() throws {
        let pipe = try ControlPipe()
        #expect(pipe.receive().isEmpty, "non-blocking when empty")
        pipe.send(.onChangeFinished)
        pipe.send(.stop)
        #expect(pipe.receive() == [.onChangeFinished, .stop])
        #expect(pipe.receive().isEmpty)
    }

    @Test func aMessageFromAnotherThreadWakesAPoll() throws {
        let pipe = try ControlPipe()
        Thread { pipe.send(.stop) }.start()
        var descriptor = pollfd(fd: pipe.descriptor, events: Int16(POLLIN), revents: 0)
        #expect(poll(&descriptor, 1, 10_000) == 1)
        #expect(pipe.receive() == [.stop])
    }
}

@Suite struct ReasonTests {
    @Test func checkReasonsAreLoggedByTheirNames() {
        #expect([CheckReason.start, .change, .interval, .reload].map(\.rawValue) == ["start", "change", "interval", "reload"])
    }

    @Test func onlyTheIntervalRecheckKeepsQuietAboutDriftAlreadyReported() {
        #expect(!CheckReason.interval.reportsKnownDriftAgain)
        #expect([CheckReason.start, .change, .reload].allSatisfy { $0.reportsKnownDriftAgain })
    }

    @Test func stopReasonsNameTheSignal() {
        #expect("\(StopReason.shutdown)" == "shutdown")
        #expect("\(StopReason.signal(SIGTERM))" == "SIGTERM")
        #expect("\(StopReason.signal(SIGINT))" == "SIGINT")
        #expect("\(StopReason.signal(SIGUSR1))" == "signal \(SIGUSR1)")
    }
}

/// The `--on-change` runner's spacing, with a manual clock; the command is `true`, waited for on the
/// control pipe like the loop does.
@Suite struct OnChangeRunnerTests {
    @Test func runsAreSpacedByTheMinimumIntervalAndNeverOverlap() throws {
        var configuration = WatchConfiguration(paths: [])
        configuration.onChange = try OnChangeCommand("true", shell: false)
        configuration.onChangeMinIntervalSeconds = 60
        let clock = ManualClock()
        let control = try ControlPipe()
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let runner = try #require(OnChangeRunner(configuration: configuration, logger: logger, clock: clock, control: control))
        #expect(runner.nextDeadline == nil, "nothing to run")
        runner.queue(file: "/h/a.xml", rules: ["r1"], home: "/h")
        #expect(runner.nextDeadline == 0, "the first run may start at once")
        let started = clock.nanoseconds
        runner.startIfDue(now: started)
        runner.queue(file: "/h/b.xml", rules: ["r2"], home: "/h")
        #expect(runner.nextDeadline == nil, "not while the command runs")

        var descriptor = pollfd(fd: control.descriptor, events: Int16(POLLIN), revents: 0)
        #expect(poll(&descriptor, 1, 30_000) == 1, "the waiting thread reports the end")
        #expect(control.receive() == [.onChangeFinished])
        runner.finished()
        #expect(runner.nextDeadline == started + .milliseconds(60_000))
        clock.advance(milliseconds: 59_999)
        runner.startIfDue(now: clock.nanoseconds)
        #expect(runner.nextDeadline == started + .milliseconds(60_000), "too early: still gathered")
    }

    @Test func noCommandNoRunner() throws {
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let control = try ControlPipe()
        #expect(OnChangeRunner(configuration: WatchConfiguration(paths: []), logger: logger, clock: ManualClock(), control: control) == nil)
    }
}

/// Watches on the live file system: a folder reached through a symbolic link is the same watch.
@Suite struct FolderWatchesTests {
    @Test func aLinkedFolderSharesTheWatchOfItsTarget() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("isconf-watches-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: root + "/real/conf", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createSymbolicLink(atPath: root + "/linked", withDestinationPath: root + "/real")
        let targets = ["real", "linked"].map { name in
            LintTarget(facts: HomeFacts(), files: [(.catalinaServer, root + "/" + name + "/conf/catalina-server.xml")])
        }
        let layout = WatchLayout(targets: targets, storePaths: [:], resolve: WatchLayout.resolveOnDisk)
        let watches = try FolderWatches(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        watches.replace(with: layout)
        let folders = (1...Int32(16)).compactMap { watches.folders(of: $0) }
        #expect(folders.contains([root + "/real/conf", root + "/linked/conf"]), "\(folders)")
    }
}
