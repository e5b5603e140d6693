import Foundation
import ISConfTestSupport
import Testing

/// Whatever goes wrong, `enable` says so in one line, exits 2 and leaves the files as they were.
@Suite struct EnableFailureTests {
    static let catalina = "repository/conf/tomcat/catalina-server.xml"
    static let authenticators = "repository/conf/security/authenticators.xml"

    static let badCatalinas: [(String, [UInt8])] = {
        var billion = "<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">"
        for level in 1...9 { billion += "<!ENTITY a\(level) \"" + String(repeating: "&a\(level == 1 ? "" : String(level - 1));", count: 10) + "\">" }
        billion += "]><Server a=\"&a9;\"/>"
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "<Server/>".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        return [
            ("XXE", Array("<!DOCTYPE Server [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Server port=\"&x;\"/>".utf8)),
            ("billion laughs", Array(billion.utf8)),
            ("DOCTYPE", Array("<!DOCTYPE Server><Server/>".utf8)),
            ("binary junk", (0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }),
            ("UTF-16", utf16),
            ("empty", []),
            ("malformed", Array("<Server><Service></Server>".utf8)),
            ("over the cap", Array("<Server>".utf8) + [UInt8](repeating: 0x20, count: 8 * 1024 * 1024) + Array("</Server>".utf8)),
        ]
    }()

    /// A disabled authenticator with WhiteListEnabled and an empty WhiteList: enabling it alone would
    /// reject every certificate login, so enable writes nothing and says what to pass.
    @Test func anEmptyWhitelistIsNotEnabledIntoAFailure() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let authenticators = """
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <Authenticators xmlns="http://wso2.org/projects/carbon/authenticators.xml">
                <Authenticator name="MutualSSLAuthenticator" disabled="true">
                    <Priority>5</Priority>
                    <Config>
                        <Parameter name="WhiteListEnabled">true</Parameter>
                        <Parameter name="WhiteList"/>
                    </Config>
                </Authenticator>
            </Authenticators>

            """
        try scratch.write("home/" + Self.authenticators, Array(authenticators.utf8))
        let catalina = try Data(contentsOf: URL(fileURLWithPath: home + "/" + Self.catalina))
        let lint = try CLI.run(["lint", home])
        #expect(
            lint.stdout.contains("warning: once enabled, WhiteListEnabled is true and WhiteList is empty: every certificate login is rejected [whitelist]"),
            "\(lint.stdout)")
        let result = try CLI.run(["enable", home])
        #expect(result.status == 2)
        #expect(!result.stdout.contains("mutual SSL enabled"), "\(result.stdout)")
        #expect(result.stderr.contains("enabling mutual SSL would leave it broken") && result.stderr.contains("pass --whitelist"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: home + "/" + Self.authenticators)) == Data(authenticators.utf8))
        #expect(try Data(contentsOf: URL(fileURLWithPath: home + "/" + Self.catalina)) == catalina, "the home is left as it was")
        let fixed = try CLI.run(["enable", "--whitelist", String(repeating: "ab", count: 20), home])
        #expect(fixed.status == 0, "\(fixed.stderr)")
        #expect(try CLI.run(["lint", home]).status == 0)
    }

    @Test(arguments: badCatalinas.indices)
    func badInputLeavesBothFilesUntouched(index: Int) throws {
        let (name, bytes) = Self.badCatalinas[index]
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        try scratch.write("home/" + Self.catalina, bytes)
        let authenticators = try Data(contentsOf: URL(fileURLWithPath: home + "/" + Self.authenticators))
        let result = try CLI.run(["enable", home])
        #expect(result.status == 2, "\(name)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(name): \(result.stderr)")
        #expect(result.stderr.contains("catalina-server.xml"), "\(name)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: home + "/" + Self.catalina)) == Data(bytes), "\(name)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: home + "/" + Self.authenticators)) == authenticators, "\(name)")
        #expect(!FileManager.default.fileExists(atPath: home + "/backup"), "\(name)")
    }

    @Test func missingDirectoryLoopAndFIFO() throws {
        let scratch = try Scratch()
        #expect(try CLI.run(["enable", scratch.path + "/nope"]).status == 2)
        let home = try scratch.copySample(as: "home")
        let file = home + "/" + Self.catalina
        try FileManager.default.removeItem(atPath: file)
        try FileManager.default.createDirectory(atPath: file, withIntermediateDirectories: false)
        let directory = try CLI.run(["enable", home])
        #expect(directory.status == 2 && directory.stderr.contains("is a directory"))
        try FileManager.default.removeItem(atPath: file)
        try FileManager.default.createSymbolicLink(atPath: file, withDestinationPath: file)
        let loop = try CLI.run(["enable", home])
        #expect(loop.status == 2 && loop.stderr.contains("symlink loop"))
        try FileManager.default.removeItem(atPath: file)
        #expect(mkfifo(file, 0o644) == 0)
        let fifo = try CLI.run(["enable", home])
        #expect(fifo.status == 2 && fifo.stderr.contains("not a regular file"))
    }

    /// A 64 KiB tmpfs filled to the brim: the write fails cleanly, the original stays, no temp file is left.
    @Test(.enabled(if: geteuid() == 0, "mounting a small tmpfs needs root"))
    func fullDisk() throws {
        let scratch = try Scratch()
        let mountPoint = scratch.path + "/small"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = try CLI.run(["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint], executable: "/bin/mount")
        try #require(mount.status == 0, "cannot mount a tmpfs here: \(mount.stderr)")
        defer { _ = try? CLI.run([mountPoint], executable: "/bin/umount") }
        let home = mountPoint + "/home"
        try FileManager.default.copyItem(atPath: CLI.sample, toPath: home)
        let before = try Data(contentsOf: URL(fileURLWithPath: home + "/" + Self.catalina))
        // Fill what is left, a page at a time, until the file system refuses.
        try #require(FileManager.default.createFile(atPath: mountPoint + "/filler", contents: nil))
        let filler = try #require(FileHandle(forWritingAtPath: mountPoint + "/filler"))
        let page = Data(repeating: 0, count: 4096)
        while (try? filler.write(contentsOf: page)) != nil {}
        try? filler.close()
        for arguments in [["enable", "--no-backup", home], ["enable", home]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains("no space left on device"), "\(result.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: home + "/" + Self.catalina)) == before)
            let temporaries = (FileManager.default.enumerator(atPath: home)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".tmp") }
            #expect(temporaries.isEmpty)
        }
    }
}

