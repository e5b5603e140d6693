import ISConfCore
import ISConfXML
import Testing

/// Hand-made inputs for the layouts the real files do not have: CRLF, a BOM, ISO-8859-1 bytes,
/// odd attribute layouts, namespaces, comments in every place.
@Suite("Fixtures")
struct FixtureTests {
    @Test("every fixture file: spans match the bytes and libxml2's own reading", arguments: fixtureNames)
    func fixtureSpansMatchReference(name: String) throws {
        let document = try parse(try fixture(name), path: name)
        verify(document, name)
    }

    @Test("CRLF, BOM, attribute layouts and references (catalina-crlf-bom.xml)")
    func crlfBOMFixture() throws {
        let document = try parse(try fixture("catalina-crlf-bom.xml"))
        #expect(document.encoding == .utf8)
        #expect(document.hasBOM)
        #expect(document.bytes.starts(with: [0xEF, 0xBB, 0xBF]))

        #expect(document.outerComments.map(\.text) == [" before the root: Größe ≥ 5 ", " after the root "])
        #expect(document.outerComments.map(\.position) == [SourcePosition(line: 2, column: 1), SourcePosition(line: 21, column: 1)])

        let server = document.root
        #expect(server.qualifiedName == "Server")
        #expect(server.namespaceURI == nil)
        // The BOM is not a character: the declaration starts in column 1, so does <Server on line 3.
        #expect(document.position(of: 3) == SourcePosition(line: 1, column: 1))
        #expect(server.position == SourcePosition(line: 3, column: 1))
        let port = try #require(server.attribute("port"))
        #expect(port.value == "8005")
        #expect(document.text(of: ByteSpan(port.nameSpan.end, port.valueSpan.start)) == " = \"")
        let shutdown = try #require(server.attribute("shutdown"))
        #expect(shutdown.quote == UInt8(ascii: "'"))
        #expect(shutdown.value == "say \"SHUTDOWN\"")
        #expect(document.text(of: shutdown.valueSpan) == "say \"SHUTDOWN\"")

        let service = try #require(server.childElements.first)
        #expect(service.position == SourcePosition(line: 4, column: 3))
        let connector = try #require(service.childElements.first)
        #expect(connector.qualifiedName == "Connector")
        #expect(connector.position == SourcePosition(line: 5, column: 5))
        #expect(!connector.isSelfClosing)
        #expect(document.text(of: connector.startTag).hasSuffix("\"WSO2 Carbon Server\"\r\n    >"))
        #expect(document.text(of: connector.span).hasSuffix("</Connector>"))
        // libxml2 numbers an element by the line its start tag ends on; isconf reports where it begins.
        let reference = try #require(ReferenceView.elements(of: document.bytes))
        #expect(reference.first { $0.qualifiedName == "Connector" }?.line == 15)

        #expect(
            connector.attributes.map(\.qualifiedName)
                == ["protocol", "port", "keystorePass", "ciphers", "truststorePass", "clientAuth", "multi", "server"])
        for attribute in connector.attributes {
            #expect(document.text(of: attribute.leadingWhitespace) == "\r\n        ", "\(attribute.qualifiedName)")
        }
        #expect(connector.attribute("keystorePass")?.value == "a&b<c>d\"e'f")
        #expect(connector.attribute("keystorePass").map { document.text(of: $0.valueSpan) } == "a&amp;b&lt;c&gt;d&quot;e&apos;f")
        #expect(connector.attribute("ciphers")?.value == "AéA")
        let truststore = try #require(connector.attribute("truststorePass"))
        #expect(truststore.value == "x\"y")
        #expect(truststore.quote == UInt8(ascii: "'"))
        let clientAuth = try #require(connector.attribute("clientAuth"))
        #expect(clientAuth.value == "want")
        #expect(document.text(of: ByteSpan(clientAuth.nameSpan.end, clientAuth.valueSpan.start)) == "\t=\t\"")
        // CRLF inside a value is one line end, so one space; a TAB is a space.
        let multi = try #require(connector.attribute("multi"))
        #expect(multi.value == "line1 line2 tab")
        #expect(document.text(of: multi.valueSpan) == "line1\r\nline2\ttab")
        #expect(document.position(of: multi.valueSpan.end) == SourcePosition(line: 13, column: 10))

        // Character data has its CRLFs normalised to LF; the comment between is not text.
        #expect(connector.text == "\n      \n    ")
        guard case .comment(let inner)? = connector.children.dropFirst().first else {
            Issue.record("expected text, comment, text inside <Connector>, got \(connector.children)")
            return
        }
        #expect(inner.text == " a comment inside an element ")
        #expect(inner.position == SourcePosition(line: 16, column: 7))

