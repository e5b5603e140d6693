import Foundation
import ISConfCore
import ISConfTestSupport
import ISConfXML
import Testing

@testable import ISConfDomain

/// The lines that differ between two versions, assuming no lines were added or removed.
private func changedLines(_ a: [UInt8], _ b: [UInt8]) -> [(String, String)] {
    let left = String(decoding: a, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    let right = String(decoding: b, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    guard left.count == right.count else { return [("line count \(left.count)", "line count \(right.count)")] }
    return zip(left, right).filter { $0 != $1 }.map { (String($0), String($1)) }
}

/// The single changed region: what the original had there and what the result has instead.
private func changedRegion(_ a: [UInt8], _ b: [UInt8]) -> (removed: String, added: String) {
    var prefix = 0
    while prefix < min(a.count, b.count), a[prefix] == b[prefix] { prefix += 1 }
    var suffix = 0
    while suffix < min(a.count, b.count) - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
    return (
        String(decoding: a[prefix..<(a.count - suffix)], as: UTF8.self),
        String(decoding: b[prefix..<(b.count - suffix)], as: UTF8.self)
    )
}

private func plan(
    _ text: String, _ role: ConfigRole, tomcat: TomcatGeneration? = nil,
    options: EnableOptions = EnableOptions()
) throws -> FilePlan {
    try plan(Array(text.utf8), role, tomcat: tomcat, options: options)
}

private func plan(
    _ bytes: [UInt8], _ role: ConfigRole, tomcat: TomcatGeneration? = nil,
    options: EnableOptions = EnableOptions()
) throws -> FilePlan {
    try Remediation.plan(SourceFile(path: role.rawValue, bytes: bytes), role: role, facts: HomeFacts(), tomcat: tomcat, options: options)
}

/// After a plan: the rules hold, and planning again changes nothing.
private func expectCompliantAndStable(
    _ result: FilePlan, tomcat: TomcatGeneration? = nil,
    options: EnableOptions = EnableOptions(), sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let report = Linter.lint(
        sources: [(result.role, SourceFile(path: result.path, bytes: result.result))], facts: HomeFacts(),
        options: LintOptions(tomcat: tomcat), only: [.clientAuthWant, .mutualSSLAuthenticator, .xmlMalformed])
    #expect(report.findings.isEmpty, "\(report.findings.map(\.message))", sourceLocation: sourceLocation)
    let again = try plan(result.result, result.role, tomcat: tomcat, options: options)
    #expect(!again.changed, "a second run must be a no-op", sourceLocation: sourceLocation)
}

@Suite(.enabled(if: Corpus.available, Corpus.skipReason))
struct CorpusRemediationTests {
    @Test func kernel4432CatalinaIsExactlyOneChangedLine() throws {
        let source = try Corpus.source("catalina-server.xml@carbon-kernel-v4.4.32")
        let result = try plan(source.bytes, .catalinaServer)
        let lines = changedLines(source.bytes, result.result)
        #expect(lines.count == 1)
        #expect(lines.first?.0 == "                   clientAuth=\"false\"")
        #expect(lines.first?.1 == "                   clientAuth=\"want\"")
        #expect(result.rulesFixed == ["client-auth-want"])
        try expectCompliantAndStable(result)
    }

    @Test func kernel4432AuthenticatorsIsUncommentedInPlace() throws {
        let source = try Corpus.source("authenticators.xml@carbon-kernel-v4.4.32")
        let result = try plan(source.bytes, .authenticators)
        let lines = changedLines(source.bytes, result.result)
        #expect(lines.map(\.1) == ["    <Authenticator name=\"MutualSSLAuthenticator\" disabled=\"false\">", "    </Authenticator>"])
        #expect(result.changes == ["uncomment MutualSSLAuthenticator"])
        try expectCompliantAndStable(result)
    }

    @Test func stockIS560OnlyGetsTheExplicitDisabledFalse() throws {
        let catalina = try Corpus.source("catalina-server.xml@product-is-v5.6.0")
        #expect(!(try plan(catalina.bytes, .catalinaServer)).changed)
        let source = try Corpus.source("authenticators.xml@product-is-v5.6.0-DERIVED-build-replace")
        let result = try plan(source.bytes, .authenticators)
        #expect(changedRegion(source.bytes, result.result) == ("", " disabled=\"false\""))
        #expect(result.changes.first?.contains("implicitly") == true)
        try expectCompliantAndStable(result)
    }

    @Test func sslHostConfigShapeSetsCertificateVerificationAndNeverClientAuth() throws {
        for name in ["catalina-server.xml@carbon-kernel-v4.5.1", "catalina-server.xml@carbon-kernel-v4.10.9"] {
            let source = try Corpus.source(name)
            let result = try plan(source.bytes, .catalinaServer, tomcat: .tomcat9)
            #expect(changedRegion(source.bytes, result.result) == ("false", "want"), "\(name)")
            #expect(!String(decoding: result.result, as: UTF8.self).contains("clientAuth"))
            try expectCompliantAndStable(result, tomcat: .tomcat9)
        }
    }

    @Test func renderedIS730FlipsDisabledOnItsOwnLine() throws {
        let source = try Corpus.source("authenticators.xml@product-is-v7.3.0-DERIVED-rendered")
        let result = try plan(source.bytes, .authenticators)
        #expect(changedLines(source.bytes, result.result).map(\.1) == ["        disabled=\"false\">"])
        try expectCompliantAndStable(result)
    }

    @Test func kernel440GetsANewAuthenticatorInTheDefaultNamespace() throws {
        let source = try Corpus.source("authenticators.xml@carbon-kernel-v4.4.0")
        let result = try plan(source.bytes, .authenticators)
        let document = try XMLDocument.parse(SourceFile(path: "a.xml", bytes: result.result))
        let added = try #require(AuthenticatorsConfig(document: document).mutualSSL)
        #expect(added.element.namespaceURI == "http://wso2.org/projects/carbon/authenticators.xml")
        #expect(added.element.position.column == 5, "indented like its siblings")
        #expect(added.priorityElement?.text == "5")
        #expect(added.parameters.map { "\($0.name ?? "")=\($0.value)" } == ["UsernameHeader=UserName", "WhiteListEnabled=false", "WhiteList="])
        let region = changedRegion(source.bytes, result.result)
        #expect(region.removed.isEmpty, "only an insertion")
        try expectCompliantAndStable(result)
    }

    /// Every real file either gets fixed (verified, compliant, stable) or is already compliant.
    @Test func everyCorpusFileCanBeEnabled() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Corpus.directory)
            .filter { $0.hasPrefix("catalina-server.xml@") || $0.hasPrefix("authenticators.xml@") }
        for name in names {
            let role: ConfigRole = name.hasPrefix("catalina") ? .catalinaServer : .authenticators
            let source = try Corpus.source(name)
            let result = try plan(source.bytes, role)
            try expectCompliantAndStable(result)
            if role == .catalinaServer, result.changed {
                #expect(changedLines(source.bytes, result.result).count == 1, "\(name)")
            }
        }
    }
}

