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

/// A deployment.toml as TOMLKit understands it, with the byte spans isconf's own scanner found for
/// every key and value; the two readings are checked to agree.
public struct TOMLDocument: Sendable {
    public let source: SourceFile
    public var path: String { source.path }
    /// Every leaf, in file order; inline tables are expanded into their leaves.
    public let entries: [TOMLEntry]
    public let tables: [TOMLTableHeader]
    /// The whole document as a `.table`, as TOMLKit read it.
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
        func failure(_ message: String, at offset: Int? = nil) -> InputError {
            InputError(path: source.path, message: message, position: offset.map { lineMap.position(of: $0, in: bytes) })
        }
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            throw failure("UTF-16 encoded; TOML files are UTF-8 (convert it with iconv -t UTF-8)")
        }
        if let nul = bytes.firstIndex(of: 0) {
            throw failure("holds a NUL byte, which TOML does not allow (not a text file?)", at: nul)
        }
        if let invalid = firstInvalidUTF8(bytes) {
            throw failure("invalid UTF-8 (byte 0x\(String(bytes[invalid], radix: 16, uppercase: true))); TOML files are UTF-8", at: invalid)
        }

        // toml++ 3.4 asserts on some malformed input (an abort; undefined behaviour where asserts
        // are compiled out), so it reads only what the scanner has accepted as TOML. A scanner
        // failure is then reported by TOMLKit if the bytes before it already break a rule (a key
        // defined twice…), and in the scanner's words otherwise.
        var scanner = TOMLScanner(bytes: bytes, lineMap: lineMap)
        do {
            try scanner.scan()
        } catch {
            if error.isLimitation { throw failure(error.message, at: error.offset) }
            if case .failure(let earlier) = TOMLKitReader.read(Array(bytes[..<error.acceptedPrefix])) {
                throw InputError(path: source.path, message: "invalid TOML: \(earlier.message)",
                                 position: SourcePosition(line: earlier.line, column: earlier.column))
            }
            throw failure("invalid TOML: \(error.message)", at: error.offset)
        }
        let root: TOMLValue
        switch TOMLKitReader.read(bytes) {
        case .success(let value):
            root = value
        case .failure(let error):
            throw InputError(path: source.path, message: "invalid TOML: \(error.message)",
                             position: SourcePosition(line: error.line, column: error.column))
        }
        if let difference = scanner.value.firstDifference(from: root) {
            throw failure("internal error: isconf's TOML scanner and TOMLKit read \(describe(difference)) differently; please report it")
        }
        let entries = scanner.entries
        let entryIndex = Dictionary(entries.indices.map { (entries[$0].keyPath, $0) }, uniquingKeysWith: { first, _ in first })
        return TOMLDocument(source: source, entries: entries, tables: scanner.tables, root: root,
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

/// The offset of the first byte that is not well-formed UTF-8.
private func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    var iterator = bytes.makeIterator()
    var parser = Unicode.UTF8.ForwardParser()
    var offset = 0
    while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid(let scalar): offset += scalar.count
        case .emptyInput: return nil
        case .error: return offset
        }
    }
}
