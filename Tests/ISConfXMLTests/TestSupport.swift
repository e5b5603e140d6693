// Shared helpers for the ISConfXML tests: where the fixtures and the corpus are, and oracles that
// recompute what the XML core reports (positions, decoded values, markup offsets) from the raw
// bytes alone, without going through the code under test.

import Foundation
import ISConfCore
import ISConfXML
import Testing

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Locations

enum TestPaths {
    /// This file is <root>/Tests/ISConfXMLTests/TestSupport.swift.
    static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let fixtures = packageRoot + "/Tests/Fixtures/xml"
    /// The shared WSO2 corpus lives next to the package, outside the repository.
    static let corpus = URL(fileURLWithPath: packageRoot + "/../shared/corpus/wso2").standardizedFileURL.path
}

let corpusAvailable: Bool = {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: TestPaths.corpus, isDirectory: &isDirectory) && isDirectory.boolValue
}()

let corpusAbsentMessage: Comment = "../shared/corpus/wso2 absent: the corpus is not part of the repository, so this test is skipped"

struct NamedInput: Sendable {
    let name: String
    let bytes: [UInt8]
}

func readBytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

func fixture(_ name: String) throws -> [UInt8] {
    try readBytes(TestPaths.fixtures + "/" + name)
}

let fixtureNames = ["catalina-crlf-bom.xml", "authenticators-latin1.xml", "secure-vault.xml"]

/// Corpus files worth handing to an XML parser: all but the Jinja templates and the JSON, TOML and
/// Markdown files. ERB templates are kept: `authenticators.xml.erb@puppet-is-v5.6.0.1` is plain XML.
func corpusXMLCandidates() throws -> [NamedInput] {
    try FileManager.default.contentsOfDirectory(atPath: TestPaths.corpus).sorted()
        .filter { !$0.contains(".j2@") && !$0.contains(".json@") && !$0.contains(".toml@") && !$0.hasSuffix(".md") }
        .map { NamedInput(name: $0, bytes: try readBytes(TestPaths.corpus + "/" + $0)) }
}

// MARK: - Parsing

func parse(_ bytes: [UInt8], path: String = "test.xml") throws(InputError) -> XMLDocument {
    try XMLDocument.parse(SourceFile(path: path, bytes: bytes))
}

/// The typed error `parse` throws, or nil if it accepted the bytes. (`catch` binds an `InputError`
/// here only because the throw is typed: this does not compile if that ever changes.)
func parseError(_ bytes: [UInt8], path: String = "test.xml") -> InputError? {
    do {
        _ = try parse(bytes, path: path)
        return nil
    } catch {
        let typed: InputError = error
        return typed
    }
}

/// Expects `bytes` to be refused as `kind`, in one line holding every fragment of the particulars
/// that tell this refusal from others of its kind.
@discardableResult
func expectRejected(_ bytes: [UInt8], _ kind: InputError.Kind, _ fragments: String..., path: String = "bad.xml",
                    sourceLocation: SourceLocation = #_sourceLocation) -> InputError? {
    guard let error = parseError(bytes, path: path) else {
        Issue.record("accepted, expected an InputError of kind \(kind)", sourceLocation: sourceLocation)
        return nil
    }
    #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    expectWellFormedMessage(error, path: path, fragments, sourceLocation: sourceLocation)
    return error
}

func expectWellFormedMessage(_ error: InputError, path: String, _ fragments: [String],
                             sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(error.path == path, sourceLocation: sourceLocation)
    #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
    #expect(!error.description.contains("\n"), "message must be one line: \(error.description)",
            sourceLocation: sourceLocation)
    #expect(error.description.hasPrefix(path + ":"), sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(error.message.contains(fragment), "\(error.message.debugDescription) lacks \(fragment.debugDescription)",
                sourceLocation: sourceLocation)
    }
}

func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

// MARK: - Independent oracles

