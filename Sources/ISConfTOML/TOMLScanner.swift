import ISConfCore

/// Why the scanner stopped, and where.
struct ScanFailure: Error {
    var message: String
    var offset: Int
    /// Valid TOML isconf will not read (nested too deep), rather than invalid TOML.
    var isLimitation = false
}

/// isconf's TOML 1.0 decoder, working on the bytes: it finds the byte spans of every key, value and
/// header (what edits and positions need), builds the value tree, and enforces every rule of TOML
/// 1.0, the lexical ones (here and in the `+Strings` and `+Scalars` files) and the semantic ones
/// (each key and table defined once, closed inline tables and arrays: `TableBuilder`).
///
/// It reads in one pass and stays linear in the input; nesting is capped at `maximumDepth` so that
/// no input can exhaust the stack (here or where the value tree is walked, compared or freed).
struct TOMLScanner {
    /// Tables, arrays and inline tables inside each other, key parts and `[n]` elements included.
    static let maximumDepth = 128

    let bytes: [UInt8]
    private let lineMap: LineMap
    var index = 0
    /// The first byte of the line being read.
    private var lineStart = 0
    private let root = TableBuilder(definition: .header, definedAt: 0)
    /// The last position handed out, to count on from it.
    private var lastPosition: (offset: Int, position: SourcePosition)?

    private(set) var entries: [TOMLEntry] = []
    private(set) var tables: [TOMLTableHeader] = []
    private(set) var comments: [ByteSpan] = []
    private(set) var layout = TOMLLayout()

    init(bytes: [UInt8], lineMap: LineMap) {
        self.bytes = bytes
        self.lineMap = lineMap
    }

    /// The whole document as read.
    var value: TOMLValue { root.value }

