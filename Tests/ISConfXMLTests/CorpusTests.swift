import ISConfCore
import ISConfTestSupport
import ISConfXML
import Testing

/// Real WSO2 files: every byte span the XML core reports must agree with the bytes and with libxml2.
@Suite("Corpus")
struct CorpusTests {
    @Test(
        "every well-formed corpus file: spans match the bytes and libxml2's own reading",
        .enabled(if: Corpus.available, Corpus.skipReason))
    func corpusSpansMatchReference() throws {
        let inputs = try corpusXMLCandidates()
        var compared: [String] = []
        for input in inputs {
            if ReferenceView.elements(of: input.bytes) == nil {
                // Not XML (an ERB template with <% %> tags): isconf must refuse it too, not crash.
                #expect(parseError(input.bytes, path: input.name) != nil, "\(input.name): libxml2 rejects it but parse accepted it")
                continue
            }
            let document: XMLDocument
            do {
                document = try parse(input.bytes, path: input.name)
            } catch {
                Issue.record("\(input.name): libxml2 accepts it but parse threw \(error)")
                continue
            }
            verify(document, input.name)
            compared.append(input.name)
        }
        // The plain XML files (not templates) are all well-formed, and so is the one ERB file
        // without template tags: a filter or loader bug must not silently shrink the comparison.
        let plain = inputs.map(\.name).filter { !$0.contains(".erb@") }
        #expect(plain.count >= 20, "only \(plain.count) plain XML files found in the corpus")
        for name in plain { #expect(compared.contains(name), "\(name) was not compared") }
        #expect(compared.contains("authenticators.xml.erb@puppet-is-v5.6.0.1"))
    }

    @Test(
        "corpus facts isconf relies on: Latin-1 declarations, the commented-out MutualSSLAuthenticator",
        .enabled(if: Corpus.available, Corpus.skipReason))
    func corpusFacts() throws {
        let bytes = try readBytes(Corpus.path("authenticators.xml@carbon-kernel-v4.4.32"))
        let document = try parse(bytes, path: "authenticators.xml")
        #expect(document.encoding == .iso88591)
        #expect(!document.hasBOM)
        #expect(document.root.qualifiedName == "Authenticators")
        #expect(document.root.namespaceURI == "http://wso2.org/projects/carbon/authenticators.xml")
        #expect(document.root.position == SourcePosition(line: 23, column: 1))
        let first = try #require(document.root.childElements.first)
        #expect(first.attribute("name")?.value == "TokenUIAuthenticator")
        #expect(first.position == SourcePosition(line: 26, column: 5))
        #expect(first.childElements.first?.qualifiedName == "Priority")
        #expect(first.childElements.first?.text == "5")
        // Two license/description comments precede the root.
        #expect(document.outerComments.count == 2)
        #expect(document.outerComments.first?.position == SourcePosition(line: 3, column: 1))
        // MutualSSLAuthenticator is shipped commented out: a comment, not an element.
        #expect(!document.root.descendantsAndSelf().contains { $0.attribute("name")?.value == "MutualSSLAuthenticator" })
        let shipped = try #require(document.allComments().first { $0.text.hasPrefix("Authenticator name=\"MutualSSLAuthenticator\"") })
        #expect(shipped.position == SourcePosition(line: 65, column: 5))
        #expect(shipped.text.hasSuffix("</Authenticator"))
    }
}
