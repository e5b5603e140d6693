import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `isconf watch` and its supervisor: signals, sd_notify, /metrics and /healthz.
extension WatchCommandTests {
    // MARK: 5. Signals

    @Test func sighupReloadsAndTheDaemonKeepsCorrecting() throws {
        let home = try Home()
        let daemon = try Self.watch(home)
        defer { daemon.kill() }
        try #require(daemon.waitFor(message: "watching") != nil, "\(daemon.transcript)")
        daemon.signal(SIGHUP)
        try #require(daemon.waitFor(message: "watching", count: 2) != nil, "\(daemon.transcript)")
        let messages = daemon.records.compactMap { $0["message"] as? String }
        let reloaded = try #require(messages.firstIndex(of: "reloaded"), "\(daemon.transcript)")
        #expect(reloaded > messages.firstIndex(of: "watching")! && reloaded < messages.lastIndex(of: "watching")!)
        #expect(daemon.count("corrected") == 2, "nothing to correct at reload")

        try Save.viaRename(home.catalina, Self.badCatalina)
        let line = try #require(daemon.waitFor(message: "corrected", count: 3), "\(daemon.transcript)")
        #expect(line["reason"] as? String == "change")
        #expect(Save.text(home.catalina).contains(Self.want))
        #expect(daemon.process.isRunning)
        #expect(daemon.stop() == 0)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func stopsCleanlyOnSignal(_ number: Int32) throws {
        let home = try Home()
        // At info level: "stopped" is the daemon's last line; service-lifecycle's own debug lines follow it.
        let daemon = try Self.watch(home, logLevel: "info")
        defer { daemon.kill() }
        try #require(daemon.waitFor(message: "watching") != nil, "\(daemon.transcript)")
        daemon.signal(number)
        #expect(daemon.waitForExit() == 0, "\(daemon.transcript)")
        #expect(daemon.records.last?["message"] as? String == "stopped", "\(daemon.transcript)")
        #expect(daemon.count("stopped") == 1)
    }

    // MARK: 6. sd_notify

    @Test func speaksSdNotify() throws {
        let home = try Home()
        let socket = try NotifySocket(in: home.scratch)
        let daemon = try Self.watch(home, environment: ["NOTIFY_SOCKET": socket.path])
        defer { daemon.kill() }

        let ready = try #require(socket.waitFor { NotifySocket.fields($0)["READY"] == "1" }, "\(socket.received) \(daemon.transcript)")
        // READY=1 comes after the first full check: both files are already corrected.
        #expect(Save.text(home.catalina).contains(Self.want))
        #expect(Save.text(home.authenticators).contains("<Authenticator name=\"MutualSSLAuthenticator\" disabled=\"false\">"))
        #expect(home.backups(of: Self.authenticators).count == 1)
        #expect(NotifySocket.fields(ready)["STATUS"] == "watching 2 files: 2 compliant, 0 not", "\(ready)")
        #expect(socket.received.dropLast().allSatisfy { !$0.contains("READY=1") }, "\(socket.received)")

        // STATUS= follows the counts: a file that cannot be checked is not compliant, until a save is corrected.
        try Save.viaRename(home.catalina, Array(Self.badCatalina.prefix(Self.badCatalina.count / 2)))
        #expect(socket.waitFor { $0 == "STATUS=watching 2 files: 1 compliant, 1 not" } != nil, "\(socket.received)")
        try Save.viaRename(home.catalina, Self.badCatalina)
        #expect(socket.waitFor { $0 == "STATUS=watching 2 files: 2 compliant, 0 not" } != nil, "\(socket.received)")
        #expect(daemon.waitFor(message: "corrected", count: 3) != nil, "\(daemon.transcript)")
        #expect(Save.text(home.catalina).contains(Self.want))

        // SIGHUP: RELOADING=1 with the monotonic clock, then READY=1 again.
        daemon.signal(SIGHUP)
        let reloading = try #require(socket.waitFor { NotifySocket.fields($0)["RELOADING"] == "1" }, "\(socket.received)")
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let nowMicroseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        let stamp = try #require(NotifySocket.fields(reloading)["MONOTONIC_USEC"].flatMap { UInt64($0) }, "\(reloading)")
        #expect(stamp <= nowMicroseconds && nowMicroseconds - stamp < 30_000_000, "MONOTONIC_USEC=\(stamp), now \(nowMicroseconds)")
        #expect(socket.waitFor { NotifySocket.fields($0)["READY"] == "1" } != nil, "\(socket.received)")

        daemon.signal(SIGTERM)
        #expect(socket.waitFor { $0 == "STOPPING=1" } != nil, "\(socket.received)")
        #expect(daemon.waitForExit() == 0)
    }

