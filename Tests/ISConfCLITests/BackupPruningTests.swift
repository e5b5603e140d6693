import Foundation
import ISConfTestSupport
import Testing

/// Issue 17, class 2: pruning touches only the run folders isconf made, never the run just written.
@Suite struct BackupPruningTests {
    func backupRuns(_ home: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: home + "/backup/isconf")) ?? []).sorted()
    }

    @Test func pruningKeepsWhatIsconfDidNotMake() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let root = home + "/backup/isconf"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        // Someone else's folders, a link to a folder elsewhere, and stamps without isconf's marker.
        let outside = try scratch.write("precious/keep.txt", "keep")
        for name in ["2019-db-dump", "1", "20000101T000000.000Z"] {
            try FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: false)
            try "data".write(toFile: root + "/" + name + "/file", atomically: false, encoding: .utf8)
        }
        try FileManager.default.createSymbolicLink(
            atPath: root + "/20000101T000001.000Z",
            withDestinationPath: (outside as NSString).deletingLastPathComponent)
        // Eleven earlier runs of isconf, all after the one about to be written (a clock set back).
        for index in 0..<11 {
            let run = root + "/2099010\(index / 10)T00000\(index % 10).000Z"
            try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: false)
            try Data().write(to: URL(fileURLWithPath: run + "/.isconf-backup-run"))
            try "old".write(toFile: run + "/catalina-server.xml", atomically: false, encoding: .utf8)
        }
        let result = try CLI.run(["enable", home])
        #expect(result.status == 0, "\(result.stderr)")
        let runs = backupRuns(home)
        for name in ["2019-db-dump", "1", "20000101T000000.000Z", "20000101T000001.000Z"] { #expect(runs.contains(name), "\(name) was pruned") }
        #expect(FileManager.default.fileExists(atPath: outside))
        let written = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("backup: ") }).dropFirst(8)
        #expect(FileManager.default.fileExists(atPath: String(written)), "the backup printed exists: \(written)")
        let isconfRuns = runs.filter { FileManager.default.fileExists(atPath: root + "/" + $0 + "/.isconf-backup-run") }
        #expect(isconfRuns.count == 10, "\(isconfRuns)")
    }
}
