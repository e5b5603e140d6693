import Foundation
import ISConfTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `isconf watch` driven as a real daemon: files saved every way people and tools save them, signals,
/// sd_notify, /metrics, --on-change, and edits racing the daemon's own writes.
@Suite struct WatchCommandTests {
    static let catalina = "repository/conf/tomcat/catalina-server.xml"
    static let authenticators = "repository/conf/security/authenticators.xml"
    /// The sample's catalina-server.xml: clientAuth="false", so not compliant.
    static let badCatalina = Save.bytes(CLI.sample + "/" + catalina)
    static let want = "clientAuth=\"want\""

    /// A copy of the sample IS_HOME in its own scratch folder.
    struct Home {
        let scratch: Scratch
        let path: String
        var catalina: String { path + "/" + WatchCommandTests.catalina }
        var authenticators: String { path + "/" + WatchCommandTests.authenticators }

        init() throws {
            scratch = try Scratch()
            path = try scratch.copySample(as: "home")
        }

        /// The run folders under IS_HOME/backup/isconf holding a copy of `relative`.
        func backups(of relative: String) -> [String] {
            let root = path + "/backup/isconf"
            return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
                .filter { FileManager.default.fileExists(atPath: root + "/" + $0 + "/" + relative) }
        }

        var backupFolderExists: Bool { FileManager.default.fileExists(atPath: path + "/backup") }
    }

    /// `isconf watch` with JSON logs, a short debounce and no interval re-checks, then `arguments`, then `paths`.
    /// The daemon keeps `scratch` alive, so the folder outlives it.
    static func watch(_ paths: [String], _ arguments: [String] = [], debounce: Int = 50, environment: [String: String] = [:],
                      directory: String? = nil, keeping scratch: Scratch) throws -> Daemon {
        try Daemon(["watch", "--log-format", "json", "--debounce-ms", "\(debounce)", "--interval", "0"] + arguments + paths,
                   environment: environment, directory: directory, keeping: scratch)
    }

    static func watch(_ home: Home, _ arguments: [String] = [], debounce: Int = 50, environment: [String: String] = [:],
                      directory: String? = nil) throws -> Daemon {
        try watch([home.path], arguments, debounce: debounce, environment: environment, directory: directory, keeping: home.scratch)
    }

