import ISConfCore

/// One attribute exactly as written in a start tag, with its decoded value.
public struct XMLAttribute: Sendable {
    /// The name as written, e.g. `clientAuth`, `svns:secretAlias`, `xmlns:svns`.
    public let qualifiedName: String
    /// Namespace of a prefixed attribute; nil for unprefixed ones and for namespace declarations.
    public let namespaceURI: String?
    /// The value after entity and character references are resolved and whitespace normalised.
    public let value: String
    public let nameSpan: ByteSpan
    /// The raw value between the quotes.
    public let valueSpan: ByteSpan
    /// `"` or `'`.
    public let quote: UInt8
    /// The whitespace before the name: tells how the tag is laid out.
    public let leadingWhitespace: ByteSpan
    /// `xmlns` and `xmlns:*` declarations, which libxml2 keeps apart from attributes.
    public let isNamespaceDeclaration: Bool

    /// Found by byte: searching a String by Character runs grapheme breaking over every name, and
    /// the rules ask for names thousands of times in a fleet's lint.
    public var prefix: String? { colon.map { String(qualifiedName[..<$0]) } }

    public var localName: String {
        colon.map { String(qualifiedName[qualifiedName.utf8.index(after: $0)...]) } ?? qualifiedName
    }

    private var colon: String.Index? { qualifiedName.utf8.firstIndex(of: UInt8(ascii: ":")) }
}

/// An element with the exact byte spans of its start tag and of the whole element.
public final class XMLElement: Sendable {
    public let namespaceURI: String?
    public let prefix: String?
    public let localName: String
    /// `<` through the closing `>` (or `/>`) of the start tag.
    public let startTag: ByteSpan
    /// The start tag through the end tag; equal to `startTag` for an empty-element tag.
    public let span: ByteSpan
    /// Where the start tag's `<` is.
    public let position: SourcePosition
    public let isSelfClosing: Bool
    public let attributes: [XMLAttribute]
    public let children: [XMLNode]

    init(
        namespaceURI: String?, prefix: String?, localName: String, startTag: ByteSpan, span: ByteSpan,
        position: SourcePosition, isSelfClosing: Bool, attributes: [XMLAttribute], children: [XMLNode]
    ) {
        self.namespaceURI = namespaceURI
        self.prefix = prefix
        self.localName = localName
        self.startTag = startTag
        self.span = span
        self.position = position
        self.isSelfClosing = isSelfClosing
        self.attributes = attributes
        self.children = children
    }

    public var qualifiedName: String { prefix.map { "\($0):\(localName)" } ?? localName }

    /// The attribute whose name is exactly `name` (XML names are case-sensitive; so is Tomcat).
    public func attribute(_ name: String) -> XMLAttribute? {
        attributes.first { !$0.isNamespaceDeclaration && $0.qualifiedName == name }
    }

    public var childElements: [XMLElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// The concatenated character data directly inside this element, untrimmed.
    public var text: String {
        var result = ""
        for child in children { if case .text(let text) = child { result += text } }
        return result
    }

    /// This element and every element below it, in document order.
    public func descendantsAndSelf() -> [XMLElement] {
        var result: [XMLElement] = []
        func visit(_ element: XMLElement) {
            result.append(element)
            for child in element.childElements { visit(child) }
        }
        visit(self)
        return result
    }
}

/// A comment; the MutualSSLAuthenticator is often shipped as one.
public struct XMLComment: Sendable {
    /// `<!--` through `-->`.
    public let span: ByteSpan
    /// What lies between `<!--` and `-->`.
    public let text: String
    public let position: SourcePosition

    public var contentSpan: ByteSpan { ByteSpan(span.start + 4, span.end - 3) }
}

public enum XMLNode: Sendable {
    case element(XMLElement)
    case comment(XMLComment)
    /// Character data (CDATA included), decoded.
    case text(String)
}

/// A parsed file: the original bytes plus a tree whose every element and attribute knows its bytes.
public struct XMLDocument: Sendable {
    public let source: SourceFile
    public let encoding: SourceEncoding
    public let hasBOM: Bool
    public let root: XMLElement
    /// Comments before and after the root element.
    public let outerComments: [XMLComment]
    public let lineMap: LineMap

    public var path: String { source.path }
    public var bytes: [UInt8] { source.bytes }

    public func position(of offset: Int) -> SourcePosition {
        lineMap.position(of: offset, in: source.bytes)
    }

    /// The raw bytes of a span as text in the file's encoding.
    public func text(of span: ByteSpan) -> String {
        decode(source.bytes[span.range], encoding: encoding)
    }

    /// Every comment in the document, in document order.
    public func allComments() -> [XMLComment] {
        var result: [XMLComment] = []
        func visit(_ element: XMLElement) {
            for child in element.children {
                switch child {
                case .comment(let comment): result.append(comment)
                case .element(let element): visit(element)
                case .text: break
                }
            }
        }
        visit(root)
        result.append(contentsOf: outerComments)
        return result.sorted { $0.span.start < $1.span.start }
    }
}

func decode(_ bytes: ArraySlice<UInt8>, encoding: SourceEncoding) -> String {
    switch encoding {
    case .utf8: return String(decoding: bytes, as: UTF8.self)
    case .iso88591:
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }
}
