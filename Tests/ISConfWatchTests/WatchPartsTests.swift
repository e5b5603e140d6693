import Foundation
import ISConfWatch
import Logging
import Testing

@Suite struct OnChangeCommandTests {
    @Test(arguments: [
        ("systemctl restart wso2is", ["systemctl", "restart", "wso2is"]),
        ("  a   b\tc ", ["a", "b", "c"]),
        (#"echo "two words" 'single $HOME' back\ slash"#, ["echo", "two words", "single $HOME", "back slash"]),
        (#"printf "%s\n" "a\"b""#, ["printf", #"%s\n"#, #"a"b"#]),
        (#"x "" ''"#, ["x", "", ""]),
        ("echo $HOME > out; rm -rf /", ["echo", "$HOME", ">", "out;", "rm", "-rf", "/"]),
    ])
    func splitsLikeAShellWithoutExpanding(line: String, words: [String]) throws {
        #expect(try OnChangeCommand(line, shell: false).arguments == words)
    }

    @Test(arguments: ["", "   ", "echo 'open", #"echo "open"#, "trailing\\"])
    func rejectsWhatCannotBeSplit(line: String) {
        #expect(throws: (any Error).self) { try OnChangeCommand(line, shell: false) }
    }

    @Test func aCommandThatCannotRunIsRefusedUpFront() throws {
        try OnChangeCommand("true", shell: false).checkRunnable(path: "/usr/bin:/bin")
        try OnChangeCommand("/bin/sh -c x", shell: false).checkRunnable(path: nil)
        #expect(throws: (any Error).self) { try OnChangeCommand("systemctll restart", shell: false).checkRunnable(path: "/usr/bin:/bin") }
        let plain = FileManager.default.temporaryDirectory.appendingPathComponent("isconf-not-a-program-\(getpid())").path
        FileManager.default.createFile(atPath: plain, contents: Data("echo\n".utf8), attributes: [.posixPermissions: 0o644])
        defer { try? FileManager.default.removeItem(atPath: plain) }
        #expect(throws: (any Error).self) { try OnChangeCommand(plain, shell: false).checkRunnable(path: nil) }
        #expect(throws: (any Error).self) { try OnChangeCommand("/tmp", shell: false).checkRunnable(path: nil) }
    }

    @Test func shellOnlyWhenAsked() throws {
        #expect(try OnChangeCommand("echo $HOME | wc", shell: true).arguments == ["/bin/sh", "-c", "echo $HOME | wc"])
    }
}

@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("9464", "127.0.0.1", 9464, true),
        ("127.0.0.1:9464", "127.0.0.1", 9464, true),
        ("0.0.0.0:9464", "0.0.0.0", 9464, false),
        ("[::1]:9464", "::1", 9464, true),
        ("[::]:0", "::", 0, false),
        ("localhost:80", "localhost", 80, true),
    ])
    func parses(text: String, host: String, port: Int, loopback: Bool) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.isLoopback == loopback)
    }

    @Test(arguments: ["", ":9464", "host:", "host:70000", "1:2:3", "[::1]9464", "[::1", "abc", "-1"])
    func rejects(text: String) {
        #expect(throws: (any Error).self) { try ListenAddress(parsing: text) }
    }
}

@Suite struct LineLogHandlerTests {
    private func capture(_ format: LineLogHandler.Format, _ body: (Logger) -> Void) throws -> [String] {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        body(Logger(label: "test") { _ in LineLogHandler(format: format, level: .info, fileDescriptor: ends[1]) })
        close(ends[1])
        let data = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true).readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func jsonLinesAreJSONWithTypedFields() throws {
        let lines = try capture(.json) { logger in
            logger.info(
                "corrected",
                metadata: [
                    "file": "/a b/\"c\".xml", "took_ms": .stringConvertible(3.25),
                    "pid": .stringConvertible(42), "rules": ["r1", "r2"],
                ])
            logger.debug("hidden")
        }
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["message"] as? String == "corrected")
        #expect(object["level"] as? String == "info")
        #expect(object["file"] as? String == "/a b/\"c\".xml")
        #expect(object["took_ms"] as? Double == 3.25)
        #expect(object["pid"] as? Int == 42)
        #expect(object["rules"] as? [String] == ["r1", "r2"])
        #expect((object["time"] as? String)?.hasSuffix("Z") == true)
    }

    @Test func textLinesLeadWithTheFileAndQuoteWhatNeedsIt() throws {
        let lines = try capture(.text) { logger in
            logger.warning("drift", metadata: ["zeta": "1", "file": "/x y.xml", "rules": ["a", "b"], "line": "two\nlines"])
        }
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.contains(" warning drift file=\"/x y.xml\" rules=a,b line=\"two\\nlines\" zeta=1"))
    }
}