    mutating func scan() throws(ScanFailure) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        lineStart = index
        layout.sections.append(.init(path: [], header: nil, bodyStart: index, bodyStartNeedsLineBreak: false))
        var table = root
        while true {
            skipSpaces()
            guard let byte = peek() else { return }
            switch byte {
            case UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try endLine()
            case UInt8(ascii: "["):
                table = try header()
                let lineBreak = try endLine()
                layout.sections[layout.sections.count - 1].bodyStart = index
                layout.sections[layout.sections.count - 1].bodyStartNeedsLineBreak = !lineBreak
            default:
                let first = lineStart
                let section = layout.sections.count - 1
                let statement = try keyValue(in: table, section: section, inlineTable: nil, basePath: layout.sections[section].path)
                let lineBreak = try endLine()
                if let statement {
                    layout.statements[statement].lines = ByteSpan(first, index)
                    layout.statements[statement].endsWithLineBreak = lineBreak
                    layout.sections[section].statements.append(statement)
                }
            }
        }
    }

    // MARK: Lines

    /// `LineMap`'s position, counted on from the previous one when it is further on the same line:
    /// keys come in file order, and an inline table of thousands of keys on one line would
    /// otherwise have its columns counted from the line's start for each of them.
    private mutating func position(of offset: Int) -> SourcePosition {
        var position: SourcePosition
        if let (previous, known) = lastPosition, previous <= offset,
            !bytes[previous..<offset].contains(where: { $0 == 0x0A || $0 == 0x0D })
        {
            position = known
            position.column += bytes[previous..<offset].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        } else {
            position = lineMap.position(of: offset, in: bytes)
        }
        lastPosition = (offset, position)
        return position
    }

    func peek(_ ahead: Int = 0) -> UInt8? {
        index + ahead < bytes.count ? bytes[index + ahead] : nil
    }

    func at(_ character: Unicode.Scalar, _ ahead: Int = 0) -> Bool {
        peek(ahead) == UInt8(ascii: character)
    }

    mutating func skipSpaces() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 { index += 1 }
    }

    func fail(_ message: String, at offset: Int? = nil) -> ScanFailure {
        ScanFailure(message: message, offset: offset ?? index)
    }

    /// "expected …, saw 'x'" at the current byte.
    func expected(_ what: String) -> ScanFailure {
        fail("expected \(what), saw \(describeCharacter(at: index))")
    }

    private func describeCharacter(at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the file" }
        if bytes[offset] == 0x0D, offset + 1 == bytes.count || bytes[offset + 1] != 0x0A {
            return "a carriage return without a line feed"
        }
        if bytes[offset] == 0x0A || bytes[offset] == 0x0D { return "the end of the line" }
        if let control = controlCharacterName(bytes[offset]) { return "the control character \(control)" }
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "'" + String(decoding: bytes[offset..<end], as: UTF8.self) + "'"
    }

    /// A rule a header or key broke, at `offset`, naming the line of what it conflicts with.
    private func conflict(_ error: DefinitionConflict, at offset: Int) -> ScanFailure {
        fail("\(error.message) (see line \(lineMap.position(of: error.earlier, in: bytes).line))", at: offset)
    }

    private func tooDeep(at offset: Int) -> ScanFailure {
        var failure = fail(
            "nested more than \(Self.maximumDepth) levels deep (tables, arrays and inline tables together); isconf does not read such files", at: offset)
        failure.isLimitation = true
        return failure
    }

    /// Reads spaces, a comment and the line ending; false at the end of a file without one.
    @discardableResult
    mutating func endLine() throws(ScanFailure) -> Bool {
        skipSpaces()
        if at("#") {
            let start = index
            index += 1
            while let byte = peek(), byte != 0x0A, byte != 0x0D {
                if let control = controlCharacterName(byte) { throw fail("the control character \(control) in a comment") }
                index += 1
            }
            comments.append(ByteSpan(start, index))
        }
        if at("\n") {
            index += 1
        } else if at("\r"), at("\n", 1) {
            index += 2
        } else if index < bytes.count {
            throw expected("a comment or the end of the line")
        } else {
            return false
        }
        lineStart = index
        return true
    }

    /// Spaces, line endings and comments, as arrays allow between their values.
    private mutating func skipBlankAndComments() throws(ScanFailure) {
        while true {
            skipSpaces()
            guard let byte = peek(), byte == UInt8(ascii: "#") || byte == 0x0A || byte == 0x0D else { return }
            try endLine()
        }
    }

    // MARK: Headers and keys

    /// `[a.b]` or `[[a.b]]`: records it and its section, and returns the table its keys go into.
    private mutating func header() throws(ScanFailure) -> TableBuilder {
        let start = index
        let isArrayElement = at("[", 1)
        index += isArrayElement ? 2 : 1
        skipSpaces()
        let (parts, _) = try key(in: "the table header")
        skipSpaces()
        guard at("]"), !isArrayElement || at("]", 1) else {
            if at("]") { index += 1 }
            throw expected(isArrayElement ? "]] closing the header" : "] closing the header")
        }
        index += isArrayElement ? 2 : 1
        guard parts.count <= Self.maximumDepth else { throw tooDeep(at: start) }
        let table: TableBuilder
        let path: [String]
        do {
            (table, path) = try root.openHeader(parts, isArrayElement: isArrayElement, at: start)
        } catch {
            throw conflict(error, at: start)
        }
        guard path.count <= Self.maximumDepth else { throw tooDeep(at: start) }
        tables.append(
            TOMLTableHeader(
                path: parts, span: ByteSpan(start, index),
                position: position(of: start), isArrayElement: isArrayElement))
        layout.sections.append(.init(path: path, header: tables.count - 1, bodyStart: index, bodyStartNeedsLineBreak: false))
        return table
    }

    /// A bare, quoted or dotted key: its parts and the span of the whole key.
    private mutating func key(in context: String? = nil) throws(ScanFailure) -> ([String], ByteSpan) {
        let start = index
        var parts = [try simpleKey(in: context)]
        var end = index
        while true {
            skipSpaces()
            guard at(".") else { break }
            index += 1
            skipSpaces()
            parts.append(try simpleKey(in: context))
            end = index
        }
        index = end
        return (parts, ByteSpan(start, end))
    }

    private mutating func simpleKey(in context: String?) throws(ScanFailure) -> String {
        if at("\"") {
            if at("\"", 1), at("\"", 2) { throw fail("a key cannot be a multi-line string") }
            return try basicString()
        }
        if at("'") {
            if at("'", 1), at("'", 2) { throw fail("a key cannot be a multi-line string") }
            return try literalString()
        }
        let start = index
        while let byte = peek(), isBareKeyByte(byte) { index += 1 }
        guard index > start else { throw expected(context.map { "a key in \($0)" } ?? "a key") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    // MARK: Key/values

    /// Reads `key = value` into `table` (whose absolute path is `basePath`). When keys can reach it
    /// (`section` ≥ 0; inside arrays it is -1) records it, and its entry when the value is a leaf,
    /// and returns the statement's index.
    @discardableResult
    private mutating func keyValue(in table: TableBuilder, section: Int, inlineTable: Int?, basePath: [String]) throws(ScanFailure) -> Int? {
        let (parts, keySpan) = try key()
        skipSpaces()
        guard at("=") else { throw expected("= after the key") }
        let equalsOffset = index
        index += 1
        skipSpaces()
        let keyPath = basePath + parts
        guard keyPath.count <= Self.maximumDepth else { throw tooDeep(at: keySpan.start) }
        let valueStart = index
        let isRecorded = section >= 0
        let value = try value(keyPath: keyPath, recorded: isRecorded, section: section)
        let valueSpan = ByteSpan(valueStart, index)
        do {
            try table.define(parts, as: value, section: section, at: keySpan.start, basePath: basePath)
        } catch {
            throw conflict(error, at: keySpan.start)
        }
        guard isRecorded else { return nil }

        layout.statements.append(
            .init(
                keyPath: keyPath, keySpan: keySpan, equalsOffset: equalsOffset, valueSpan: valueSpan,
                section: section, inlineTable: inlineTable, lines: keySpan, endsWithLineBreak: false))
        let statement = layout.statements.count - 1
        if let inlineTable { layout.inlineTables[inlineTable].members.append(statement) }
        if case .table(let members) = value, !members.isEmpty { return statement }
        entries.append(
            TOMLEntry(
                keyPath: keyPath, value: value, keySpan: keySpan, valueSpan: valueSpan,
                position: position(of: keySpan.start)))
        layout.entryStatements.append(statement)
        return statement
    }

    /// A value at `keyPath`, whose length is its depth (arrays add `[n]`). `recorded`: keys can reach
    /// it (it is not inside an array), so the members of an inline table there are recorded too.
    private mutating func value(keyPath: [String], recorded: Bool, section: Int) throws(ScanFailure) -> TOMLValue {
        guard let byte = peek() else { throw expected("a value") }
        switch byte {
        case UInt8(ascii: "\""):
            return .string(at("\"", 1) && at("\"", 2) ? try multiLineString(basic: true) : try basicString())
        case UInt8(ascii: "'"):
            return .string(at("'", 1) && at("'", 2) ? try multiLineString(basic: false) : try literalString())
        case UInt8(ascii: "["):
            return try array(keyPath: keyPath)
        case UInt8(ascii: "{"):
            return try inlineTable(keyPath: keyPath, recorded: recorded, section: section)
        default:
            return try scalar()
        }
    }

    private mutating func array(keyPath: [String]) throws(ScanFailure) -> TOMLValue {
        guard keyPath.count < Self.maximumDepth else { throw tooDeep(at: index) }
        index += 1
        var items: [TOMLValue] = []
        while true {
            try skipBlankAndComments()
            if at("]") { break }
            // Only arrays and inline tables need the item's path (for its depth and messages).
            let itemPath = at("[") || at("{") ? keyPath + ["[\(items.count)]"] : keyPath
            items.append(try value(keyPath: itemPath, recorded: false, section: -1))
            try skipBlankAndComments()
            if at(",") {
                index += 1
            } else if at("]") {
                break
            } else {
                throw expected(", or ] in the array")
            }
        }
        index += 1
        return .array(items)
    }

    /// `{ … }` on one line, without a trailing comma; closed once written.
    private mutating func inlineTable(keyPath: [String], recorded: Bool, section: Int) throws(ScanFailure) -> TOMLValue {
        let open = index
        index += 1
        let table = TableBuilder(definition: .header, definedAt: open)
        var inline: Int?
        if recorded {
            layout.inlineTables.append(.init(path: keyPath, span: ByteSpan(open, open)))
            inline = layout.inlineTables.count - 1
        }
        skipSpaces()
        if !at("}") {
            while true {
                skipSpaces()
                try keyValue(in: table, section: recorded ? section : -1, inlineTable: inline, basePath: keyPath)
                skipSpaces()
                if at(",") {
                    index += 1
                } else if at("}") {
                    break
                } else {
                    throw expected(", or } in the inline table")
                }
            }
        }
        index += 1
        if let inline { layout.inlineTables[inline].span = ByteSpan(open, index) }
        return table.value
    }
}

func isBareKeyByte(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
}

/// `U+0001`-style name of a control character TOML allows in no string or comment (all but tab).
func controlCharacterName(_ byte: UInt8) -> String? {
    guard (byte < 0x20 && byte != 0x09) || byte == 0x7F else { return nil }
    let hex = String(byte, radix: 16, uppercase: true)
    return "U+00" + (hex.count < 2 ? "0" : "") + hex
}
