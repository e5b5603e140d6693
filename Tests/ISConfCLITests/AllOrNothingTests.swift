import Foundation
import ISConfTestSupport
import Testing

/// Issue 17, class 9: a write failing after another file of the home was written puts that file back.
@Suite struct AllOrNothingTests {
    static let catalina = "repository/conf/tomcat/catalina-server.xml"
    static let authenticators = "repository/conf/security/authenticators.xml"

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func backupRuns(_ home: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: home + "/backup/isconf")) ?? []).sorted()
    }

    /// The second file cannot be written (its folder is a full tmpfs): the first, already written,
    /// is put back, and the run says so.
    @Test func aFailedSecondWriteRollsBackTheFirst() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let security = home + "/repository/conf/security"
        let authenticators = try bytes(home + "/" + Self.authenticators)
        guard Mount.tmpfs(security, size: "64k") else {
            Issue.record(Mount.unavailable)
            return
        }
        defer { Mount.unmount(security) }
        try authenticators.write(to: URL(fileURLWithPath: home + "/" + Self.authenticators))
        Mount.fill(security)
        let catalina = try bytes(home + "/" + Self.catalina)

        let result = try CLI.run(["enable", home])
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("put back as it was: \(home)/\(Self.catalina)"), "\(result.stderr)")
        #expect(try bytes(home + "/" + Self.catalina) == catalina)
        #expect(try bytes(home + "/" + Self.authenticators) == authenticators)
        #expect(backupRuns(home).isEmpty, "a failed run leaves no backup folder: \(backupRuns(home))")
    }
}

/// A small tmpfs, to fill a disk on purpose (root only).
enum Mount {
    static let unavailable: Comment = "mount -t tmpfs is not permitted here (not root, or in a container without CAP_SYS_ADMIN): skipped"

    static func tmpfs(_ directory: String, size: String) -> Bool {
        (try? CLI.run(["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", directory], executable: "/bin/mount").status) == 0
    }

    static func unmount(_ directory: String) { _ = try? CLI.run([directory], executable: "/bin/umount") }

    /// Fills the file system holding `directory` to the last block.
    static func fill(_ directory: String) {
        let fd = open(directory + "/filler", O_WRONLY | O_CREAT, 0o600)
        let block = [UInt8](repeating: 0, count: 4096)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress!, $0.count) }) > 0 {}
        _ = block.withUnsafeBytes { write(fd, $0.baseAddress!, 1) }
        close(fd)
    }
}
