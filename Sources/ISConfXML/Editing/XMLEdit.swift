/// A change to a document, stated so that both the byte patcher and libxml2's tree API can carry
/// it out: the verifier applies it both ways and compares the results.
public enum XMLEdit: Sendable, Equatable {
    /// Sets (or adds) an unprefixed attribute. `element` is the element's document-order index.
    case setAttribute(element: Int, name: String, value: String)
    /// Removes an unprefixed attribute.
    case removeAttribute(element: Int, name: String)
    /// Replaces the content of an element that holds only text (e.g. a `<Parameter>`).
    case setText(element: Int, text: String)
    /// Turns a comment into the markup it holds. `comment` is its document-order index.
    case uncomment(comment: Int)
    /// Appends markup as the last child element of `parent`, indented like its siblings.
    case appendChild(parent: Int, markup: Markup)
}

/// Markup to insert: lines, each with its depth relative to the inserted element. The patcher
/// indents them the way the file indents; the tree side parses the same text.
public struct Markup: Sendable, Equatable {
    public var lines: [(depth: Int, text: String)]

    public init(_ lines: [(depth: Int, text: String)]) { self.lines = lines }

    public static func == (a: Markup, b: Markup) -> Bool {
        a.lines.count == b.lines.count && zip(a.lines, b.lines).allSatisfy { $0.depth == $1.depth && $0.text == $1.text }
    }

    /// The markup on one line, for the tree side (whitespace between elements does not matter there).
    var compact: String { lines.map(\.text).joined() }
}

extension XMLDocument {
    /// Every element in document order: the index space of `XMLEdit`.
    public var elementsInOrder: [XMLElement] { root.descendantsAndSelf() }

    public func index(of element: XMLElement) -> Int? {
        elementsInOrder.firstIndex { $0 === element }
    }

    public func index(of comment: XMLComment) -> Int? {
        allComments().firstIndex { $0.span == comment.span }
    }
}

extension XMLComment {
    /// The markup this comment would become if uncommented (see `XMLEdit.uncomment`).
    public var uncommentedMarkup: String { uncommentedText(of: self).text }
}

/// What a comment becomes when uncommented: `<!--Authenticator …</Authenticator-->` (a comment
/// dressed as an element, as WSO2 kernels ship it) loses only its dashes; a comment wrapping
/// whole markup, `<!-- <a/> -->`, becomes that markup.
func uncommentedText(of comment: XMLComment) -> (text: String, dressedAsElement: Bool) {
    let text = comment.text
    if let first = text.unicodeScalars.first, first != "<", !isSpaceScalar(first) {
        return ("<" + text + ">", true)
    }
    let scalars = text.unicodeScalars
    let start = scalars.firstIndex { !isSpaceScalar($0) } ?? scalars.endIndex
    let end = scalars.lastIndex { !isSpaceScalar($0) }.map { scalars.index(after: $0) } ?? start
    return (String(scalars[start..<end]), false)
}

func isSpaceScalar(_ scalar: Unicode.Scalar) -> Bool {
    scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
}

/// Escapes a value for an attribute delimited by `quote`, and keeps an ISO-8859-1 file ASCII-clean
/// by writing non-ASCII as character references.
func escapeAttribute(_ value: String, quote: UInt8, encoding: SourceEncoding) -> [UInt8] {
    escape(value, encoding: encoding) { scalar in
        switch scalar {
        case "&": "&amp;"
        case "<": "&lt;"
        case "\"" where quote == UInt8(ascii: "\""): "&quot;"
        case "'" where quote == UInt8(ascii: "'"): "&apos;"
        case "\t": "&#9;"
        case "\n": "&#10;"
        case "\r": "&#13;"
        default: nil
        }
    }
}

/// Escapes character data.
func escapeText(_ text: String, encoding: SourceEncoding) -> [UInt8] {
    escape(text, encoding: encoding) { scalar in
        switch scalar {
        case "&": "&amp;"
        case "<": "&lt;"
        case ">": "&gt;"
        case "\r": "&#13;"
        default: nil
        }
    }
}

private func escape(_ text: String, encoding: SourceEncoding, special: (Unicode.Scalar) -> String?) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        if let replacement = special(scalar) {
            out += Array(replacement.utf8)
        } else if scalar.isASCII {
            out.append(UInt8(scalar.value))
        } else if encoding == .iso88591 {
            out += Array("&#\(scalar.value);".utf8)
        } else {
            out += Array(String(scalar).utf8)
        }
    }
    return out
}