/// The characters of `bytes`: UTF-8, or ISO-8859-1 where each byte is the code point of the same value.
func scalars(_ bytes: ArraySlice<UInt8>, latin1: Bool) -> [Unicode.Scalar] {
    latin1 ? bytes.map { Unicode.Scalar($0) } : Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
}

func string<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
}

/// `text` in the file's encoding (names are compared byte for byte).
func encode(_ text: String, latin1: Bool) -> [UInt8] {
    latin1 ? text.unicodeScalars.map { UInt8($0.value) } : Array(text.utf8)
}

/// XML 1.0 §2.11: CRLF and a lone CR both become LF before anything else sees the text.
func normalizingLineEnds(_ input: [Unicode.Scalar]) -> [Unicode.Scalar] {
    var output: [Unicode.Scalar] = []
    output.reserveCapacity(input.count)
    var index = 0
    while index < input.count {
        if input[index] == "\r" {
            output.append("\n")
            if index + 1 < input.count, input[index + 1] == "\n" { index += 1 }
        } else {
            output.append(input[index])
        }
        index += 1
    }
    return output
}

/// XML 1.0 §3.3.3 for a CDATA attribute: line ends normalised, every literal TAB/LF becomes a space,
/// references resolved (a character reference to a whitespace character stays that character).
/// Nil for a reference this decoder does not know.
func decodeAttributeValue(_ raw: [Unicode.Scalar]) -> String? {
    let input = normalizingLineEnds(raw)
    var output: [Unicode.Scalar] = []
    var index = 0
    while index < input.count {
        let character = input[index]
        if character == "&" {
            guard let semicolon = input[index...].firstIndex(of: ";") else { return nil }
            let name = string(input[(index + 1)..<semicolon])
            switch name {
            case "amp": output.append("&")
            case "lt": output.append("<")
            case "gt": output.append(">")
            case "quot": output.append("\"")
            case "apos": output.append("'")
            default:
                let code: UInt32?
                if name.hasPrefix("#x") { code = UInt32(name.dropFirst(2), radix: 16) }
                else if name.hasPrefix("#") { code = UInt32(name.dropFirst(), radix: 10) }
                else { code = nil }
                guard let code, let scalar = Unicode.Scalar(code) else { return nil }
                output.append(scalar)
            }
            index = semicolon + 1
        } else {
            output.append(character == "\t" || character == "\n" ? " " : character)
            index += 1
        }
    }
    return string(output)
}

/// Line and column of every character in a file, computed in one pass over its characters (decoded
/// by Swift's UTF-8 decoder, or one per byte for ISO-8859-1): lines end at LF, CRLF or a lone CR;
/// columns count characters; a UTF-8 byte order mark is not a character.
struct PositionOracle {
    private var lines: [Int32]
    private var columns: [Int32]
    /// libxml2's own line numbers count LF bytes only (a lone CR does not start a line for it).
    private var lineFeedLines: [Int32]

    init(_ bytes: [UInt8], latin1: Bool) {
        lines = Array(repeating: 0, count: bytes.count + 1)
        columns = Array(repeating: 0, count: bytes.count + 1)
        lineFeedLines = Array(repeating: 0, count: bytes.count + 1)
        let hasBOM = !latin1 && bytes.starts(with: [0xEF, 0xBB, 0xBF])
        var offset = hasBOM ? 3 : 0
        var line: Int32 = 1
        var column: Int32 = 1
        var lineFeedLine: Int32 = 1
        var previousWasCR = false
        for index in 0..<offset {
            (lines[index], columns[index], lineFeedLines[index]) = (1, 1, 1)
        }
        for scalar in scalars(bytes[offset...], latin1: latin1) {
            (lines[offset], columns[offset], lineFeedLines[offset]) = (line, column, lineFeedLine)
            let width = latin1 ? 1 : UTF8.width(scalar)
            // Bytes inside a character: mark them so that asking for one is noticed.
            for inner in stride(from: offset + 1, to: offset + width, by: 1) { (lines[inner], columns[inner]) = (-1, -1) }
            offset += width
            if scalar == "\r" {
                line += 1
                column = 1
                previousWasCR = true
                continue
            }
            if scalar == "\n" {
                if !previousWasCR { line += 1 }
                lineFeedLine += 1
                column = 1
            } else {
                column += 1
            }
            previousWasCR = false
        }
        (lines[offset], columns[offset], lineFeedLines[offset]) = (line, column, lineFeedLine)
    }

