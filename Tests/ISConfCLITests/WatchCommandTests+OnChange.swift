import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `isconf watch --on-change`: the command run after corrections, its environment, spacing and signals.
extension WatchCommandTests {
    // MARK: 8. --on-change

    /// A script that appends its environment to `log`, one record per run.
    static func recorder(in home: Home) throws -> (script: String, log: String) {
        let log = home.scratch.path + "/on-change.log"
        let script = try home.scratch.write(
            "on-change.sh",
            """
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
        try Self.settle(daemon, resaving: home.authenticators)
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
        let blocked = try mask("SigBlk")
        let ignored = try mask("SigIgn")
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
        let daemon = try Self.watch(
            home, ["--on-change", "/bin/echo $HOME > x; 'a  b'", "--on-change-min-interval", "0"],
            directory: scratch)
        defer { daemon.kill() }
        try #require(daemon.waitFor(message: "on-change finished") != nil, "\(daemon.transcript)")
        let echoed = daemon.waitForOutput(timeout: 5) { $0.contains("HOME") }
        #expect(echoed == "$HOME > x; a  b", "the literal words reach the program: \(daemon.outputLines)")
        #expect(!FileManager.default.fileExists(atPath: scratch + "/x"), "no shell redirection")
        #expect(daemon.stop() == 0)

        // With --on-change-shell the same syntax is the shell's.
        let other = try Home()
        let shell = try Self.watch(
            other, ["--on-change", "echo \"$ISCONF_RULES\" > x", "--on-change-shell", "--on-change-min-interval", "0"],
            directory: other.scratch.path)
        defer { shell.kill() }
        try #require(shell.waitFor(message: "on-change finished") != nil, "\(shell.transcript)")
        #expect(Save.text(other.scratch.path + "/x") == "client-auth-want,mutual-ssl-authenticator\n")
        #expect(shell.stop() == 0)
    }
}
