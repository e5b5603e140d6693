import Foundation
import ISConfTestSupport
import Testing

/// Every bad input: one clear line naming the file, exit 2, no crash, no hang, and the other inputs still reported.
@Suite struct BadInputTests {
    /// Lints `bytes` as the catalina-server.xml of an otherwise sound IS_HOME.
    func lintBrokenCatalina(_ bytes: [UInt8]) throws -> CLI.Result {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        try scratch.write("home/repository/conf/tomcat/catalina-server.xml", bytes)
        return try CLI.run(["lint", home])
    }

    func expectOneParseError(_ result: CLI.Result, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 2, sourceLocation: sourceLocation)
        let errors = result.stdout.split(separator: "\n").filter { $0.contains("[xml-malformed]") }
        #expect(errors.count == 1, "\(result.stdout)", sourceLocation: sourceLocation)
        #expect(errors.first?.contains("catalina-server.xml") == true, sourceLocation: sourceLocation)
        #expect(errors.first?.contains(text) == true, "\(errors)", sourceLocation: sourceLocation)
        #expect(result.stdout.contains("[mutual-ssl-authenticator]"), "the other file is still linted", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, "no libxml2 noise: \(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func xxeIsRejectedAndNothingIsRead() throws {
        let scratch = try Scratch()
        let secret = try scratch.write("secret.txt", "TOP-SECRET-CONTENT")
        let result = try lintBrokenCatalina(
            Array(
                """
                <?xml version="1.0"?>
                <!DOCTYPE Server [<!ENTITY x SYSTEM "file://\(secret)">]>
                <Server port="&x;"><Service/></Server>
                """.utf8))
        expectOneParseError(result, containing: "DOCTYPE")
        #expect(!result.stdout.contains("TOP-SECRET"))
    }

    @Test func billionLaughsIsRejectedQuickly() throws {
        var doctype = "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        for level in 1...9 {
            doctype += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">"
        }
        doctype += "]>\n<Server a=\"&lol9;\"/>"
        let start = Date()
        expectOneParseError(try lintBrokenCatalina(Array(doctype.utf8)), containing: "DOCTYPE")
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func anyDoctype() throws {
        expectOneParseError(try lintBrokenCatalina(Array("<!DOCTYPE Server>\n<Server/>".utf8)), containing: "DOCTYPE")
    }

    @Test func binaryJunk() throws {
        var generator = SystemRandomNumberGenerator()
        let junk = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        expectOneParseError(try lintBrokenCatalina([0x00, 0x01] + junk), containing: "malformed XML")
    }

    @Test func utf16() throws {
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "<Server/>".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        expectOneParseError(try lintBrokenCatalina(utf16), containing: "UTF-16")
    }

    @Test func emptyFile() throws {
        expectOneParseError(try lintBrokenCatalina([]), containing: "empty")
    }

    @Test func malformedGivesLineColumnAndADescription() throws {
        let result = try lintBrokenCatalina(Array("<Server>\n  <Service>\n    <Connector port=\"9443\">\n  </Service>\n</Server>\n".utf8))
        expectOneParseError(result, containing: "catalina-server.xml:4:")
        #expect(result.stdout.contains("an end tag that does not match the open element"))
    }

    @Test func fileOverTheCap() throws {
        var bytes = Array("<Server>".utf8)
        bytes += [UInt8](repeating: 0x20, count: 8 * 1024 * 1024)
        bytes += Array("</Server>".utf8)
        let result = try lintBrokenCatalina(bytes)
        #expect(result.status == 2)
        #expect(result.stderr.contains("catalina-server.xml: file is") && result.stderr.contains("MiB limit"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    func expectInputError(_ result: CLI.Result, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 2, sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(lines.first?.hasPrefix("isconf: error: ") == true, sourceLocation: sourceLocation)
        #expect(lines.first?.contains(text) == true, "\(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func missingPath() throws {
        let scratch = try Scratch()
        let result = try CLI.run(["lint", scratch.path + "/nope", CLI.sample])
        expectInputError(result, "nope: no such file or directory")
        #expect(result.stdout.contains("[client-auth-want]"), "the other input is still reported")
    }

    @Test func directoryWhereAFileIsExpected() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let file = home + "/repository/conf/tomcat/catalina-server.xml"
        try FileManager.default.removeItem(atPath: file)
        try FileManager.default.createDirectory(atPath: file, withIntermediateDirectories: false)
        expectInputError(try CLI.run(["lint", home]), "catalina-server.xml: is a directory, expected a file")
    }

    @Test func symlinkLoop() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let file = home + "/repository/conf/tomcat/catalina-server.xml"
        try FileManager.default.removeItem(atPath: file)
        try FileManager.default.createSymbolicLink(atPath: file, withDestinationPath: home + "/loop")
        try FileManager.default.createSymbolicLink(atPath: home + "/loop", withDestinationPath: file)
        expectInputError(try CLI.run(["lint", home]), "symlink loop")
        expectInputError(try CLI.run(["lint", file]), "symlink loop")
    }

    @Test func fifoDoesNotHang() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let file = home + "/repository/conf/tomcat/catalina-server.xml"
        try FileManager.default.removeItem(atPath: file)
        #expect(mkfifo(file, 0o644) == 0)
        expectInputError(try CLI.run(["lint", home]), "not a regular file")
    }

    /// Root reads any file, so the check runs the binary as `nobody` when the tests run as root.
    @Test func unreadableFile() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let file = home + "/repository/conf/tomcat/catalina-server.xml"
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: file)
        guard geteuid() == 0 else {
            expectInputError(try CLI.run(["lint", home]), "catalina-server.xml: permission denied")
            return
        }
        let setpriv = "/usr/bin/setpriv"
        try #require(FileManager.default.isExecutableFile(atPath: setpriv), "setpriv (util-linux) is needed to drop root")
        // nobody must reach the binary and the sample: copy the binary next to the scratch folder.
        let binary = try scratch.write("bin/isconf", [UInt8](try Data(contentsOf: CLI.binary)))
        for path in [scratch.path, scratch.path + "/bin", binary] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        var directory = URL(fileURLWithPath: scratch.path)
        while directory.path != "/" {
            directory.deleteLastPathComponent()
            let mode = (try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int) ?? 0
            try #require(mode & 0o001 != 0, "\(directory.path) is not searchable by nobody")
        }
        let result = try CLI.run(["--reuid=65534", "--regid=65534", "--clear-groups", binary, "lint", home], executable: setpriv)
        #expect(result.status == 2)
        #expect(result.stderr.contains("catalina-server.xml: permission denied"), "\(result.stderr)")
    }
}
