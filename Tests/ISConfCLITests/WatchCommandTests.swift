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
    /// Logs at trace level by default: its "unchanged" lines tell when the daemon has looked at a file again.
    /// The daemon keeps `scratch` alive, so the folder outlives it.
    static func watch(
        _ paths: [String], _ arguments: [String] = [], debounce: Int = 50, logLevel: String = "trace",
        environment: [String: String] = [:], directory: String? = nil, keeping scratch: Scratch
    ) throws -> Daemon {
        try Daemon(
            ["watch", "--log-format", "json", "--log-level", logLevel, "--debounce-ms", "\(debounce)", "--interval", "0"]
                + arguments + paths,
            environment: environment, directory: directory, keeping: scratch)
    }

    static func watch(
        _ home: Home, _ arguments: [String] = [], debounce: Int = 50, logLevel: String = "trace",
        environment: [String: String] = [:], directory: String? = nil
    ) throws -> Daemon {
        try watch(
            [home.path], arguments, debounce: debounce, logLevel: logLevel, environment: environment, directory: directory,
            keeping: home.scratch)
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

    /// Waits until the daemon has handled every event so far, without a fixed sleep: saves `file` again
    /// with the bytes it holds (renamed over, so never half-written) and waits for the daemon to find
    /// it unchanged. Events are handled in order, and a check never falls due after that of a file
    /// saved later, so whatever came before has been acted on by then. Returns the file's new inode.
    @discardableResult
    static func settle(_ daemon: Daemon, resaving file: String) throws -> UInt64? {
        let mark = daemon.lineCount
        try Save.viaRename(file, Save.bytes(file))
        let inode = Save.inode(file)
        try #require(
            daemon.waitFor(message: "unchanged", afterLine: mark, matching: { $0["file"] as? String == file }) != nil,
            "the daemon never looked at \(file) again: \(daemon.transcript)")
        return inode
    }

    /// Waits for the daemon to look at its own write after the `count`-th correction and find it unchanged.
    static func seesItsOwnWrite(_ daemon: Daemon, after count: Int, of relative: String) throws {
        try #require(
            daemon.waitFor(message: "unchanged", after: "corrected", count: count, matching: about(relative)) != nil,
            "its write after correction \(count) was not looked at: \(daemon.transcript)")
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

        let catalinaInode = Save.inode(home.catalina)
        let resaved = try Self.settle(daemon, resaving: home.authenticators)
        #expect(daemon.count("corrected") == 2, "its own writes are not news: \(daemon.transcript)")
        #expect(Save.inode(home.catalina) == catalinaInode)
        #expect(Save.inode(home.authenticators) == resaved, "nor is a save of the same bytes")
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
        try Self.seesItsOwnWrite(daemon, after: 3, of: Self.catalina)
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
            try Self.seesItsOwnWrite(daemon, after: 4, of: Self.catalina)
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
        try Self.settle(daemon, resaving: home.authenticators)
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
        try #require(daemon.waitFor(message: "drift", count: 3) != nil, "\(daemon.transcript)")
        try Self.settle(daemon, resaving: home.authenticators)
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
        try Self.settle(daemon, resaving: home.authenticators)
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
        let report = try #require(
            daemon.waitFor(message: "cannot check; left untouched until it changes", matching: Self.about(Self.catalina)),
            "\(daemon.transcript)")
        #expect(report["level"] as? String == "error")
        #expect((report["error"] as? String)?.contains("catalina-server.xml") == true, "\(report)")
        try Self.settle(daemon, resaving: home.authenticators)
        #expect(Save.bytes(home.catalina) == truncated)
        #expect(daemon.count("corrected") == 2)
        #expect(home.backups(of: Self.catalina).count == 1)

        try Save.viaRename(home.catalina, Self.badCatalina)
        let line = try #require(daemon.waitFor(message: "corrected", count: 3), "\(daemon.transcript)")
        #expect(Self.about(Self.catalina)(line))
        #expect(Save.text(home.catalina).contains(Self.want))
        #expect(daemon.stop() == 0)
    }
}
