import Foundation
import ISConfTestSupport
import Testing

/// Issue 17, class 5: a file given directly is a template only when it does not parse as XML;
/// junk is an input error, and a long leading comment does not hide the root element.
@Suite struct TemplateDetectionTests {
    @Test func aFileIsATemplateOnlyWhenItDoesNotParse() throws {
        let scratch = try Scratch()
        // Non-compliant, with template-looking text in a comment: linted, not skipped.
        let commented = try scratch.write(
            "c/catalina-server.xml",
            """
            <!-- rendered from {{ template }} by <%= tool %> -->
            <Server><Service><Connector port="9443" SSLEnabled="true" scheme="https" clientAuth="false"/></Service></Server>

            """)
        let linted = try CLI.run(["lint", commented])
        #expect(linted.status == 1, "\(linted.stderr)")
        #expect(linted.stdout.contains("[client-auth-want]"))
        #expect(!linted.stderr.contains("template"))

        // A real template (markup outside comments, not XML) is still skipped.
        let template = try scratch.write("t/catalina-server.xml", "<Server>{% if x %}<Connector port=\"9443\"/>{% endif %}\n")
        let skipped = try CLI.run(["lint", template])
        #expect(skipped.status == 0)
        #expect(skipped.stderr.contains("template"))

        // Binary junk holding "{{" and "<%" is an error, not a skipped template.
        var junk: [UInt8] = Array("{{<%".utf8)
        junk += (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
        let binary = try scratch.write("j/blob.bin", junk)
        let refused = try CLI.run(["lint", binary])
        #expect(refused.status == 2)
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("not a catalina-server.xml or authenticators.xml"))
    }

    @Test func aLeadingCommentOver64KiBIsRead() throws {
        let scratch = try Scratch()
        let file = try scratch.write(
            "big/server.xml",
            "<!--" + String(repeating: "x", count: 70 * 1024) + "-->\n"
                + "<Server><Service><Connector port=\"9443\" SSLEnabled=\"true\" scheme=\"https\" clientAuth=\"false\"/></Service></Server>\n")
        let result = try CLI.run(["lint", file])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("[client-auth-want]"))
    }
}
