// Checking a parsed document against the oracles and libxml2's own reading, and snapshots for
// comparing parses made on different threads.

import ISConfCore
import ISConfXML
import Testing

// MARK: - Checking a parsed document

struct NameValue: Equatable, CustomStringConvertible {
    var name: String
    var value: String
    var description: String { "\(name)=\(value.debugDescription)" }
}

/// Checks every span `document` reports against its bytes, using the oracles above, and its
/// elements against libxml2's own reading (ReferenceView).
func verify(_ document: XMLDocument, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let bytes = document.bytes
    let latin1 = document.encoding == .iso88591
    let elements = document.root.descendantsAndSelf()
    let scan = MarkupScan(bytes)
    let oracle = PositionOracle(bytes, latin1: latin1)
    let hasLoneCR = bytes.indices.contains { bytes[$0] == 0x0D && ($0 + 1 == bytes.count || bytes[$0 + 1] != 0x0A) }

    func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { Issue.record(Comment(rawValue: "\(label): \(message())"), sourceLocation: sourceLocation) }
    }
    func text(_ span: ByteSpan) -> String { string(scalars(bytes[span.range], latin1: latin1)) }

    // Same elements, in the same order, as libxml2 without isconf's hooks.
    guard let reference = ReferenceView.elements(of: bytes) else {
        check(false, "ReferenceView rejects a document XMLDocument.parse accepted")
        return
    }
    check(elements.count == reference.count, "\(elements.count) elements, libxml2 sees \(reference.count)")
    for (element, expected) in zip(elements, reference) {
        let name = "<\(element.qualifiedName)> at \(element.startTag)"
        check(element.qualifiedName == expected.qualifiedName, "\(name): libxml2 names it \(expected.qualifiedName)")
        check(
            element.namespaceURI == expected.namespaceURI,
            "\(name): namespace \(String(describing: element.namespaceURI)), libxml2 \(String(describing: expected.namespaceURI))")
        // ReferenceView lists namespace declarations first, each group in document order.
        let ours = (element.attributes.filter(\.isNamespaceDeclaration) + element.attributes.filter { !$0.isNamespaceDeclaration })
            .map { NameValue(name: $0.qualifiedName, value: $0.value) }
        let theirs = expected.attributes.map { NameValue(name: $0.name, value: $0.value) }
        check(ours == theirs, "\(name): attributes \(ours), libxml2 \(theirs)")
        // libxml2 numbers an element by the line its start tag ends on, counting LF bytes only;
        // isconf also counts a lone CR (XML and SARIF do), so the two agree unless there is one.
        let last = element.startTag.end - 1
        check(oracle.libxml2Line(of: last) == expected.line, "\(name): libxml2 says line \(expected.line), counting LFs gives \(oracle.libxml2Line(of: last))")
        if !hasLoneCR {
            check(
                document.position(of: last).line == expected.line,
                "\(name): start tag ends on line \(document.position(of: last).line), libxml2 says \(expected.line)")
        }
        check(document.position(of: last).line == oracle.position(of: last).line, "\(name): line of the start tag's end")
    }
    check(
        elements.map(\.startTag.start) == scan.elementStarts,
        "element starts \(elements.map(\.startTag.start)), a plain scan finds \(scan.elementStarts)")

    for element in elements {
        let name = "<\(element.qualifiedName)> at \(element.startTag)"
        let tag = element.startTag
        let qualified = encode(element.qualifiedName, latin1: latin1)
        guard tag.start >= 0, tag.end <= bytes.count, tag.count >= qualified.count + 2 else {
            check(false, "\(name): start tag out of range")
            continue
        }
        check(bytes[tag.start] == UInt8(ascii: "<"), "\(name): start tag does not begin with <")
        check(bytes[tag.end - 1] == UInt8(ascii: ">"), "\(name): start tag does not end with >")
        check(
            bytes[(tag.start + 1)..<(tag.start + 1 + qualified.count)].elementsEqual(qualified),
            "\(name): bytes after < are \(text(ByteSpan(tag.start + 1, min(tag.end, tag.start + 1 + qualified.count))))")
        let afterName = bytes[tag.start + 1 + qualified.count]
        check(
            isWhitespace(afterName) || afterName == UInt8(ascii: "/") || afterName == UInt8(ascii: ">"),
            "\(name): the name runs on past \(element.qualifiedName)")
        check(element.qualifiedName == (element.prefix.map { "\($0):" } ?? "") + element.localName, "\(name): prefix/local mismatch")
        check(
            element.position == oracle.position(of: tag.start),
            "\(name): position \(element.position), expected \(oracle.position(of: tag.start))")
        check(element.position == document.position(of: tag.start), "\(name): position disagrees with document.position(of:)")

        // Attributes: contiguous layout from the name to the closing > or />.
        var cursor = tag.start + 1 + qualified.count
        for attribute in element.attributes {
            let what = "\(name) attribute \(attribute.qualifiedName)"
            let ws = attribute.leadingWhitespace
            guard ws.start == cursor, ws.end == attribute.nameSpan.start, attribute.nameSpan.end < attribute.valueSpan.start,
                attribute.valueSpan.start >= 1, attribute.valueSpan.end < tag.end
            else {
                check(false, "\(what): spans out of order (whitespace \(ws), name \(attribute.nameSpan), value \(attribute.valueSpan), cursor \(cursor))")
                break
            }
            check(ws.count > 0 && bytes[ws.range].allSatisfy(isWhitespace), "\(what): leading whitespace \(text(ws).debugDescription)")
            check(
                bytes[attribute.nameSpan.range].elementsEqual(encode(attribute.qualifiedName, latin1: latin1)),
                "\(what): name bytes are \(text(attribute.nameSpan).debugDescription)")
            let equals = bytes[attribute.nameSpan.end..<(attribute.valueSpan.start - 1)].filter { !isWhitespace($0) }
            check(
                equals == [UInt8(ascii: "=")],
                "\(what): between name and quote: \(text(ByteSpan(attribute.nameSpan.end, attribute.valueSpan.start - 1)).debugDescription)")
            check(attribute.quote == UInt8(ascii: "\"") || attribute.quote == UInt8(ascii: "'"), "\(what): quote \(attribute.quote)")
            check(
                bytes[attribute.valueSpan.start - 1] == attribute.quote && bytes[attribute.valueSpan.end] == attribute.quote,
                "\(what): value \(attribute.valueSpan) is not between \(Character(Unicode.Scalar(attribute.quote))) quotes")
            check(!bytes[attribute.valueSpan.range].contains(attribute.quote), "\(what): value span holds its own quote")
            let decoded = decodeAttributeValue(scalars(bytes[attribute.valueSpan.range], latin1: latin1))
            check(
                decoded == attribute.value,
                "\(what): value \(attribute.value.debugDescription), decoding the raw bytes gives \(String(describing: decoded?.debugDescription))")
            let declaration = attribute.qualifiedName == "xmlns" || attribute.qualifiedName.hasPrefix("xmlns:")
            check(attribute.isNamespaceDeclaration == declaration, "\(what): isNamespaceDeclaration \(attribute.isNamespaceDeclaration)")
            if declaration { check(attribute.namespaceURI == nil, "\(what): a declaration has a namespace URI") }
            if attribute.prefix == nil && !declaration { check(attribute.namespaceURI == nil, "\(what): unprefixed but namespaced") }
            if let prefix = attribute.prefix {
                check(attribute.qualifiedName == "\(prefix):\(attribute.localName)", "\(what): prefix/local mismatch")
            }
            cursor = attribute.valueSpan.end + 1
        }
        let closing: [UInt8] = element.isSelfClosing ? [UInt8(ascii: "/"), UInt8(ascii: ">")] : [UInt8(ascii: ">")]
        if cursor <= tag.end - closing.count {
            check(
                bytes[cursor..<(tag.end - closing.count)].allSatisfy(isWhitespace)
                    && bytes[(tag.end - closing.count)..<tag.end].elementsEqual(closing),
                "\(name): after the last attribute: \(text(ByteSpan(cursor, tag.end)).debugDescription)")
        } else {
            check(false, "\(name): attributes run past the end of the start tag")
        }

        // The whole element.
        check(element.span.start == tag.start, "\(name): span starts at \(element.span.start)")
        var contentEnd = tag.end
        if element.isSelfClosing {
            check(element.span == tag, "\(name): self-closing but span \(element.span) differs from the start tag")
        } else if element.span.end <= bytes.count, element.span.end > tag.end {
            var index = element.span.end - 1
            check(bytes[index] == UInt8(ascii: ">"), "\(name): span does not end with >")
            index -= 1
            while index > tag.end, isWhitespace(bytes[index]) { index -= 1 }
            let endTag = [UInt8(ascii: "<"), UInt8(ascii: "/")] + qualified
            let endTagStart = index + 1 - endTag.count
            check(
                endTagStart >= tag.end && bytes[endTagStart...index].elementsEqual(endTag),
                "\(name): span ends with \(text(ByteSpan(max(tag.end, element.span.end - endTag.count - 3), element.span.end)).debugDescription)")
            contentEnd = max(tag.end, endTagStart)
        } else {
            check(false, "\(name): span \(element.span) out of range")
        }

        // Children lie inside the content, in document order, without overlapping.
        var previousEnd = tag.end
        for child in element.children {
            let span: ByteSpan
            switch child {
            case .element(let childElement): span = childElement.span
            case .comment(let comment): span = comment.span
            case .text: continue
            }
            check(span.start >= previousEnd && span.end <= contentEnd, "\(name): child \(span) is outside \(previousEnd)..<\(contentEnd)")
            previousEnd = span.end
        }
    }

    // Comments.
    let comments = document.allComments()
    check(comments.map(\.span) == scan.comments, "comment spans \(comments.map(\.span)), a plain scan finds \(scan.comments)")
    for comment in comments {
        let span = comment.span
        guard span.start >= 0, span.end <= bytes.count, span.count >= 7 else {
            check(false, "comment \(span) out of range")
            continue
        }
        check(bytes[span.start..<(span.start + 4)].elementsEqual(utf8("<!--")), "comment \(span) does not start with <!--")
        check(bytes[(span.end - 3)..<span.end].elementsEqual(utf8("-->")), "comment \(span) does not end with -->")
        check(comment.contentSpan == ByteSpan(span.start + 4, span.end - 3), "comment \(span): content span \(comment.contentSpan)")
        let expectedText = string(normalizingLineEnds(scalars(bytes[comment.contentSpan.range], latin1: latin1)))
        check(comment.text == expectedText, "comment \(span): text \(comment.text.debugDescription), bytes say \(expectedText.debugDescription)")
        check(
            comment.position == oracle.position(of: span.start),
            "comment \(span): position \(comment.position), expected \(oracle.position(of: span.start))")
    }
    for comment in document.outerComments {
        check(
            comment.span.end <= document.root.span.start || comment.span.start >= document.root.span.end,
            "outer comment \(comment.span) lies inside the root \(document.root.span)")
    }
}

