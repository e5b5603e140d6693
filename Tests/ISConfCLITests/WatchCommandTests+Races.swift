import Foundation
import ISConfTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `isconf watch` against edits racing its own writes, and the errors that stop it at start.
extension WatchCommandTests {
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
            if Self.marker(text) != last {
                lost.append("round \(rounds): wrote edit \(last), the corrected file has edit \(Self.marker(text).map(String.init) ?? "none")")
            }
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
                lost.append(
                    "round \(round): saved edit \(2 * round + 1) during the daemon's write; the file now has edit \(Self.marker(text).map(String.init) ?? "none")"
                )
            }
            // The daemon has seen its last write before the next round looks for a new backup.
            try Self.seesItsOwnWrite(daemon, after: daemon.count("corrected"), of: Self.catalina)
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
        for arguments in [
            ["--on-change-shell"], ["--metrics-listen", "nonsense"], ["--metrics-listen", "70000"],
            ["--debounce-ms", "60001"], ["--on-change", "'unterminated"], ["--log-format", "xml"],
        ] {
            let daemon = try Self.watch([home], arguments, keeping: scratch)
            defer { daemon.kill() }
            #expect(daemon.waitForExit() == 64, "\(arguments): \(daemon.transcript)")
        }
        #expect(!FileManager.default.fileExists(atPath: home + "/backup"))
    }
}