@Suite struct RemediationLayoutTests {
    @Test func newAttributeGoesOnItsOwnLineWhenTheTagIsLaidOutThatWay() throws {
        let text =
            "<Server>\n  <Service>\n    <Connector port=\"9443\"\n               SSLEnabled=\"true\"\n               scheme=\"https\"\n    />\n  </Service>\n</Server>\n"
        let result = try plan(text, .catalinaServer)
        #expect(
            String(decoding: result.result, as: UTF8.self)
                == "<Server>\n  <Service>\n    <Connector port=\"9443\"\n               SSLEnabled=\"true\"\n               scheme=\"https\"\n               clientAuth=\"want\"\n    />\n  </Service>\n</Server>\n"
        )
    }

    @Test func newAttributeOnOneLineTagFollowsTheQuoteStyle() throws {
        let result = try plan("<Server><Service><Connector port='9443' SSLEnabled='true'/></Service></Server>", .catalinaServer)
        #expect(
            String(decoding: result.result, as: UTF8.self)
                == "<Server><Service><Connector port='9443' SSLEnabled='true' clientAuth='want'/></Service></Server>")
    }

    @Test func crlfBomEntitiesAndPlaceholdersSurvive() throws {
        let text =
            "\u{FEFF}<?xml version='1.0' encoding='utf-8'?>\r\n<Server>\r\n\t<Service>\r\n\t\t<Connector port=\"9443\"\r\n\t\t\tSSLEnabled=\"true\"\r\n\t\t\tclientAuth = 'false'\r\n\t\t\tkeystoreFile=\"${carbon.home}/a.jks\"\r\n\t\t\tpattern=\"&quot;%r&quot; &#x41;\"/>\r\n\t</Service>\r\n</Server>\r\n"
        let result = try plan(text, .catalinaServer)
        #expect(changedRegion(Array(text.utf8), result.result) == ("false", "want"))
        try expectCompliantAndStable(result)
    }

    @Test func latin1BytesStayLatin1() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<Authenticators>\n    <!-- caf".utf8)
        bytes.append(0xE9)
        bytes += Array(
            " -->\n    <Authenticator name=\"MutualSSLAuthenticator\" disabled=\"true\">\n        <Config><Parameter name=\"UsernameHeader\">Us".utf8)
        bytes.append(0xE9)
        bytes += Array("r</Parameter></Config>\n    </Authenticator>\n</Authenticators>\n".utf8)
        let result = try plan(bytes, .authenticators, options: EnableOptions(usernameHeader: "X-User"))
        #expect(result.result.filter { $0 == 0xE9 }.count == 1, "the comment keeps its byte; the replaced value is gone")
        #expect(result.result.allSatisfy { $0 < 0x80 || $0 == 0xE9 })
        try expectCompliantAndStable(result, options: EnableOptions(usernameHeader: "X-User"))
    }

    @Test func conflictingClientAuthIsRemovedOnTomcat9() throws {
        let text =
            "<Server><Service><Connector port=\"9443\" SSLEnabled=\"true\" clientAuth=\"want\"><SSLHostConfig certificateVerification=\"none\"/></Connector></Service></Server>"
        let result = try plan(text, .catalinaServer, tomcat: .tomcat9)
        #expect(
            String(decoding: result.result, as: UTF8.self)
                == "<Server><Service><Connector port=\"9443\" SSLEnabled=\"true\"><SSLHostConfig certificateVerification=\"want\"/></Connector></Service></Server>"
        )
    }

    @Test func otherSSLConnectorsAreLeftAlone() throws {
        let text =
            "<Server><Service><Connector port=\"8443\" SSLEnabled=\"true\" clientAuth=\"require\"/><Connector port=\"9443\" SSLEnabled=\"true\" clientAuth=\"false\"/></Service></Server>"
        let result = try plan(text, .catalinaServer, tomcat: .tomcat9)
        #expect(changedRegion(Array(text.utf8), result.result) == ("false", "want"))
        #expect(String(decoding: result.result, as: UTF8.self).contains("port=\"8443\" SSLEnabled=\"true\" clientAuth=\"require\""))
    }

    @Test func whitelistAndHeaderKeepTheUsersParameters() throws {
        let text = Sample.authenticators(
            Sample.mutualSSL(
                parameters: """
                    <Parameter name="UsernameHeader">UserName</Parameter>
                    <Parameter name="Custom">keep me</Parameter>
                    <Parameter name="WhiteListEnabled">false</Parameter>
                    <Parameter name="WhiteList"/>
                    """))
        let options = EnableOptions(whitelist: [Sample.thumbprint, String(repeating: "ab", count: 32)], usernameHeader: "X-Client-User")
        let result = try plan(text, .authenticators, options: options)
        let config = AuthenticatorsConfig(document: try XMLDocument.parse(SourceFile(path: "a", bytes: result.result)))
        let parameters = try #require(config.mutualSSL).parameters.map { "\($0.name ?? "")=\($0.value)" }
        #expect(
            parameters == [
                "UsernameHeader=X-Client-User", "Custom=keep me", "WhiteListEnabled=true",
                "WhiteList=\(Sample.thumbprint),\(String(repeating: "ab", count: 32))",
            ])
        #expect(
            Linter.lint(
                sources: [(.authenticators, SourceFile(path: "a", bytes: result.result))], facts: HomeFacts(),
                only: [.whitelist]
            ).findings.isEmpty)
        try expectCompliantAndStable(result, options: options)
    }

    @Test func missingConfigAndParametersAreAdded() throws {
        let text = Sample.authenticators("    <Authenticator name=\"MutualSSLAuthenticator\">\n        <Priority>5</Priority>\n    </Authenticator>")
        let options = EnableOptions(whitelist: [Sample.thumbprint])
        let result = try plan(text, .authenticators, options: options)
        let authenticator = try #require(AuthenticatorsConfig(document: try XMLDocument.parse(SourceFile(path: "a", bytes: result.result))).mutualSSL)
        #expect(authenticator.parameter("WhiteList")?.value == Sample.thumbprint)
        #expect(authenticator.parameter("WhiteListEnabled")?.value == "true")
        #expect(String(decoding: result.result, as: UTF8.self).contains("\n        <Config>\n            <Parameter name=\"WhiteListEnabled\">"))
        try expectCompliantAndStable(result, options: options)
    }

    @Test func prefixedRootGetsPrefixedElements() throws {
        let text = "<a:Authenticators xmlns:a=\"http://wso2.org/projects/carbon/authenticators.xml\">\n  <a:Authenticator name=\"X\"/>\n</a:Authenticators>\n"
        let result = try plan(text, .authenticators)
        let added = try #require(AuthenticatorsConfig(document: try XMLDocument.parse(SourceFile(path: "a", bytes: result.result))).mutualSSL)
        #expect(added.element.prefix == "a")
        #expect(added.element.position.column == 3)
    }

    /// Found by fuzzing: prose naming the authenticator was once "uncommented" into stray text.
    @Test func onlyTheRealCommentedOutBlockIsUncommented() throws {
        let text = Sample.authenticators(
            """
                <Authenticator name="Other"><!--Authenticator name="MutualSSLAuthenticator"/--></Authenticator>
                <!-- To turn on certificate logins, uncomment the Authenticator name="MutualSSLAuthenticator" below. -->
                <!--Authenticator name="MutualSSLAuthenticator" disabled="false">
                    <Priority>5</Priority>
                </Authenticator-->
            """)
        let result = try plan(text, .authenticators, options: EnableOptions(whitelist: [Sample.thumbprint]))
        let output = String(decoding: result.result, as: UTF8.self)
        #expect(output.contains("<!-- To turn on certificate logins"), "the prose comment stays a comment")
        #expect(output.contains("<!--Authenticator name=\"MutualSSLAuthenticator\"/-->"), "a comment inside another authenticator is not the block")
        try expectCompliantAndStable(result, options: EnableOptions(whitelist: [Sample.thumbprint]))
    }

    @Test func refusesWhatItCannotFix() {
        #expect(throws: InputError.self) { try plan("<Server><Service><Connector port=\"9763\"/></Service></Server>", .catalinaServer) }
        #expect(throws: InputError.self) { try plan("<Server><Service>", .catalinaServer) }
    }

    @Test func whitelistThumbprintsAreNormalisedAndValidated() throws {
        #expect(try EnableOptions.parseWhitelist("3B:8D:7F:0A:9C:1E:2D:4F:5A:6B:7C:8D:9E:0F:1A:2B:3C:4D:5E:6F") == [Sample.thumbprint])
        #expect(throws: InputError.self) { try EnableOptions.parseWhitelist("*") }
        #expect(throws: InputError.self) { try EnableOptions.parseWhitelist(Sample.thumbprint + ",") }
        #expect(!EnableOptions.validHeaderName("User Name"))
        #expect(EnableOptions.validHeaderName("X-User"))
    }
}