/// A user's edit that lands while `enable` waits for the folder lock is kept: enable sees the file
/// changed since it planned, plans again on the new bytes, and writes both changes.
@Suite struct EnableConcurrencyTests {
    @Test func anEditDuringTheLockIsNotLost() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let folder = home + "/repository/conf/tomcat"
        let path = folder + "/catalina-server.xml"
        let lock = open(folder, O_RDONLY | O_DIRECTORY)
        try #require(lock >= 0)
        defer { close(lock) }
        #expect(flock(lock, LOCK_EX) == 0)

        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["enable", "--no-backup", home]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(500_000)  // enable has planned by now and waits for the lock
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let edited = original.replacingOccurrences(
            of: "maxThreads=\"250\"\n                   server=\"WSO2 Carbon Server\"\n                   clientAuth",
            with: "maxThreads=\"300\"\n                   server=\"WSO2 Carbon Server\"\n                   clientAuth")
        try #require(edited != original)
        try edited.write(toFile: path, atomically: false, encoding: .utf8)
        flock(lock, LOCK_UN)
        process.waitUntilExit()

        #expect(process.terminationStatus == 0)
        let final = try String(contentsOfFile: path, encoding: .utf8)
        #expect(final.contains("maxThreads=\"300\""), "the user's edit is kept")
        #expect(final.contains("clientAuth=\"want\""), "and enable's change is made on top of it")
    }
}
