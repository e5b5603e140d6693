import Foundation
import ISConfTestSupport
import Testing

/// A long run prints each target's findings as soon as it and all before it are done, in the same order
/// as ever, with a progress line on stderr only when stderr is a terminal.
@Suite struct StreamingOutputTests {
    /// The whole output is what linting each home alone prints, in order, then one summary: however the
    /// parallel run finishes them.
    @Test func textIsEachTargetsFindingsInOrderThenTheSummary() throws {
        let scratch = try Scratch()
        var homes: [String] = []
        for index in 0..<24 {
            let home = try scratch.copySample(as: String(format: "h%02d", index))
            // Different findings per home, so that a target printed out of order would show.
            if index % 3 == 1 { try FileManager.default.removeItem(atPath: home + "/repository/conf/security/authenticators.xml") }
            if index % 3 == 2 {
                let path = home + "/repository/conf/tomcat/catalina-server.xml"
                try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "clientAuth=\"false\"", with: "clientAuth=\"want\"")
                    .write(toFile: path, atomically: true, encoding: .utf8)
            }
            homes.append(home)
        }
        let all = try CLI.run(["lint"] + homes)
        #expect(all.status == 2, "the missing authenticators.xml files are unreadable inputs")
        var expected = ""
        var expectedErrors = ""
        for home in homes {
            let alone = try CLI.run(["lint", home])
            expected += alone.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast(2).map { $0 + "\n" }.joined()
            expectedErrors += alone.stderr
        }
        let summary = try #require(all.stdout.split(separator: "\n").last.map(String.init))
        #expect(all.stdout == expected + summary + "\n")
        #expect(all.stderr == expectedErrors, "each unreadable input with its target, in order, and no progress line off a terminal")
        #expect(summary.hasPrefix("32 errors in 48 files"), "\(summary)")
        #expect(try CLI.run(["lint"] + homes).stdout == all.stdout, "stable from run to run")
    }

    /// On a terminal the progress line is drawn on stderr and cleared before each block of findings and
    /// at the end: without it, the terminal shows exactly what a pipe gets.
    @Test func progressLineOnlyOnATerminalAndClearedAway() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let scratch = try Scratch()
        // Enough homes for the debug build to pass the line's 200 ms delay.
        for index in 0..<60 { _ = try scratch.copySample(as: String(format: "h%02d", index)) }
        let piped = try CLI.run(["lint", scratch.path], environment: ["NO_COLOR": "1"])
        #expect(piped.stderr.isEmpty)
        let terminal = try CLI.run(
            ["-qec", "\(CLI.binary.path) lint \(scratch.path)", "/dev/null"],
            environment: ["NO_COLOR": "1"], executable: "/usr/bin/script")
        let shown = terminal.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(shown.contains("\risconf: linting "), "\(shown.prefix(300))")
        let drawn = try Regex(#"\risconf: linting (\d+)/60 homes…\u{1B}\[K"#)
        let cleared = shown.replacing(drawn, with: "").replacingOccurrences(of: "\r\u{1B}[K", with: "")
        #expect(cleared == piped.stdout)
        for range in shown.ranges(of: drawn) {
            #expect(shown[range.upperBound...].hasPrefix("\r"), "only a redraw or the clearing follows a progress line")
        }
        let lastDraw = try #require(shown.ranges(of: drawn).last)
        #expect(shown[lastDraw.upperBound...].hasPrefix("\r\u{1B}[K"), "cleared right after its last drawing")
    }
}