@Suite struct VerifierAndDiffTests {
    @Test func theVerifierRejectsAPatchThatDoesNotMatchTheEdits() throws {
        let document = try XMLDocument.parse(SourceFile(path: "c.xml", bytes: Array("<Server><Connector clientAuth=\"false\"/></Server>".utf8)))
        let edit = XMLEdit.setAttribute(element: 1, name: "clientAuth", value: "want")
        let good = try Patcher.apply(try Patcher.replacements(for: [edit], in: document), to: document.bytes, path: "c.xml")
        try EditVerifier.verify(original: document, edits: [edit], patched: good)
        for bad in [
            "<Server><Connector clientAuth=\"wanted\"/></Server>", "<Server><Connector clientAuth=\"want\" x=\"1\"/></Server>",
            "<Server><Connector clientAuth=\"want\"/><!--x--></Server>", "<Server><Connector clientAuth=\"want\">",
        ] {
            #expect(throws: InputError.self) { try EditVerifier.verify(original: document, edits: [edit], patched: Array(bad.utf8)) }
        }
    }

    @Test func valuesAreEscapedForTheirQuote() throws {
        let document = try XMLDocument.parse(SourceFile(path: "c.xml", bytes: Array("<a x='1' y=\"2\"/>".utf8)))
        let edits: [XMLEdit] = [
            .setAttribute(element: 0, name: "x", value: "it's <&> \"q\"\t"),
            .setAttribute(element: 0, name: "y", value: "it's \"q\""),
        ]
        let patched = try Patcher.apply(try Patcher.replacements(for: edits, in: document), to: document.bytes, path: "c.xml")
        #expect(String(decoding: patched, as: UTF8.self) == "<a x='it&apos;s &lt;&amp;> \"q\"&#9;' y=\"it's &quot;q&quot;\"/>")
        try EditVerifier.verify(original: document, edits: edits, patched: patched)
    }