    @Test func sendsWatchdogKeepAlives() throws {
        let home = try Home()
        let socket = try NotifySocket(in: home.scratch)
        let daemon = try Self.watch(home, environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "200000"])
        defer { daemon.kill() }
        try #require(socket.waitFor { NotifySocket.fields($0)["READY"] == "1" } != nil, "\(socket.received)")
        let start = socket.received.count
        let deadline = Date(timeIntervalSinceNow: 1.0)
        while socket.receive(timeout: deadline.timeIntervalSinceNow) != nil {}
        let keepAlives = socket.received[start...].filter { $0 == "WATCHDOG=1" }.count
        #expect(keepAlives >= 3, "\(keepAlives) WATCHDOG=1 in 1 s (every 100 ms expected)")
        #expect(daemon.stop() == 0)

        // WATCHDOG_PID naming another process: the keep-alives are not this daemon's to send.
        let other = try NotifySocket(in: home.scratch, name: "other.sock")
        let second = try Self.watch(home, environment: ["NOTIFY_SOCKET": other.path, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1"])
        defer { second.kill() }
        try #require(other.waitFor { NotifySocket.fields($0)["READY"] == "1" } != nil, "\(other.received)")
        let later = Date(timeIntervalSinceNow: 0.6)
        while other.receive(timeout: later.timeIntervalSinceNow) != nil {}
        #expect(!other.received.contains("WATCHDOG=1"))
        #expect(second.stop() == 0)
    }

    // MARK: 7. /metrics and /healthz

    @Test func servesMetricsAndHealth() throws {
        let home = try Home()
        let daemon = try Self.watch(home, ["--metrics-listen", "0"])
        defer { daemon.kill() }
        let port = try Self.port(of: daemon)
        try #require(daemon.waitFor(message: "watching") != nil, "\(daemon.transcript)")

        let health = try HTTP.get(port: port, path: "/healthz")
        #expect(health.status == 200)
        #expect(health.body == "ok\n")
        #expect(try HTTP.get(port: port, path: "/nope").status == 404)

        let before = try Self.metrics(port)
        #expect(before.samples("isconf_build_info").count == 1, "\(before.text)")
        #expect(before.samples("isconf_build_info").first?.labels.contains("version=\"") == true)
        #expect(before.samples("isconf_build_info").first?.value == 1)
        #expect(before.value("isconf_remediations_total", ["result": "success"]) == 2)
        #expect(before.value("isconf_remediations_total", ["result": "failure"]) == 0)
        #expect(before.value("isconf_compliant", ["file": home.catalina]) == 1)
        #expect(before.value("isconf_compliant", ["file": home.authenticators]) == 1)
        let drift = ["file": home.catalina, "rule": "client-auth-want"]
        let driftBefore = try #require(before.value("isconf_drift_detected_total", drift), "\(before.text)")
        let checksBefore = try #require(before.value("isconf_checks_total"))
        let lastCheck = try #require(before.value("isconf_last_check_timestamp_seconds"))
        #expect(abs(lastCheck - Date().timeIntervalSince1970) < 60)

        try Save.viaRename(home.catalina, Self.badCatalina)
        try #require(daemon.waitFor(message: "corrected", count: 3) != nil, "\(daemon.transcript)")
        // The counter moves just after the log line.
        var after = try Self.metrics(port)
        _ = eventually(timeout: 5, every: 20_000) {
            if after.value("isconf_remediations_total", ["result": "success"]) == 3 { return true }
            if let again = try? Self.metrics(port) { after = again }
            return false
        }
        #expect(after.value("isconf_remediations_total", ["result": "success"]) == 3, "\(after.text)")
        #expect(after.value("isconf_remediations_total", ["result": "failure"]) == 0)
        #expect(after.value("isconf_drift_detected_total", drift) == driftBefore + 1)
        #expect(after.value("isconf_compliant", ["file": home.catalina]) == 1)
        #expect((after.value("isconf_checks_total") ?? 0) > checksBefore)
        #expect(daemon.stop() == 0)
    }
}
