import Foundation
import ISConfTestSupport
import Testing

/// Issue 17, classes 6 and 7: a replaced IS_HOME is watched again; numeric options are range-checked.
@Suite struct WatchHardeningTests {
    static let catalina = "repository/conf/tomcat/catalina-server.xml"

    @Test func numericOptionsOutOfRangeAreUsageErrors() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        for (option, value) in [
            ("--interval", "18446744073709551615"), ("--interval", "99999999999"),
            ("--debounce-ms", "60001"), ("--on-change-min-interval", "99999999999"),
        ] {
            var arguments = ["watch", option, value, home]
            if option == "--on-change-min-interval" { arguments.insert(contentsOf: ["--on-change", "/bin/true"], at: 1) }
            let result = try CLI.run(arguments)
            #expect(result.status == 64, "\(option) \(value): \(result.stderr)")
            #expect(result.stderr.contains(option), "\(option): \(result.stderr)")
        }
    }

    /// `mv home home.old; cp -r fresh home`, the copy made only after the daemon found the home gone:
    /// the new home is watched and corrected without a SIGHUP, the old one left alone.
    @Test func aHomeReplacedByAnotherIsWatchedAgain() throws {
        let home = try WatchCommandTests.Home()
        let daemon = try WatchCommandTests.watch(home)
        defer { daemon.kill() }
        try #require(daemon.waitFor(message: "watching") != nil, "\(daemon.transcript)")
        try #require(daemon.count("corrected") == 2)
        try #require(rename(home.path, home.path + ".old") == 0)
        try #require(daemon.waitFor(message: "cannot read") != nil, "\(daemon.transcript)")
        try FileManager.default.copyItem(atPath: CLI.sample, toPath: home.path)
        #expect(daemon.waitFor(message: "corrected", count: 4) != nil, "\(daemon.transcript)")
        #expect(try CLI.run(["lint", home.path]).status == 0)
        #expect(Save.text(home.path + ".old/" + Self.catalina).contains(WatchCommandTests.want), "the old home was corrected before")
        #expect(daemon.stop() == 0)
    }
}