// MARK: - Snapshots (for comparing parses made on different threads)

struct DocumentSnapshot: Equatable, Sendable {
    struct Attribute: Equatable, Sendable {
        var name: String, prefix: String?, localName: String, namespaceURI: String?, value: String
        var nameSpan: ByteSpan, valueSpan: ByteSpan, leadingWhitespace: ByteSpan, quote: UInt8, isDeclaration: Bool
    }
    struct Element: Equatable, Sendable {
        var name: String, namespaceURI: String?, startTag: ByteSpan, span: ByteSpan, position: SourcePosition
        var isSelfClosing: Bool, text: String, attributes: [Attribute]
    }
    struct Comment: Equatable, Sendable {
        var span: ByteSpan, text: String, position: SourcePosition
    }
    var encoding: SourceEncoding
    var hasBOM: Bool
    var elements: [Element]
    var comments: [Comment]

    init(_ document: XMLDocument) {
        encoding = document.encoding
        hasBOM = document.hasBOM
        elements = document.root.descendantsAndSelf().map { element in
            Element(
                name: element.qualifiedName, namespaceURI: element.namespaceURI, startTag: element.startTag,
                span: element.span, position: element.position, isSelfClosing: element.isSelfClosing, text: element.text,
                attributes: element.attributes.map {
                    Attribute(
                        name: $0.qualifiedName, prefix: $0.prefix, localName: $0.localName, namespaceURI: $0.namespaceURI,
                        value: $0.value, nameSpan: $0.nameSpan, valueSpan: $0.valueSpan,
                        leadingWhitespace: $0.leadingWhitespace, quote: $0.quote, isDeclaration: $0.isNamespaceDeclaration)
                })
        }
        comments = document.allComments().map { Comment(span: $0.span, text: $0.text, position: $0.position) }
    }
}

enum ParseOutcome: Equatable, Sendable {
    case parsed(DocumentSnapshot)
    case failed(InputError)

    init(_ bytes: [UInt8], path: String) {
        do { self = .parsed(DocumentSnapshot(try parse(bytes, path: path))) } catch { self = .failed(error) }
    }
}
