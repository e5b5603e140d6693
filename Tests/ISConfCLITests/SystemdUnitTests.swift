import Foundation
import ISConfTestSupport
import Testing

/// The sample unit in conf-samples/systemd must load cleanly on this machine's systemd. Unknown keys,
/// bad values and directives newer than that systemd are only warnings to systemd (the unit still
/// starts, without them), so `systemd-analyze verify` must both exit 0 and say nothing about the unit.
@Suite(
    "systemd unit",
    .enabled(if: SystemdAnalyze.path != nil, "needs systemd-analyze on PATH (Debian: the systemd package)"))
struct SystemdUnitTests {
    static let unit = CLI.packageRoot.appendingPathComponent("conf-samples/systemd/isconf-watch.service")

    @Test func sampleUnitPassesSystemdAnalyzeVerify() throws {
        let scratch = try Scratch()
        let verdict = try SystemdAnalyze.verify(try String(contentsOf: Self.unit, encoding: .utf8), in: scratch)
        #expect(verdict.status == 0, "systemd-analyze verify exit status \(verdict.status):\n\(verdict.output)")
        #expect(verdict.aboutUnit.isEmpty, "systemd-analyze verify complains about the unit:\n\(verdict.aboutUnit.joined(separator: "\n"))")
    }

    /// The check above can fail: a value systemd cannot parse is reported.
    @Test func aBrokenUnitIsCaught() throws {
        let scratch = try Scratch()
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        let saysNotify = text.contains("\nType=notify\n")
        try #require(saysNotify, "the unit must have a Type=notify line to break")
        let verdict = try SystemdAnalyze.verify(text.replacingOccurrences(of: "\nType=notify\n", with: "\nType=bogus\n"), in: scratch)
        #expect(
            verdict.status != 0 || verdict.aboutUnit.contains { $0.contains("bogus") },
            "Type=bogus went unnoticed:\n\(verdict.output)")
    }
}

enum SystemdAnalyze {
    /// systemd-analyze from PATH, if any.
    static let path = ExternalProgram.which("systemd-analyze")

    struct Verdict {
        var status: Int32
        var output: String
        /// The lines about the unit itself; others are about units of this machine it loaded.
        var aboutUnit: [String]
    }

    /// Runs `systemd-analyze verify` on a copy of `unitText` whose ExecStart runs the isconf-watch
    /// the tests built: verify also checks that the command exists and is executable.
    static func verify(_ unitText: String, in scratch: Scratch) throws -> Verdict {
        let installed = "ExecStart=/usr/local/bin/isconf-watch "
        let runsInstalled = unitText.contains(installed)
        try #require(runsInstalled, "the unit's ExecStart must run /usr/local/bin/isconf-watch")
        let daemon = CLI.binary.deletingLastPathComponent().appendingPathComponent("isconf-watch")
        let built = "ExecStart=\"\(daemon.path.replacingOccurrences(of: "%", with: "%%"))\" "
        let name = "isconf-watch.service"
        let copy = try scratch.write(name, unitText.replacingOccurrences(of: installed, with: built))
        // --man=no: the unit's Documentation=man:isconf-watch(1) is installed with the package, not
        // here (Tests/packaging checks it against the generated page).
        let result = try CLI.run(["verify", "--man=no", copy], executable: try #require(path))
        let output = result.stdout + result.stderr
        return Verdict(
            status: result.status, output: output,
            aboutUnit: output.split(separator: "\n").map(String.init).filter { $0.contains(name) })
    }
}