    func position(of offset: Int) -> SourcePosition {
        SourcePosition(line: Int(lines[offset]), column: Int(columns[offset]))
    }

    func libxml2Line(of offset: Int) -> Int { Int(lineFeedLines[offset]) }
}

func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

/// Where the markup is, found by a plain scan: every `<` outside comments, CDATA sections and
/// processing instructions starts a tag (attribute values and text cannot hold a literal `<`).
struct MarkupScan {
    var elementStarts: [Int] = []
    var comments: [ByteSpan] = []

    init(_ bytes: [UInt8]) {
        let commentOpen = utf8("<!--"), commentClose = utf8("-->"), cdataOpen = utf8("<![CDATA["), cdataClose = utf8("]]>")
        let piOpen = utf8("<?"), piClose = utf8("?>"), endTagOpen = utf8("</"), declarationOpen = utf8("<!")
        func matches(_ pattern: [UInt8], at index: Int) -> Bool {
            index + pattern.count <= bytes.count && bytes[index..<index + pattern.count].elementsEqual(pattern)
        }
        func end(of terminator: [UInt8], from index: Int) -> Int {
            var cursor = index
            while cursor < bytes.count, !(bytes[cursor] == terminator[0] && matches(terminator, at: cursor)) { cursor += 1 }
            return min(bytes.count, cursor + terminator.count)
        }
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else { index += 1; continue }
            if matches(commentOpen, at: index) {
                let stop = end(of: commentClose, from: index + 4)
                comments.append(ByteSpan(index, stop))
                index = stop
            } else if matches(cdataOpen, at: index) {
                index = end(of: cdataClose, from: index + 9)
            } else if matches(piOpen, at: index) {
                index = end(of: piClose, from: index + 2)
            } else {
                if !matches(endTagOpen, at: index), !matches(declarationOpen, at: index) { elementStarts.append(index) }
                index += 1
            }
        }
    }
}

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
        check(element.namespaceURI == expected.namespaceURI,
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
            check(document.position(of: last).line == expected.line,
                  "\(name): start tag ends on line \(document.position(of: last).line), libxml2 says \(expected.line)")
        }
        check(document.position(of: last).line == oracle.position(of: last).line, "\(name): line of the start tag's end")
    }
    check(elements.map(\.startTag.start) == scan.elementStarts,
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
        check(bytes[(tag.start + 1)..<(tag.start + 1 + qualified.count)].elementsEqual(qualified),
              "\(name): bytes after < are \(text(ByteSpan(tag.start + 1, min(tag.end, tag.start + 1 + qualified.count))))")
        let afterName = bytes[tag.start + 1 + qualified.count]
        check(isWhitespace(afterName) || afterName == UInt8(ascii: "/") || afterName == UInt8(ascii: ">"),
              "\(name): the name runs on past \(element.qualifiedName)")
        check(element.qualifiedName == (element.prefix.map { "\($0):" } ?? "") + element.localName, "\(name): prefix/local mismatch")
        check(element.position == oracle.position(of: tag.start),
              "\(name): position \(element.position), expected \(oracle.position(of: tag.start))")
        check(element.position == document.position(of: tag.start), "\(name): position disagrees with document.position(of:)")

        // Attributes: contiguous layout from the name to the closing > or />.
        var cursor = tag.start + 1 + qualified.count
        for attribute in element.attributes {
            let what = "\(name) attribute \(attribute.qualifiedName)"
            let ws = attribute.leadingWhitespace
            guard ws.start == cursor, ws.end == attribute.nameSpan.start, attribute.nameSpan.end < attribute.valueSpan.start,
                  attribute.valueSpan.start >= 1, attribute.valueSpan.end < tag.end else {
                check(false, "\(what): spans out of order (whitespace \(ws), name \(attribute.nameSpan), value \(attribute.valueSpan), cursor \(cursor))")
                break
            }
            check(ws.count > 0 && bytes[ws.range].allSatisfy(isWhitespace), "\(what): leading whitespace \(text(ws).debugDescription)")
            check(bytes[attribute.nameSpan.range].elementsEqual(encode(attribute.qualifiedName, latin1: latin1)),
                  "\(what): name bytes are \(text(attribute.nameSpan).debugDescription)")
            let equals = bytes[attribute.nameSpan.end..<(attribute.valueSpan.start - 1)].filter { !isWhitespace($0) }
            check(equals == [UInt8(ascii: "=")], "\(what): between name and quote: \(text(ByteSpan(attribute.nameSpan.end, attribute.valueSpan.start - 1)).debugDescription)")
            check(attribute.quote == UInt8(ascii: "\"") || attribute.quote == UInt8(ascii: "'"), "\(what): quote \(attribute.quote)")
            check(bytes[attribute.valueSpan.start - 1] == attribute.quote && bytes[attribute.valueSpan.end] == attribute.quote,
                  "\(what): value \(attribute.valueSpan) is not between \(Character(Unicode.Scalar(attribute.quote))) quotes")
            check(!bytes[attribute.valueSpan.range].contains(attribute.quote), "\(what): value span holds its own quote")
            let decoded = decodeAttributeValue(scalars(bytes[attribute.valueSpan.range], latin1: latin1))
            check(decoded == attribute.value, "\(what): value \(attribute.value.debugDescription), decoding the raw bytes gives \(String(describing: decoded?.debugDescription))")
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
            check(bytes[cursor..<(tag.end - closing.count)].allSatisfy(isWhitespace)
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
            check(endTagStart >= tag.end && bytes[endTagStart...index].elementsEqual(endTag),
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
        check(comment.position == oracle.position(of: span.start),
              "comment \(span): position \(comment.position), expected \(oracle.position(of: span.start))")
    }
    for comment in document.outerComments {
        check(comment.span.end <= document.root.span.start || comment.span.start >= document.root.span.end,
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
            Element(name: element.qualifiedName, namespaceURI: element.namespaceURI, startTag: element.startTag,
                    span: element.span, position: element.position, isSelfClosing: element.isSelfClosing, text: element.text,
                    attributes: element.attributes.map {
                        Attribute(name: $0.qualifiedName, prefix: $0.prefix, localName: $0.localName, namespaceURI: $0.namespaceURI,
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

// MARK: - Files and descriptors

/// Runs `body` in a fresh directory that is removed afterwards.
@discardableResult
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = NSTemporaryDirectory() + "isconf-xmltests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer {
        chmod(path, 0o700)
        try? FileManager.default.removeItem(atPath: path)
    }
    return try body(path)
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Runs `body` with file descriptor 2 pointed at a temporary file; returns what reached it.
func capturingStandardError(_ body: () -> Void) throws -> [UInt8] {
    let path = NSTemporaryDirectory() + "isconf-stderr-" + UUID().uuidString
    let capture = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard capture >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    defer {
        close(capture)
        unlink(path)
    }
    fflush(nil)
    let saved = dup(2)
    guard saved >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    guard dup2(capture, 2) >= 0 else {
        close(saved)
        throw POSIXError(.init(rawValue: errno) ?? .EIO)
    }
    body()
    fflush(nil)
    dup2(saved, 2)
    close(saved)
    return try readBytes(path)
}

/// A deterministic byte generator (SplitMix64), so junk-input failures can be reproduced.
struct SeededBytes {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}