    @Test func secretsAreMaskedInDiffLines() {
        #expect(redactSecrets(in: "  keystorePass=\"hunter2\" port=\"9443\"") == "  keystorePass=\"********\" port=\"9443\"")
        #expect(
            redactSecrets(in: "<Certificate certificateKeystorePassword = 'x' truststorePassword=\"y\"/>")
                == "<Certificate certificateKeystorePassword = '********' truststorePassword=\"********\"/>")
        #expect(
            redactSecrets(in: "SSLPassword=\"a\" svns:secretAlias=\"Server.Service.Connector.keystorePass\"")
                == "SSLPassword=\"********\" svns:secretAlias=\"Server.Service.Connector.keystorePass\"")
        #expect(redactSecrets(in: "keystorePass=\"multi") == "keystorePass=\"********")
    }

    /// The diff must read exactly as `diff -u` prints it (apart from the header's time stamps).
    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/diff"), "diff is not installed"),
        arguments: [
            ("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n", "a\nb\nC\nd\ne\nf\ng\nh\ni\nj\nK\nl\n"),
            ("one\ntwo\n", "one\nzwei\ndrei\n"), ("x\n", "x\ny"), ("", "new\n"), ("1\n2\n3\n", "2\n3\n4\n"),
        ])
    func unifiedDiffMatchesGNUDiff(old: String, new: String) throws {
        let directory = try Scratch()
        let a = try directory.write("a", old)
        let b = try directory.write("b", new)
        let expected = try ExternalProgram.run("/usr/bin/diff", ["-u", "--label", "a/f", "--label", "b/f", a, b]).stdout
        #expect(UnifiedDiff.make(old: Array(old.utf8), new: Array(new.utf8), oldName: "a/f", newName: "b/f") == expected)
    }
}
