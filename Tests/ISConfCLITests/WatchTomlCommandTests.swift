import Foundation
import ISConfTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `isconf watch` on an IS 5.9+ home: deployment.toml, from which the server renders the XML at every
/// start, is corrected as `isconf enable` corrects it; the XML is only reported.
@Suite struct WatchTomlCommandTests {
    static let toml = "repository/conf/deployment.toml"
    static let authenticators = "repository/conf/security/authenticators.xml"

    /// A copy of conf-samples/is-home-7.3 (deployment.toml as an older guide has it) in its own scratch folder.
    struct Home {
        let scratch: Scratch
        let path: String
        var toml: String { path + "/" + WatchTomlCommandTests.toml }

        init() throws {
            scratch = try Scratch()
            path = scratch.path + "/home"
            try FileManager.default.copyItem(atPath: CLI.packageRoot.appendingPathComponent("conf-samples/is-home-7.3").path, toPath: path)
        }

        /// The run folders under IS_HOME/backup/isconf holding a copy of deployment.toml.
        var backups: [String] {
            let root = path + "/backup/isconf"
            return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
                .filter { FileManager.default.fileExists(atPath: root + "/" + $0 + "/" + WatchTomlCommandTests.toml) }
        }
    }

    static func watch(_ home: Home, _ arguments: [String] = [], debounce: Int = 50) throws -> Daemon {
        try WatchCommandTests.watch([home.path], arguments, debounce: debounce, keeping: home.scratch)
    }

    static var aboutToml: ([String: Any]) -> Bool { WatchCommandTests.about(toml) }

    /// The sample's deployment.toml with the authenticator switched off by a later save.
    static func switchedOff(_ text: String) -> [UInt8] {
        Array(text.replacingOccurrences(of: "enable = true", with: "enable = false").utf8)
    }

    @Test func aSaveThatTurnsTheAuthenticatorOffIsCorrectedWithinTheDebounce() throws {
        let home = try Home()
        let daemon = try Self.watch(home, ["--metrics-listen", "0"])
        defer { daemon.kill() }
        let port = try WatchCommandTests.port(of: daemon)
        let watching = try #require(daemon.waitFor(message: "watching"), "\(daemon.transcript)")
        #expect(watching["files"] as? Int == 3, "the two XML files and deployment.toml")

        // At start: the older guide's clientAuth and enable = "true" are put right in deployment.toml.
        let start = try #require(daemon.records("corrected").first, "\(daemon.transcript)")
        #expect(Self.aboutToml(start) && start["reason"] as? String == "start")
        #expect(start["rules"] as? [String] == ["toml-client-auth", "toml-enable-boolean"])
        #expect(daemon.count("corrected") == 1, "the XML is not written: \(daemon.transcript)")
        // The XML still says what the last start rendered: reported, left to the next start.
        let drift = try #require(daemon.records("drift", matching: WatchCommandTests.about(Self.authenticators)).first, "\(daemon.transcript)")
        #expect(drift["action"] as? String == "none: IS 5.9+ renders this file from deployment.toml at its next start")
        let corrected = Save.text(home.toml)
        #expect(corrected.hasSuffix("[transport.https.properties]\n\n[admin_console.authenticator.mutual_ssl_authenticator]\nenable = true\n"))

        let debounce = 0.05
        let saved = Date()
        try Save.viaRename(home.toml, Self.switchedOff(corrected))
        #expect(eventually(timeout: 5, every: 1000) { Save.text(home.toml) == corrected }, "\(daemon.transcript)")
        let latency = Date().timeIntervalSince(saved)
        let line = try #require(daemon.waitFor(message: "corrected", count: 2), "\(daemon.transcript)")
        #expect(Self.aboutToml(line) && line["reason"] as? String == "change")
        #expect(line["rules"] as? [String] == ["toml-mutual-ssl-authenticator"])
        #expect(line["changes"] as? [String] == ["set [admin_console.authenticator.mutual_ssl_authenticator] enable = true (was false)"])
        #expect(latency >= debounce && latency < debounce + 0.5, "corrected \(Int(latency * 1000)) ms after the save")
        #expect(home.backups.count == 2)

        try WatchCommandTests.seesItsOwnWrite(daemon, after: 2, of: Self.toml)
        #expect(daemon.count("corrected") == 2, "its own write is not news: \(daemon.transcript)")
        let metrics = try WatchCommandTests.metrics(port)
        #expect(metrics.value("isconf_compliant", ["file": home.toml]) == 1, "\(metrics.text)")
        #expect(metrics.value("isconf_drift_detected_total", ["file": home.toml, "rule": "toml-mutual-ssl-authenticator"]) == 1)
        #expect(metrics.value("isconf_remediations_total", ["result": "success"]) == 2)
        #expect(daemon.stop() == 0)
    }

    @Test func reportOnlyOnlyReports() throws {
        let home = try Home()
        let original = Save.text(home.toml)
        let daemon = try Self.watch(home, ["--report-only"])
        defer { daemon.kill() }
        try #require(daemon.waitFor(message: "watching") != nil, "\(daemon.transcript)")
        let drift = try #require(daemon.records("drift", matching: Self.aboutToml).first, "\(daemon.transcript)")
        #expect(drift["rules"] as? [String] == ["toml-client-auth", "toml-enable-boolean"])
        #expect(drift["action"] as? String == "none: --report-only")

        try Save.viaRename(home.toml, Array(original.replacingOccurrences(of: "enable = \"true\"", with: "enable = false").utf8))
        let again = try #require(daemon.waitFor(message: "drift", count: 2, matching: Self.aboutToml), "\(daemon.transcript)")
        #expect(again["rules"] as? [String] == ["toml-client-auth", "toml-mutual-ssl-authenticator"])
        try WatchCommandTests.settle(daemon, resaving: home.toml)
        #expect(Save.text(home.toml).hasSuffix("enable = false\n"))
        #expect(daemon.count("corrected") == 0)
        #expect(!FileManager.default.fileExists(atPath: home.path + "/backup"))
        #expect(daemon.stop() == 0)
    }

    @Test func aMalformedSaveIsReportedAndLeftAloneUntilFixed() throws {
        let home = try Home()
        let daemon = try Self.watch(home)
        defer { daemon.kill() }
        try #require(daemon.waitFor(message: "watching") != nil, "\(daemon.transcript)")
        let corrected = Save.text(home.toml)

        let broken = Array((corrected + "[server]\n").utf8)
        try Save.viaRename(home.toml, broken)
        let report = try #require(
            daemon.waitFor(message: "cannot check; left untouched until it changes", matching: Self.aboutToml),
            "\(daemon.transcript)")
        #expect((report["error"] as? String)?.contains("deployment.toml:29:1: invalid TOML") == true, "\(report)")
        try WatchCommandTests.settle(daemon, resaving: home.toml)
        #expect(Save.bytes(home.toml) == broken)

        try Save.viaRename(home.toml, Self.switchedOff(corrected))
        try #require(daemon.waitFor(message: "corrected", count: 2, matching: Self.aboutToml) != nil, "\(daemon.transcript)")
        #expect(Save.text(home.toml) == corrected)
        #expect(daemon.stop() == 0)
    }
}