    /// Without isconf-watch beside isconf or on PATH, `isconf watch` says so on one line (exit 2).
    @Test func watchWithoutTheDaemonExecutableIsAOneLineError() throws {
        let scratch = try Scratch()
        let lone = scratch.url.appendingPathComponent("isconf")
        try FileManager.default.copyItem(at: CLI.binary, to: lone)
        let result = try CLI.run(["watch", CLI.sample], environment: ["PATH": scratch.path + "/empty"], executable: lone.path)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("isconf: error: `isconf watch` runs isconf-watch, which is not beside "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    /// `isconf watch --help` is the daemon's own help: the options are parsed by isconf-watch.
    @Test func watchHelpIsTheDaemonsHelp() throws {
        let result = try CLI.run(["watch", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--debounce-ms") && result.stdout.contains("--metrics-listen"), "\(result.stdout)")
    }

    static func about(_ relative: String) -> ([String: Any]) -> Bool {
        { ($0["file"] as? String)?.hasSuffix("/" + relative) == true }
    }

    static func port(of daemon: Daemon) throws -> Int {
        let line = try #require(daemon.waitFor(message: "metrics listening"), "\(daemon.transcript)")
        let listen = try #require(line["listen"] as? String)
        #expect(listen.hasPrefix("127.0.0.1:"))
        return try #require(listen.split(separator: ":").last.flatMap { Int($0) })
    }

    static func metrics(_ port: Int) throws -> Exposition {
        let response = try HTTP.get(port: port, path: "/metrics")
        #expect(response.status == 200)
        return Exposition(text: response.body)
    }

    // MARK: 1. Start

    @Test func startCorrectsBothFilesOnceThenLeavesThemAlone() throws {
        let home = try Home()
        let daemon = try Self.watch(home)
        defer { daemon.kill() }
        let watching = try #require(daemon.waitFor(message: "watching"), "\(daemon.transcript)")
        #expect(watching["files"] as? Int == 2)
        #expect(watching["homes"] as? Int == 1)
        #expect(watching["mode"] as? String == "enforce")

        let corrected = daemon.records("corrected")
        #expect(corrected.count == 2, "\(daemon.transcript)")
        #expect(corrected.allSatisfy { $0["reason"] as? String == "start" })
        let catalina = try #require(corrected.first(where: Self.about(Self.catalina)))
        #expect(catalina["rules"] as? [String] == ["client-auth-want"])
        #expect(catalina["changes"] as? [String] == ["set clientAuth=\"want\" on Connector[port=9443]"])
        #expect(catalina["took_ms"] is NSNumber)
        let backup = try #require(catalina["backup"] as? String)
        #expect(backup.contains("/backup/isconf/") && backup.hasSuffix(Self.catalina))
        #expect(Save.bytes(backup) == Self.badCatalina, "the backup holds the bytes replaced")
        let authenticators = try #require(corrected.first(where: Self.about(Self.authenticators)))
        #expect(authenticators["rules"] as? [String] == ["mutual-ssl-authenticator"])
        #expect(authenticators["changes"] as? [String] == ["uncomment MutualSSLAuthenticator"])
        #expect(try CLI.run(["lint", home.path]).status == 0, "both files compliant once watching")

        let inodes = (Save.inode(home.catalina), Save.inode(home.authenticators))
        usleep(1_000_000)
        #expect(daemon.count("corrected") == 2, "its own writes are not news: \(daemon.transcript)")
        #expect(Save.inode(home.catalina) == inodes.0)
        #expect(Save.inode(home.authenticators) == inodes.1)
        #expect(home.backups(of: Self.catalina).count == 1)
        #expect(home.backups(of: Self.authenticators).count == 1)
        #expect(daemon.stop() == 0)
    }

    // MARK: 2. Every way of saving

    enum SaveWay: String, CaseIterable, CustomTestStringConvertible {
        case inPlace, renameOver, deleteAndRecreate, folderReplaced
        var testDescription: String { rawValue }
    }

    @Test(arguments: SaveWay.allCases)
    func eachSaveIsCorrectedExactlyOnce(way: SaveWay) throws {
        let home = try Home()
        let daemon = try Self.watch(home)
        defer { daemon.kill() }
        try #require(daemon.waitFor(message: "watching") != nil, "\(daemon.transcript)")
        try #require(daemon.count("corrected") == 2)

        let tomcat = home.path + "/repository/conf/tomcat"
        switch way {
        case .inPlace:
            let inode = Save.inode(home.catalina)
            #expect(try Save.inPlace(home.catalina, Self.badCatalina) == inode)
        case .renameOver:
            try Save.viaRename(home.catalina, Self.badCatalina, temporary: tomcat + "/.catalina-server.xml.swp")
        case .deleteAndRecreate:
            try Save.deleteAndRecreate(home.catalina, Self.badCatalina)
        case .folderReplaced:
            try FileManager.default.createDirectory(atPath: tomcat + ".new", withIntermediateDirectories: false)
            try Save.create(tomcat + ".new/catalina-server.xml", Self.badCatalina)
            try #require(rename(tomcat, tomcat + ".old") == 0)
            try #require(rename(tomcat + ".new", tomcat) == 0)
        }

        let line = try #require(daemon.waitFor(message: "corrected", count: 3), "\(way): \(daemon.transcript)")
        #expect(Self.about(Self.catalina)(line))
        #expect(line["reason"] as? String == "change")
        #expect(line["rules"] as? [String] == ["client-auth-want"])
        #expect(Save.text(home.catalina).contains(Self.want))
        let inode = Save.inode(home.catalina)
        usleep(1_000_000)
        #expect(daemon.count("corrected") == 3, "one write per save: \(daemon.transcript)")
        #expect(Save.inode(home.catalina) == inode, "no write after the correction")
        #expect(home.backups(of: Self.catalina).count == 2)
        #expect(home.backups(of: Self.authenticators).count == 1)
        #expect(daemon.count("correction failed") == 0)

        if way == .folderReplaced {
            // The old folder is no longer the daemon's business; the new one is watched.
            try Save.inPlace(tomcat + ".old/catalina-server.xml", Self.badCatalina)
            try Save.inPlace(home.catalina, Self.badCatalina)
            try #require(daemon.waitFor(message: "corrected", count: 4) != nil, "\(daemon.transcript)")
            usleep(500_000)
            #expect(daemon.count("corrected") == 4, "\(daemon.transcript)")
            #expect(Save.text(home.catalina).contains(Self.want))
            #expect(Save.bytes(tomcat + ".old/catalina-server.xml") == Self.badCatalina, "the replaced folder is not written")
        }
        #expect(daemon.stop() == 0)
    }

    @Test func modeAndTimestampChangesWriteNothing() throws {
        let home = try Home()
        let daemon = try Self.watch(home)
        defer { daemon.kill() }
        try #require(daemon.waitFor(message: "watching") != nil, "\(daemon.transcript)")
        let bytes = Save.bytes(home.catalina)
        let inode = Save.inode(home.catalina)
        #expect(chmod(home.catalina, 0o600) == 0)
        #expect(chmod(home.catalina, 0o644) == 0)
        var times = [timeval(tv_sec: 1_000_000_000, tv_usec: 0), timeval(tv_sec: 1_000_000_000, tv_usec: 0)]
        #expect(utimes(home.catalina, &times) == 0)
        #expect(utimes(home.authenticators, nil) == 0)
        usleep(1_000_000)
        #expect(daemon.count("corrected") == 2, "\(daemon.transcript)")
        #expect(Save.inode(home.catalina) == inode)
        #expect(Save.bytes(home.catalina) == bytes)
        #expect(home.backups(of: Self.catalina).count == 1)
        #expect(daemon.stop() == 0)
    }

    // MARK: 3. --report-only

    @Test func reportOnlyNeverWrites() throws {
        let home = try Home()
        let before = (Save.bytes(home.catalina), Save.bytes(home.authenticators))
        let daemon = try Self.watch(home, ["--report-only", "--metrics-listen", "0"])
        defer { daemon.kill() }
        let port = try Self.port(of: daemon)
        let watching = try #require(daemon.waitFor(message: "watching"), "\(daemon.transcript)")
        #expect(watching["mode"] as? String == "report-only")

        let drift = daemon.records("drift")
        #expect(drift.count == 2, "\(daemon.transcript)")
        let catalina = try #require(drift.first(where: Self.about(Self.catalina)))
        #expect(catalina["rules"] as? [String] == ["client-auth-want"])
        #expect(catalina["action"] as? String == "none: --report-only")
        #expect(daemon.records("drift", matching: Self.about(Self.authenticators)).first?["rules"] as? [String] == ["mutual-ssl-authenticator"])

        let metrics = try Self.metrics(port)
        #expect(metrics.value("isconf_compliant", ["file": home.catalina]) == 0, "\(metrics.text)")
        #expect(metrics.value("isconf_compliant", ["file": home.authenticators]) == 0)
        #expect(metrics.value("isconf_remediations_total", ["result": "success"]) == 0)
        #expect(metrics.value("isconf_drift_detected_total", ["file": home.catalina, "rule": "client-auth-want"]) == 1)

        // A new non-compliant save is reported again, and still left alone.
        let edited = Array(String(decoding: Self.badCatalina, as: UTF8.self).replacingOccurrences(of: "maxThreads=\"250\"", with: "maxThreads=\"300\"").utf8)
        try #require(edited != Self.badCatalina)
        try Save.viaRename(home.catalina, edited)
        #expect(daemon.waitFor(message: "drift", count: 3) != nil, "\(daemon.transcript)")
        usleep(1_000_000)
        #expect(Save.bytes(home.catalina) == edited)
        #expect(Save.bytes(home.authenticators) == before.1)
        #expect(!home.backupFolderExists)
        #expect(daemon.count("corrected") == 0)
        #expect(try Self.metrics(port).value("isconf_compliant", ["file": home.catalina]) == 0)
        #expect(daemon.stop() == 0)
        #expect(Save.bytes(home.catalina) == edited)
    }

    /// A deployment.toml that appears while the daemon watches makes the home IS 5.9+, whose XML is
    /// rendered from it at every start: deployment.toml is watched and corrected from then on, and drift
    /// in the XML is only reported.
    @Test func aDeploymentTomlThatAppearsIsCorrectedAndTheXMLOnlyReported() throws {
        let home = try Home()
        let daemon = try Self.watch(home)
        defer { daemon.kill() }
        try #require(daemon.waitFor(message: "watching") != nil, "\(daemon.transcript)")
        #expect(daemon.count("corrected") == 2)
        let toml = home.path + "/repository/conf/deployment.toml"
        try Save.create(toml, Array("[server]\nhostname = \"localhost\"\n".utf8))
        let corrected = try #require(daemon.waitFor(message: "corrected", count: 3), "\(daemon.transcript)")
        #expect(corrected["file"] as? String == toml)
        #expect(corrected["rules"] as? [String] == ["toml-mutual-ssl-authenticator"])
        #expect(Save.text(toml) == "[server]\nhostname = \"localhost\"\n\n[admin_console.authenticator.mutual_ssl_authenticator]\nenable = true\n")

        try Save.viaRename(home.catalina, Self.badCatalina)
        let drift = try #require(daemon.waitFor(message: "drift"), "\(daemon.transcript)")
        #expect((drift["action"] as? String)?.contains("deployment.toml") == true, "\(drift)")
        usleep(500_000)
        #expect(Save.bytes(home.catalina) == Self.badCatalina)
        #expect(daemon.count("corrected") == 3, "\(daemon.transcript)")
        #expect(daemon.stop() == 0)
    }

    // MARK: 4. Malformed saves

    @Test func aMalformedSaveIsReportedAndLeftAloneUntilFixed() throws {
        let home = try Home()
        let daemon = try Self.watch(home)
        defer { daemon.kill() }
        try #require(daemon.waitFor(message: "watching") != nil, "\(daemon.transcript)")

        let truncated = Array(Self.badCatalina.prefix(Self.badCatalina.count / 2))
        try Save.viaRename(home.catalina, truncated)
        let report = try #require(daemon.waitFor(message: "cannot check; left untouched until it changes", matching: Self.about(Self.catalina)),
                                  "\(daemon.transcript)")
        #expect(report["level"] as? String == "error")
        #expect((report["error"] as? String)?.contains("catalina-server.xml") == true, "\(report)")
        usleep(1_000_000)
        #expect(Save.bytes(home.catalina) == truncated)
        #expect(daemon.count("corrected") == 2)
        #expect(home.backups(of: Self.catalina).count == 1)

        try Save.viaRename(home.catalina, Self.badCatalina)
        let line = try #require(daemon.waitFor(message: "corrected", count: 3), "\(daemon.transcript)")
        #expect(Self.about(Self.catalina)(line))
        #expect(Save.text(home.catalina).contains(Self.want))
        #expect(daemon.stop() == 0)
    }

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
        let daemon = try Self.watch(home)
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

    // MARK: 8. --on-change

    /// A script that appends its environment to `log`, one record per run.
    static func recorder(in home: Home) throws -> (script: String, log: String) {
        let log = home.scratch.path + "/on-change.log"
        let script = try home.scratch.write("on-change.sh", """
            #!/bin/sh
            printf 'FILE=%s\\nRULES=%s\\nHOME=%s\\n--\\n' "$ISCONF_FILE" "$ISCONF_RULES" "$ISCONF_HOME" >> '\(log)'
            """)
        #expect(chmod(script, 0o755) == 0)
        return (script, log)
    }

    static func runs(_ log: String) -> [[String: String]] {
        Save.text(log).components(separatedBy: "--\n").filter { !$0.isEmpty }.map { record in
            var fields: [String: String] = [:]
            var key = ""
            for line in record.split(separator: "\n", omittingEmptySubsequences: false) {
                if let equals = line.firstIndex(of: "="), ["FILE", "RULES", "HOME"].contains(String(line[..<equals])) {
                    key = String(line[..<equals])
                    fields[key] = String(line[line.index(after: equals)...])
                } else if !key.isEmpty, !line.isEmpty {
                    fields[key, default: ""] += "\n" + line
                }
            }
            return fields
        }
    }

    @Test func onChangeRunsAfterACorrectionWithItsEnvironment() throws {
        let home = try Home()
        let recorder = try Self.recorder(in: home)
        let daemon = try Self.watch(home, ["--on-change", recorder.script, "--on-change-min-interval", "0"])
        defer { daemon.kill() }
        let first = try #require(daemon.waitFor(message: "on-change finished"), "\(daemon.transcript)")
        #expect(first["status"] as? Int == 0)
        #expect(first["pid"] is Int)
        var runs = Self.runs(recorder.log)
        try #require(runs.count == 1, "\(Save.text(recorder.log))")
        // Both start corrections gathered into one run.
        #expect(runs[0]["FILE"] == home.catalina + "\n" + home.authenticators, "\(runs[0])")
        #expect(runs[0]["RULES"] == "client-auth-want,mutual-ssl-authenticator")
        #expect(runs[0]["HOME"] == home.path)

        try Save.viaRename(home.catalina, Self.badCatalina)
        try #require(daemon.waitFor(message: "on-change finished", count: 2) != nil, "\(daemon.transcript)")
        runs = Self.runs(recorder.log)
        try #require(runs.count == 2)
        #expect(runs[1]["FILE"] == home.catalina)
        #expect(runs[1]["RULES"] == "client-auth-want")
        #expect(runs[1]["HOME"] == home.path)
        #expect(daemon.count("on-change started") == 2)
        #expect(daemon.count("on-change failed") == 0)
        #expect(daemon.stop() == 0)
    }

    @Test func onChangeRunsAreSpacedAndCorrectionsInBetweenGathered() throws {
        let home = try Home()
        let recorder = try Self.recorder(in: home)
        let daemon = try Self.watch(home, ["--on-change", recorder.script, "--on-change-min-interval", "3"])
        defer { daemon.kill() }
        try #require(daemon.waitFor(message: "on-change finished") != nil, "\(daemon.transcript)")
        let firstStart = Date()
        // Two corrections within the interval: one run for both, not before 3 s after the first.
        try Save.viaRename(home.catalina, Self.badCatalina)
        try #require(daemon.waitFor(message: "corrected", count: 3) != nil, "\(daemon.transcript)")
        try Save.viaRename(home.authenticators, Save.bytes(CLI.sample + "/" + Self.authenticators))
        try #require(daemon.waitFor(message: "corrected", count: 4) != nil, "\(daemon.transcript)")
        #expect(daemon.count("on-change started") == 1, "the second run waits for the interval")
        try #require(daemon.waitFor(message: "on-change finished", count: 2) != nil, "\(daemon.transcript)")
        #expect(Date().timeIntervalSince(firstStart) > 2.0)
        usleep(500_000)
        #expect(daemon.count("on-change started") == 2)
        let runs = Self.runs(recorder.log)
        try #require(runs.count == 2)
        #expect(runs[1]["FILE"] == home.catalina + "\n" + home.authenticators)
        #expect(runs[1]["RULES"] == "client-auth-want,mutual-ssl-authenticator")
        #expect(daemon.stop() == 0)
    }

    /// The command starts with the signal state of a normal process: nothing blocked, SIGTERM, SIGINT,
    /// SIGHUP and SIGPIPE not ignored, so that it can be stopped (systemd stopping the unit, a timeout, Ctrl-C)
    /// and pipelines in it behave.
    /// grep reads its own masks, run directly: a shell would reset the mask and hide the problem.
    @Test func onChangeRunsWithDefaultSignalHandling() throws {
        let home = try Home()
        let daemon = try Self.watch(home, ["--on-change", "grep -E ^Sig(Blk|Ign): /proc/self/status", "--on-change-min-interval", "0"])
        defer { daemon.kill() }
        try #require(daemon.waitFor(message: "on-change finished") != nil, "\(daemon.transcript)")
        func mask(_ name: String) throws -> UInt64 {
            let line = try #require(daemon.waitForOutput(timeout: 5) { $0.hasPrefix(name + ":") }, "\(daemon.outputLines)")
            return try #require(line.split(separator: "\t").last.flatMap { UInt64($0, radix: 16) }, "\(line)")
        }
        let blocked = try mask("SigBlk"), ignored = try mask("SigIgn")
        let names = [SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGPIPE: "SIGPIPE"]
        let signals = { (mask: UInt64) in (1...64).filter { mask & (1 << UInt64($0 - 1)) != 0 }.map { names[Int32($0)] ?? "\($0)" } }
        #expect(blocked == 0, "signals blocked in the --on-change command: \(signals(blocked))")
        for (number, name) in names {
            #expect(ignored & (1 << UInt64(number - 1)) == 0, "\(name) ignored in the --on-change command")
        }
        #expect(daemon.stop() == 0)
    }

    @Test func onChangeIsNotAShellUnlessAskedFor() throws {
        let home = try Home()
        let scratch = home.scratch.path
        let daemon = try Self.watch(home, ["--on-change", "/bin/echo $HOME > x; 'a  b'", "--on-change-min-interval", "0"],
                                    directory: scratch)
        defer { daemon.kill() }
        try #require(daemon.waitFor(message: "on-change finished") != nil, "\(daemon.transcript)")
        let echoed = daemon.waitForOutput(timeout: 5) { $0.contains("HOME") }
        #expect(echoed == "$HOME > x; a  b", "the literal words reach the program: \(daemon.outputLines)")
        #expect(!FileManager.default.fileExists(atPath: scratch + "/x"), "no shell redirection")
        #expect(daemon.stop() == 0)

        // With --on-change-shell the same syntax is the shell's.
        let other = try Home()
        let shell = try Self.watch(other, ["--on-change", "echo \"$ISCONF_RULES\" > x", "--on-change-shell", "--on-change-min-interval", "0"],
                                   directory: other.scratch.path)
        defer { shell.kill() }
        try #require(shell.waitFor(message: "on-change finished") != nil, "\(shell.transcript)")
        #expect(Save.text(other.scratch.path + "/x") == "client-auth-want,mutual-ssl-authenticator\n")
        #expect(shell.stop() == 0)
    }

    // MARK: 9. Edits racing the daemon

    static func edit(_ number: Int) -> [UInt8] {
        Self.badCatalina + Array("<!-- edit \(number) -->\n".utf8)
    }

    /// The file once it is corrected and has stayed the same for 200 ms: the outcome of the race,
    /// not a moment inside it (a save that loses to the daemon's swap is swapped back within
    /// microseconds).
    static func settled(_ path: String) -> String? {
        var text = ""
        var since = Date()
        let done = eventually(every: 1000) {
            let now = Save.text(path)
            if now != text {
                text = now
                since = Date()
            }
            return text.contains(Self.want) && Date().timeIntervalSince(since) >= 0.2
        }
        return done ? text : nil
    }

    static func marker(_ text: String) -> Int? {
        guard let range = text.range(of: #"<!-- edit (\d+) -->"#, options: .regularExpression) else { return nil }
        return Int(text[range].dropFirst("<!-- edit ".count).dropLast(" -->".count))
    }

    /// Rounds of one or two quick saves (rename over) while the daemon corrects: once compliant, the
    /// file must carry the last save of the round; an older marker means an edit was lost.
    @Test(arguments: [0, 20])
    func aRacingEditIsNeverLost(debounce: Int) throws {
        let home = try Home()
        let daemon = try Self.watch(home, debounce: debounce)
        defer { daemon.kill() }
        try #require(daemon.waitFor(message: "watching") != nil, "\(daemon.transcript)")
        var generator = SystemRandomNumberGenerator()
        let started = Date()
        var lost: [String] = []
        var rounds = 0
        var number = 0
        while rounds < 100, Date().timeIntervalSince(started) < 15 {
            rounds += 1
            number += 2
            try Save.viaRename(home.catalina, Self.edit(number))
            var last = number
            if Bool.random(using: &generator) {
                // 0–30 ms, or up to twice the daemon's last correction time when that is longer (a loaded machine).
                let took = daemon.records("corrected").last?["took_ms"] as? Double ?? 0
                let longest = UInt32(max(30_000, min(300_000, 2_000 * took)))
                usleep(UInt32.random(in: 0...longest, using: &generator))
                try Save.viaRename(home.catalina, Self.edit(number + 1))
                last = number + 1
            }
            let settled = Self.settled(home.catalina)
            try #require(settled != nil, "round \(rounds): never corrected: \(daemon.transcript)")
            let text = settled!
            if Self.marker(text) != last { lost.append("round \(rounds): wrote edit \(last), the corrected file has edit \(Self.marker(text).map(String.init) ?? "none")") }
        }
        #expect(lost.isEmpty, "\(lost.count) of \(rounds) rounds lost an edit:\n\(lost.prefix(10).joined(separator: "\n"))")
        #expect(daemon.count("correction failed") == 0, "\(daemon.transcript)")
        #expect(daemon.stop() == 0)
    }

    /// The same race, made certain: the second save lands while the daemon is writing its correction
    /// of the first (after its backup of the first appears, before its rename).
    @Test func anEditLandingWhileTheDaemonWritesIsKept() throws {
        let home = try Home()
        let daemon = try Self.watch(home)
        defer { daemon.kill() }
        try #require(daemon.waitFor(message: "watching") != nil, "\(daemon.transcript)")
        let backupRoot = home.path + "/backup/isconf"
        let temporary = home.path + "/repository/conf/tomcat/.edit.tmp"
        var lost: [String] = []
        var tried = 0
        for round in 1...5 {
            let runs = Set((try? FileManager.default.contentsOfDirectory(atPath: backupRoot)) ?? [])
            try Save.create(temporary, Self.edit(2 * round + 1))
            try Save.viaRename(home.catalina, Self.edit(2 * round))
            // Wait for the daemon's backup of edit 2*round: it has compared the file and is about to replace it.
            let writing = eventually(every: 50) {
                Set((try? FileManager.default.contentsOfDirectory(atPath: backupRoot)) ?? []).subtracting(runs).isEmpty == false
            }
            try #require(writing, "no backup: \(daemon.transcript)")
            try #require(rename(temporary, home.catalina) == 0)
            tried += 1
            let settled = Self.settled(home.catalina)
            try #require(settled != nil, "round \(round): never corrected: \(daemon.transcript)")
            let text = settled!
            if Self.marker(text) != 2 * round + 1 {
                lost.append("round \(round): saved edit \(2 * round + 1) during the daemon's write; the file now has edit \(Self.marker(text).map(String.init) ?? "none")")
            }
            usleep(200_000)
        }
        #expect(lost.isEmpty, "\(lost.count) of \(tried) edits lost:\n\(lost.joined(separator: "\n"))")
        #expect(daemon.stop() == 0)
    }

    // MARK: 10. Startup errors

    @Test func aMissingPathStopsTheStart() throws {
        let scratch = try Scratch()
        let daemon = try Self.watch([scratch.path + "/nope"], keeping: scratch)
        defer { daemon.kill() }
        #expect(daemon.waitForExit() == 2)
        let lines = daemon.lines
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.hasPrefix("isconf: error: ") == true, "\(lines)")
        #expect(lines.first?.contains("/nope") == true)
    }

    @Test func aTakenMetricsPortStopsTheStartBeforeAnyWrite() throws {
        let home = try Home()
        let before = Save.bytes(home.catalina)
        let held = try HTTP.holdPort()
        defer { close(held.fd) }
        let daemon = try Self.watch(home, ["--metrics-listen", "127.0.0.1:\(held.port)"])
        defer { daemon.kill() }
        #expect(daemon.waitForExit() == 2)
        let lines = daemon.lines
        #expect(lines.count == 1, "\(lines)")
        let line = try #require(lines.first)
        #expect(line.hasPrefix("isconf: error: --metrics-listen 127.0.0.1:\(held.port)"), "\(line)")
        #expect(line.contains("cannot listen") && line.lowercased().contains("in use"), "\(line)")
        #expect(Save.bytes(home.catalina) == before, "a daemon that cannot start corrects nothing")
        #expect(!home.backupFolderExists)
    }

    @Test func usageErrors() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        for arguments in [["--on-change-shell"], ["--metrics-listen", "nonsense"], ["--metrics-listen", "70000"],
                          ["--debounce-ms", "60001"], ["--on-change", "'unterminated"], ["--log-format", "xml"]] {
            let daemon = try Self.watch([home], arguments, keeping: scratch)
            defer { daemon.kill() }
            #expect(daemon.waitForExit() == 64, "\(arguments): \(daemon.transcript)")
        }
        #expect(!FileManager.default.fileExists(atPath: home + "/backup"))
    }
}
