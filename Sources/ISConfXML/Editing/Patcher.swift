import ISConfCore

/// One byte-level change: replace `span` of the original bytes (an insertion when it is empty).
public struct ByteReplacement: Sendable, Equatable {
    public var span: ByteSpan
    public var bytes: [UInt8]
}

/// Turns edits into the smallest byte changes to the original, laid out like their surroundings.
public enum Patcher {
    public static func replacements(for edits: [XMLEdit], in document: XMLDocument) throws(InputError) -> [ByteReplacement] {
        let elements = document.elementsInOrder
        let comments = document.allComments()
        var result: [ByteReplacement] = []
        func element(_ index: Int) throws(InputError) -> XMLElement {
            guard elements.indices.contains(index) else { throw InputError(path: document.path, .cannotEdit, "no element #\(index)") }
            return elements[index]
        }
        for edit in edits {
            switch edit {
            case .setAttribute(let index, let name, let value):
                result.append(setAttribute(try element(index), name: name, value: value, in: document))
            case .removeAttribute(let index, let name):
                let target = try element(index)
                guard let attribute = target.attribute(name) else {
                    throw InputError(path: document.path, .cannotEdit, "<\(target.qualifiedName)> has no attribute \(name) to remove")
                }
                result.append(ByteReplacement(span: ByteSpan(attribute.leadingWhitespace.start, attribute.valueSpan.end + 1), bytes: []))
            case .setText(let index, let text):
                result.append(try setText(try element(index), text: text, in: document))
            case .uncomment(let index):
                guard comments.indices.contains(index) else { throw InputError(path: document.path, .cannotEdit, "no comment #\(index)") }
                let comment = comments[index]
                let (text, dressed) = uncommentedText(of: comment)
                if dressed {
                    result.append(ByteReplacement(span: ByteSpan(comment.span.start, comment.span.start + 4), bytes: [UInt8(ascii: "<")]))
                    result.append(ByteReplacement(span: ByteSpan(comment.span.end - 3, comment.span.end), bytes: [UInt8(ascii: ">")]))
                } else {
                    result.append(ByteReplacement(span: comment.span, bytes: escapeMarkup(text, encoding: document.encoding)))
                }
            case .appendChild(let index, let markup):
                result.append(try appendChild(try element(index), markup: markup, in: document))
            }
        }
        return result
    }