        let engine = try #require(service.childElements.dropFirst().first)
        #expect(engine.position == SourcePosition(line: 18, column: 5))
        #expect(engine.text == "ü€😀")
        let valve = try #require(engine.childElements.first)
        // 52 characters, then ü € 😀 (9 bytes, 3 characters): the < is in column 56.
        #expect(valve.position == SourcePosition(line: 18, column: 56))
        #expect(valve.isSelfClosing)
        #expect(valve.span == valve.startTag)
        #expect(valve.attribute("className")?.value == "Ünïcode")
    }

    @Test("ISO-8859-1 bytes, a default namespace, commented-out elements, CDATA (authenticators-latin1.xml)")
    func latin1Fixture() throws {
        let document = try parse(try fixture("authenticators-latin1.xml"))
        #expect(document.encoding == .iso88591)
        #expect(!document.hasBOM)
        let namespace = "http://wso2.org/projects/carbon/authenticators.xml"
        #expect(document.root.descendantsAndSelf().allSatisfy { $0.namespaceURI == namespace && $0.prefix == nil })
        #expect(document.root.attributes.map(\.qualifiedName) == ["xmlns"])
        #expect(document.root.attributes.first?.isNamespaceDeclaration == true)
        #expect(document.root.attributes.first?.value == namespace)

        #expect(document.outerComments.map(\.text) == [" Café configuration "])
        let comments = document.allComments()
        #expect(comments.count == 3)
        #expect(comments.dropFirst().first?.text == " café © 20°C ")
        #expect(comments.dropFirst().first?.position == SourcePosition(line: 4, column: 5))

        let authenticators = document.root.childElements
        #expect(authenticators.count == 1, "the commented-out authenticator must not become an element")
        let authenticator = try #require(authenticators.first)
        #expect(authenticator.attribute("name")?.value == "MutualSSLAuthenticator")
        // Each ISO-8859-1 byte is one character, including 0xA9 and 0xB0, which are UTF-8
        // continuation bytes: a UTF-8 column count would give 23 here.
        #expect(authenticator.position == SourcePosition(line: 4, column: 25))
        let note = try #require(authenticator.attribute("note"))
        #expect(note.value == "résumé")
        #expect(note.valueSpan.count == 6)
        #expect(document.bytes[note.valueSpan.range].elementsEqual([0x72, 0xE9, 0x73, 0x75, 0x6D, 0xE9]))
        #expect(document.text(of: note.valueSpan) == "résumé")

        let priority = try #require(authenticator.childElements.first)
        #expect(priority.qualifiedName == "Priority")
        #expect(priority.text == " 5 ")
        let parameters = try #require(authenticator.childElements.last).childElements
        #expect(parameters.map { $0.attribute("name")?.value } == ["UsernameHeader", "Script"])
        #expect(parameters.first?.text == "UserName")
        #expect(parameters.last?.text == "if (a < b && c > d) { x = \"é\"; }")

        let commentedOut = try #require(comments.last)
        #expect(commentedOut.text == "Authenticator name=\"X\" disabled=\"false\">\n        <Priority>7</Priority>\n    </Authenticator")
        #expect(commentedOut.position == SourcePosition(line: 11, column: 5))
        #expect(document.text(of: commentedOut.contentSpan) == commentedOut.text)
    }

    @Test("namespace declarations, svns:secretAlias, rebound and undeclared prefixes (secure-vault.xml)")
    func namespaceFixture() throws {
        let document = try parse(try fixture("secure-vault.xml"))
        let carbon = "http://wso2.org/projects/carbon/carbon.xml"
        let vault = "http://org.wso2.securevault/configuration"
        let server = document.root
        #expect(server.namespaceURI == carbon)

        let declarations = server.attributes
        #expect(declarations.map(\.qualifiedName) == ["xmlns", "xmlns:svns"])
        #expect(declarations.allSatisfy { $0.isNamespaceDeclaration })
        #expect(declarations.map(\.value) == [carbon, vault])
        #expect(declarations.allSatisfy { $0.namespaceURI == nil })
        #expect(declarations.last?.prefix == "xmlns")
        #expect(declarations.last?.localName == "svns")
        #expect(declarations.last.map { document.text(of: $0.leadingWhitespace) } == "\n        ")
        #expect(
            server.attribute("xmlns") == nil && server.attribute("xmlns:svns") == nil,
            "attribute(_:) must not return namespace declarations")

        let elements = server.descendantsAndSelf()
        let password = try #require(elements.first { $0.qualifiedName == "Password" })
        #expect(password.namespaceURI == carbon)
        #expect(password.text == "password")
        let alias = try #require(password.attribute("svns:secretAlias"))
        #expect(alias.prefix == "svns")
        #expect(alias.localName == "secretAlias")
        #expect(alias.namespaceURI == vault)
        #expect(!alias.isNamespaceDeclaration)
        #expect(alias.value == "Carbon.Security.KeyStore.Password")
        #expect(password.attribute("secretAlias") == nil, "names are matched as written")

        let connector = try #require(elements.first { $0.qualifiedName == "Connector" })
        #expect(connector.isSelfClosing)
        #expect(connector.attributes.map(\.qualifiedName) == ["port", "keystorePass", "svns:secretAlias"])
        #expect(connector.attribute("svns:secretAlias")?.value == "Server.Service.Connector.keystorePass")
        #expect(connector.attribute("keystorePass")?.namespaceURI == nil)

        // A prefix rebound on an inner element resolves to the inner URI.
        let marker = try #require(elements.first { $0.localName == "Marker" })
        #expect(marker.prefix == "svns")
        #expect(marker.namespaceURI == "urn:other")
        #expect(marker.attributes.map(\.qualifiedName) == ["xmlns:svns", "svns:a", "b"])
        #expect(marker.attribute("svns:a")?.namespaceURI == "urn:other")
        #expect(marker.attribute("b")?.namespaceURI == nil)

        // xmlns="" takes the default namespace away again.
        let empty = try #require(elements.first { $0.qualifiedName == "Empty" })
        #expect(empty.namespaceURI == nil)
        #expect(empty.childElements.first?.namespaceURI == nil)
        #expect(empty.attributes.first?.isNamespaceDeclaration == true)
        #expect(empty.attributes.first?.value == "")
    }

    // MARK: Inline inputs

    @Test("lone CR line ends count as line ends")
    func loneCarriageReturns() throws {
        let document = try parse(utf8("<a>\r<b/>\r\r<c x=\"1\r2\"/></a>"))
        let elements = document.root.descendantsAndSelf()
        #expect(
            elements.map(\.position) == [
                SourcePosition(line: 1, column: 1), SourcePosition(line: 2, column: 1),
                SourcePosition(line: 4, column: 1),
            ])
        #expect(elements.last?.attribute("x")?.value == "1 2")
        // libxml2 itself counts only LF: all three are on its line 1 (verify allows for that).
        #expect(ReferenceView.elements(of: document.bytes)?.map(\.line) == [1, 1, 1])
        verify(document, "lone CR")
    }

    @Test("values holding > and />, both quote styles, empty values, whitespace character references")
    func trickyValues() throws {
        let text = "<a x=\"1>2\" y=\"/>\" z='it&apos;s \"q\"' e=\"\" nl=\"&#10;&#9;&#13;\" sp=\"a&#32;b\" amp='&amp;amp;'><b/></a>"
        let document = try parse(utf8(text))
        verify(document, "tricky values")
        let values = document.root.attributes.map { NameValue(name: $0.qualifiedName, value: $0.value) }
        #expect(
            values == [
                NameValue(name: "x", value: "1>2"), NameValue(name: "y", value: "/>"),
                NameValue(name: "z", value: "it's \"q\""), NameValue(name: "e", value: ""),
                NameValue(name: "nl", value: "\n\t\r"), NameValue(name: "sp", value: "a b"),
                NameValue(name: "amp", value: "&amp;"),
            ])
        let empty = try #require(document.root.attribute("e"))
        #expect(empty.valueSpan.count == 0)
        #expect(document.root.startTag == ByteSpan(0, text.utf8.count - "<b/></a>".utf8.count))
        #expect(document.root.childElements.first?.startTag.start == text.utf8.count - "<b/></a>".utf8.count)
    }

    @Test("whitespace inside start and end tags")
    func whitespaceInTags() throws {
        let text = "<root  ><b\n/><c\t></c\n\t></root >"
        let document = try parse(utf8(text))
        verify(document, "whitespace in tags")
        #expect(document.root.span == ByteSpan(0, text.utf8.count))
        #expect(document.root.startTag == ByteSpan(0, 8))
        let children = document.root.childElements
        #expect(children.map(\.isSelfClosing) == [true, false])
        #expect(children.first.map { document.text(of: $0.span) } == "<b\n/>")
        #expect(children.last.map { document.text(of: $0.span) } == "<c\t></c\n\t>")
        #expect(children.last?.position == SourcePosition(line: 2, column: 3))
    }

    @Test("non-ASCII names in UTF-8: spans in bytes, columns in characters")
    func nonASCIINames() throws {
        let document = try parse(utf8("<ré:é xmlns:ré=\"urn:x\" ü=\"1\">€<ø/></ré:é>"))
        verify(document, "non-ASCII names")
        #expect(document.root.prefix == "ré")
        #expect(document.root.localName == "é")
        #expect(document.root.namespaceURI == "urn:x")
        let umlaut = try #require(document.root.attribute("ü"))
        #expect(umlaut.nameSpan.count == 2)
        #expect(umlaut.value == "1")
        #expect(document.root.childElements.first?.position == SourcePosition(line: 1, column: 31))
        #expect(document.root.childElements.first?.startTag.start == 36)
    }

    @Test("comments and processing instructions everywhere; children keep document order")
    func commentsEverywhere() throws {
        let text = "<?xml version=\"1.0\"?>\n<?pi data <!-- not a comment ?>\n<!---->\n<r>t1<!-- a - b --><?inner x?><x/>t2<!--<x/>--></r>\n<!-- end -->\n"
        let document = try parse(utf8(text))
        verify(document, "comments everywhere")
        #expect(document.outerComments.map(\.text) == ["", " end "])
        #expect(document.outerComments.map(\.position) == [SourcePosition(line: 3, column: 1), SourcePosition(line: 5, column: 1)])
        #expect(document.allComments().map(\.text) == ["", " a - b ", "<x/>", " end "])
        #expect(document.root.descendantsAndSelf().map(\.qualifiedName) == ["r", "x"])
        let kinds = document.root.children.map { child -> String in
            switch child {
            case .element(let element): "element \(element.qualifiedName)"
            case .comment(let comment): "comment \(comment.text)"
            case .text(let text): "text \(text)"
            }
        }
        #expect(kinds == ["text t1", "comment  a - b ", "element x", "text t2", "comment <x/>"])
        #expect(document.root.text == "t1t2")
    }

    @Test("references and CDATA in character data")
    func textContent() throws {
        let document = try parse(utf8("<a>x &amp; y &#233; &lt;<![CDATA[<z>&amp;]]>\t</a>"))
        #expect(document.root.text == "x & y é <<z>&amp;\t")
        verify(document, "text content")
    }

    @Test("a single self-closing root; positions at the ends of the file")
    func minimalDocument() throws {
        let document = try parse(utf8("<r/>"))
        #expect(document.root.span == ByteSpan(0, 4))
        #expect(document.root.startTag == document.root.span)
        #expect(document.root.isSelfClosing)
        #expect(document.root.position == SourcePosition(line: 1, column: 1))
        #expect(document.position(of: 4) == SourcePosition(line: 1, column: 5))
        let crlf = try parse(utf8("<r>\r\n</r>\r\n"))
        #expect(crlf.position(of: crlf.bytes.count) == SourcePosition(line: 3, column: 1))
        verify(document, "<r/>")
    }

    @Test("deep nesting within libxml2's default limit")
    func deepNesting() throws {
        let depth = 200
        let text = (0..<depth).map { "<e\($0) i=\"\($0)\">" }.joined(separator: "\n") + (0..<depth).reversed().map { "</e\($0)>" }.joined()
        let document = try parse(utf8(text))
        #expect(document.root.descendantsAndSelf().count == depth)
        #expect(document.root.descendantsAndSelf().last?.position == SourcePosition(line: depth, column: 1))
        verify(document, "deep nesting")
    }

    /// Big enough that libxml2 reads and converts the input in several chunks.
    @Test("large ISO-8859-1 and UTF-8 files with non-ASCII text everywhere", arguments: [false, true])
    func largeDocuments(latin1: Bool) throws {
        var text = latin1 ? "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\r\n" : "\u{FEFF}<?xml version=\"1.0\"?>\n"
        text += "<root xmlns:svns=\"urn:vault\">\n"
        for index in 0..<3000 {
            let word = latin1 ? "caf\u{E9}\u{A9}\u{B0}" : "ca\u{1F600}f\u{E9}\u{20AC}"
            text +=
                "  <!-- \(word) \(index) -->\t<item n='\(index)' v=\"\(word)&amp;\(index)\"\n      svns:secretAlias=\"a\(index)\">\(word)</item>\(index % 7 == 0 ? "\r" : "\n")"
        }
        text += "</root>\n"
        let bytes = latin1 ? text.unicodeScalars.map { UInt8($0.value) } : Array(text.utf8)
        #expect(bytes.count > 200_000)
        let document = try parse(bytes, path: latin1 ? "large-latin1.xml" : "large-utf8.xml")
        #expect(document.encoding == (latin1 ? .iso88591 : .utf8))
        #expect(document.root.childElements.count == 3000)
        #expect(document.allComments().count == 3000)
        let last = try #require(document.root.childElements.last)
        #expect(last.attribute("v")?.value == (latin1 ? "caf\u{E9}\u{A9}\u{B0}&2999" : "ca\u{1F600}f\u{E9}\u{20AC}&2999"))
        verify(document, latin1 ? "large ISO-8859-1" : "large UTF-8")
    }
}
