import Foundation
import ISConfTestSupport
import Testing

/// Issue 17, class 8: text output escapes control characters and cuts long values.
@Suite struct OutputInjectionTests {
    @Test func controlCharactersAreEscapedAndLongValuesCut() throws {
        let scratch = try Scratch()
        func connector(_ clientAuth: String) -> String {
            "<Server><Service><Connector port=\"9443\" SSLEnabled=\"true\" scheme=\"https\" clientAuth=\"\(clientAuth)\"/></Service></Server>\n"
        }
        // A line end and a C1 control (CSI) as character references: legal XML, dangerous on a terminal.
        let forged = try scratch.write("i/catalina-server.xml", connector("x&#10;fake.xml:1:1: error: forged finding [client-auth-want]&#x9b;2J"))
        let text = try CLI.run(["lint", "--tomcat", "9", forged])
        #expect(text.status == 1)
        #expect(!text.stdout.split(separator: "\n").contains { $0.hasPrefix("fake.xml") }, "a forged line: \(text.stdout)")
        #expect(text.stdout.contains("x\\nfake.xml:1:1"))
        #expect(text.stdout.contains("\\u{9b}2J"))
        #expect(!text.stdout.unicodeScalars.contains("\u{9B}"))
        // JSON keeps the exact text, escaped as JSON.
        let json = try CLI.run(["lint", "--tomcat", "9", "--format", "json", forged])
        #expect(json.stdout.contains("x\\nfake.xml:1:1: error: forged finding"))

        let long = try scratch.write("l/catalina-server.xml", connector(String(repeating: "v", count: 300_000)))
        let cut = try CLI.run(["lint", "--tomcat", "9", long])
        #expect(cut.status == 1)
        #expect(cut.stdout.count < 5_000, "the long value is cut")
        #expect(cut.stdout.contains("…(300000 bytes)"))

        let badPath = try scratch.write("i/name\u{1B}[31m\nx.xml", "<nope/>")
        let error = try CLI.run(["lint", badPath])
        #expect(error.status == 2)
        #expect(error.stderr.split(separator: "\n").count == 1, "\(error.stderr)")
        #expect(error.stderr.contains("name\\u{1b}[31m\\nx.xml"))
    }
}