    /// Applies non-overlapping replacements to `bytes`. Insertions at one offset keep their order.
    public static func apply(_ replacements: [ByteReplacement], to bytes: [UInt8], path: String) throws(InputError) -> [UInt8] {
        let ordered = replacements.enumerated().sorted { a, b in
            a.element.span.start != b.element.span.start ? a.element.span.start < b.element.span.start : a.offset < b.offset
        }.map(\.element)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + ordered.reduce(0) { $0 + $1.bytes.count })
        var cursor = 0
        for replacement in ordered {
            guard replacement.span.start >= cursor, replacement.span.end <= bytes.count else {
                throw InputError(path: path, .internalError, "overlapping edits; nothing was changed")
            }
            out += bytes[cursor..<replacement.span.start]
            out += replacement.bytes
            cursor = replacement.span.end
        }
        out += bytes[cursor...]
        return out
    }

    // MARK: - Layout

    private static func setAttribute(_ element: XMLElement, name: String, value: String, in document: XMLDocument) -> ByteReplacement {
        if let existing = element.attribute(name) {
            return ByteReplacement(
                span: existing.valueSpan,
                bytes: escapeAttribute(value, quote: existing.quote, encoding: document.encoding))
        }
        let bytes = document.bytes
        let last = element.attributes.last
        let quote = last?.quote ?? UInt8(ascii: "\"")
        // One attribute per line stays one attribute per line: reuse the last one's line break and indentation.
        var separator: [UInt8] = [0x20]
        if let last, bytes[last.leadingWhitespace.range].contains(0x0A) {
            separator = Array(bytes[last.leadingWhitespace.range])
        }
        let insertAt = last.map { $0.valueSpan.end + 1 } ?? (element.startTag.start + 1 + element.qualifiedName.utf8.count)
        let attribute =
            Array(name.utf8) + [UInt8(ascii: "="), quote]
            + escapeAttribute(value, quote: quote, encoding: document.encoding) + [quote]
        return ByteReplacement(span: ByteSpan(insertAt, insertAt), bytes: separator + attribute)
    }

    private static func setText(_ element: XMLElement, text: String, in document: XMLDocument) throws(InputError) -> ByteReplacement {
        guard element.childElements.isEmpty else {
            throw InputError(path: document.path, .cannotEdit, "<\(element.qualifiedName)> holds elements; refusing to replace its content")
        }
        let escaped = escapeText(text, encoding: document.encoding)
        if element.isSelfClosing {
            // <Parameter name="WhiteList"/> → <Parameter name="WhiteList">text</Parameter>
            let close = ByteSpan(element.startTag.end - 2, element.startTag.end)
            return ByteReplacement(span: close, bytes: [UInt8(ascii: ">")] + escaped + Array("</\(element.qualifiedName)>".utf8))
        }
        let contentEnd = endTagStart(of: element, in: document.bytes)
        return ByteReplacement(span: ByteSpan(element.startTag.end, contentEnd), bytes: escaped)
    }

    private static func appendChild(_ parent: XMLElement, markup: Markup, in document: XMLDocument) throws(InputError) -> ByteReplacement {
        let bytes = document.bytes
        let newline: [UInt8] = usesCRLF(bytes) ? [0x0D, 0x0A] : [0x0A]
        let parentIndent = indentation(before: parent.startTag.start, in: bytes)
        let siblings = parent.childElements
        let childIndent =
            siblings.last.map { indentation(before: $0.startTag.start, in: bytes) }
            ?? parentIndent + indentUnit(parentIndent)
        let unit = indentUnit(
            childIndent,
            sample: siblings.lazy.compactMap { sibling in
                sibling.childElements.first.map { indentation(before: $0.startTag.start, in: bytes) }
            }.first, parent: childIndent)

        var text: [UInt8] = []
        for line in markup.lines {
            text += newline + childIndent
            for _ in 0..<line.depth { text += unit }
            text += escapeMarkup(line.text, encoding: document.encoding)
        }
        if parent.isSelfClosing {
            throw InputError(path: document.path, .cannotEdit, "<\(parent.qualifiedName)/> is empty; refusing to expand it")
        }
        if let last = siblings.last {
            return ByteReplacement(span: ByteSpan(last.span.end, last.span.end), bytes: text)
        }
        let at = endTagStart(of: parent, in: bytes)
        return ByteReplacement(span: ByteSpan(at, at), bytes: text + newline + parentIndent)
    }

    /// Markup is ASCII apart from values; in ISO-8859-1 files non-ASCII becomes character references.
    private static func escapeMarkup(_ text: String, encoding: SourceEncoding) -> [UInt8] {
        var out: [UInt8] = []
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                out.append(UInt8(scalar.value))
            } else if encoding == .iso88591 {
                out += Array("&#\(scalar.value);".utf8)
            } else {
                out += Array(String(scalar).utf8)
            }
        }
        return out
    }

    static func endTagStart(of element: XMLElement, in bytes: [UInt8]) -> Int {
        var index = element.span.end - 2
        while index > element.startTag.end, !(bytes[index] == UInt8(ascii: "<") && bytes[index + 1] == UInt8(ascii: "/")) {
            index -= 1
        }
        return index
    }

    /// The spaces and tabs between the start of the line and `offset`, if only those are there.
    static func indentation(before offset: Int, in bytes: [UInt8]) -> [UInt8] {
        var start = offset
        while start > 0, bytes[start - 1] == 0x20 || bytes[start - 1] == 0x09 { start -= 1 }
        guard start == 0 || bytes[start - 1] == 0x0A || bytes[start - 1] == 0x0D else { return [] }
        return Array(bytes[start..<offset])
    }

    /// One level of indentation: what a child adds to its parent's, else a tab or four spaces.
    private static func indentUnit(_ indent: [UInt8], sample: [UInt8]? = nil, parent: [UInt8]? = nil) -> [UInt8] {
        if let sample, let parent, sample.count > parent.count, Array(sample.prefix(parent.count)) == parent {
            return Array(sample.dropFirst(parent.count))
        }
        return indent.first == 0x09 ? [0x09] : [0x20, 0x20, 0x20, 0x20]
    }

    static func usesCRLF(_ bytes: [UInt8]) -> Bool {
        guard let newline = bytes.firstIndex(of: 0x0A) else { return false }
        return newline > 0 && bytes[newline - 1] == 0x0D
    }
}
