import ISConfCore

/// One leaf of a document: a key's value (arrays whole; an empty inline table `{}` is a leaf too),
/// with where its key and value are written.
public struct TOMLEntry: Sendable {
    /// Absolute: the enclosing table's path, then the (dotted) key's parts, unquoted and unescaped.
    /// Elements of an array of tables add `[n]` after the array's name: `["a", "[0]", "k"]`.
    public let keyPath: [String]
    public let value: TOMLValue
    /// The key as written (a whole dotted key).
    public let keySpan: ByteSpan
    /// The value as written; an array from `[` to `]`.
    public let valueSpan: ByteSpan
    /// Of the key's first byte.
    public let position: SourcePosition
}

/// A `[table]` or `[[array of tables]]` header.
public struct TOMLTableHeader: Sendable {
    /// As written between the brackets, unquoted (no `[n]` components).
    public let path: [String]
    /// From the first `[` to the last `]`.
    public let span: ByteSpan
    public let position: SourcePosition
    /// `[[path]]`.
    public let isArrayElement: Bool
}

/// A deployment.toml as TOML 1.0 defines it, read by isconf's own decoder (`TOMLScanner`), with the
/// byte spans of every key and value.
public struct TOMLDocument: Sendable {
    public let source: SourceFile
    public var path: String { source.path }
    /// Every leaf, in file order; inline tables are expanded into their leaves.
    public let entries: [TOMLEntry]
    public let tables: [TOMLTableHeader]
    /// Every comment, from its `#` to the end of its line (without the line ending), in file order:
    /// where lint suppressions (`# isconf-ignore …`) are written.
    public let comments: [ByteSpan]
    /// The whole document as a `.table`.
    public var root: TOMLValue
    let layout: TOMLLayout
    private let lineMap: LineMap
    let entryIndex: [[String]: Int]

    public func entry(_ keyPath: [String]) -> TOMLEntry? {
        entryIndex[keyPath].map { entries[$0] }
    }

    public func position(of offset: Int) -> SourcePosition {
        lineMap.position(of: offset, in: source.bytes)
    }

    /// Reads a UTF-8 TOML 1.0 document (a BOM, LF or CRLF line endings); any error is one line with
    /// the position where it is in the file.
    public static func parse(_ source: SourceFile) throws(InputError) -> TOMLDocument {
        let bytes = source.bytes
        let lineMap = LineMap(bytes: bytes, singleByteCharacters: false)
        func failure(_ kind: InputError.Kind, _ message: String, at offset: Int? = nil) -> InputError {
            InputError(path: source.path, kind, message, position: offset.map { lineMap.position(of: $0, in: bytes) })
        }
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            throw failure(.unsupportedFormat, "UTF-16 encoded; TOML files are UTF-8 (convert it with iconv -t UTF-8)", at: 0)
        }
        if let nul = bytes.firstIndex(of: 0) {
            throw failure(.malformed, "holds a NUL byte, which TOML does not allow (not a text file?)", at: nul)
        }
        if let invalid = firstInvalidUTF8(bytes) {
            throw failure(.malformed, "invalid UTF-8 (byte 0x\(String(bytes[invalid], radix: 16, uppercase: true))); TOML files are UTF-8", at: invalid)
        }

        var scanner = TOMLScanner(bytes: bytes, lineMap: lineMap)
        do {
            try scanner.scan()
        } catch {
            throw error.isLimitation
                ? failure(.overLimit, error.message, at: error.offset) : failure(.malformed, "invalid TOML: \(error.message)", at: error.offset)
        }
        let entries = scanner.entries
        let entryIndex = Dictionary(entries.indices.map { (entries[$0].keyPath, $0) }, uniquingKeysWith: { first, _ in first })
        return TOMLDocument(
            source: source, entries: entries, tables: scanner.tables, comments: scanner.comments, root: scanner.value,
            layout: scanner.layout, lineMap: lineMap, entryIndex: entryIndex)
    }
}

/// A key path as a reader would write it: `a.b[0]."c.d"`; the whole document for an empty path.
func describe(_ keyPath: [String]) -> String {
    if keyPath.isEmpty { return "the document" }
    var out = ""
    for part in keyPath {
        if arrayIndex(part) != nil {
            out += part
        } else {
            out += (out.isEmpty ? "" : ".") + TOMLValue.key(part)
        }
    }
    return out
}

/// The offset of the first byte that is not well-formed UTF-8 (Unicode's table 3-7: no overlong
/// forms, surrogates or scalars beyond U+10FFFF). ASCII, nearly all of a deployment.toml, is one
/// comparison a byte.
private func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    var offset = 0
    while offset < bytes.count {
        let lead = bytes[offset]
        if lead < 0x80 {
            offset += 1
            continue
        }
        let length: Int
        let second: ClosedRange<UInt8>
        switch lead {
        case 0xC2...0xDF: (length, second) = (2, 0x80...0xBF)
        case 0xE0: (length, second) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, second) = (3, 0x80...0xBF)
        case 0xED: (length, second) = (3, 0x80...0x9F)
        case 0xF0: (length, second) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, second) = (4, 0x80...0xBF)
        case 0xF4: (length, second) = (4, 0x80...0x8F)
        default: return offset
        }
        guard offset + length <= bytes.count, second.contains(bytes[offset + 1]),
            bytes[offset + 2..<offset + length].allSatisfy({ $0 & 0xC0 == 0x80 })
        else { return offset }
        offset += length
    }
    return nil
}
