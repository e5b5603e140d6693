import ISConfCore

/// Why the scanner stopped, and where it noticed.
struct ScanFailure: Error {
    var message: String
    var offset: Int
    /// The bytes before the key/value, header or line that failed: all of it TOML as far as the
    /// scanner can tell.
    var acceptedPrefix: Int
    /// Valid TOML isconf cannot represent, rather than invalid TOML.
    var isLimitation = false
}

/// isconf's own byte-level TOML 1.0 reader. TOMLKit says what a document means but not where
/// anything is; this finds the byte spans of every key and value, and builds the same value tree,
/// which `TOMLDocument.parse` compares with TOMLKit's to prove the spans right.
///
/// It checks what TOML looks like (the lexical rules), not what it means: a key defined twice or a
/// table redefined are TOMLKit's to report, so the scanner only has to get through them.
struct TOMLScanner {
    private let bytes: [UInt8]
    private let lineMap: LineMap
    private var index = 0
    /// The first byte of the line being read.
    private var lineStart = 0
    /// The first byte of the line the current key/value, header or blank line starts on.
    private var constructStart = 0
    private let root = TableBuilder()
    /// The last position handed out, to count on from it.
    private var lastPosition: (offset: Int, position: SourcePosition)?

    private(set) var entries: [TOMLEntry] = []
    private(set) var tables: [TOMLTableHeader] = []
    private(set) var layout = TOMLLayout()

    init(bytes: [UInt8], lineMap: LineMap) {
        self.bytes = bytes
        self.lineMap = lineMap
    }

    /// The whole document as the scanner read it.
    var value: TOMLValue { root.value }

    mutating func scan() throws(ScanFailure) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        lineStart = index
        layout.sections.append(.init(path: [], header: nil, bodyStart: index, bodyStartNeedsLineBreak: false))
        var table = root
        while true {
            constructStart = lineStart
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
                let statement = try keyValue(in: table, section: layout.sections.count - 1, inlineTable: nil)
                let lineBreak = try endLine()
                layout.statements[statement].lines = ByteSpan(first, index)
                layout.statements[statement].endsWithLineBreak = lineBreak
                layout.sections[layout.sections.count - 1].statements.append(statement)
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
           !bytes[previous..<offset].contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            position = known
            position.column += bytes[previous..<offset].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        } else {
            position = lineMap.position(of: offset, in: bytes)
        }
        lastPosition = (offset, position)
        return position
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        index + ahead < bytes.count ? bytes[index + ahead] : nil
    }

    private func at(_ character: Unicode.Scalar, _ ahead: Int = 0) -> Bool {
        peek(ahead) == UInt8(ascii: character)
    }

    private mutating func skipSpaces() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 { index += 1 }
    }

    private func fail(_ message: String, at offset: Int? = nil) -> ScanFailure {
        ScanFailure(message: message, offset: offset ?? index, acceptedPrefix: constructStart)
    }

    /// "expected …, saw 'x'" at the current byte.
    private func expected(_ what: String) -> ScanFailure {
        fail("expected \(what), saw \(describeCharacter(at: index))")
    }

    private func describeCharacter(at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the file" }
        if bytes[offset] == 0x0D, offset + 1 == bytes.count || bytes[offset + 1] != 0x0A {
            return "a carriage return without a line feed"
        }
        if bytes[offset] == 0x0A || bytes[offset] == 0x0D { return "the end of the line" }
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "'" + String(decoding: bytes[offset..<end], as: UTF8.self) + "'"
    }

    /// Reads spaces, a comment and the line ending; false at the end of a file without one.
    @discardableResult
    private mutating func endLine() throws(ScanFailure) -> Bool {
        skipSpaces()
        if at("#") {
            while let byte = peek(), byte != 0x0A, byte != 0x0D { index += 1 }
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

        var table = root
        var path: [String] = []
        for (number, part) in parts.enumerated() {
            path.append(part)
            let isLast = number == parts.count - 1
            switch table.members[part] {
            case nil:
                let created = TableBuilder()
                if isLast && isArrayElement {
                    table.members[part] = .tables([created])
                    path.append("[0]")
                } else {
                    table.members[part] = .table(created)
                }
                table = created
            case .table(let existing) where !(isLast && isArrayElement):
                table = existing
            case .tables(let elements):
                if isLast && isArrayElement {
                    let created = TableBuilder()
                    table.members[part] = .tables(elements + [created])
                    path.append("[\(elements.count)]")
                    table = created
                } else {
                    path.append("[\(elements.count - 1)]")
                    table = elements[elements.count - 1]
                }
            case .table, .value:
                // Redefined: TOMLKit reports it.
                let created = TableBuilder()
                table.members[part] = .table(created)
                table = created
            }
        }
        tables.append(TOMLTableHeader(path: parts, span: ByteSpan(start, index),
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
        if at("\"") { return try basicString() }
        if at("'") { return try literalString() }
        let start = index
        while let byte = peek(), isBareKeyByte(byte) { index += 1 }
        guard index > start else { throw expected(context.map { "a key in \($0)" } ?? "a key") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    // MARK: Key/values

    /// Reads `key = value` into `table`, records it (and its entry when the value is a leaf), and
    /// returns the statement's index.
    private mutating func keyValue(in table: TableBuilder, section: Int, inlineTable: Int?) throws(ScanFailure) -> Int {
        let (parts, keySpan) = try key()
        skipSpaces()
        guard at("=") else { throw expected("= after the key") }
        let equalsOffset = index
        index += 1
        skipSpaces()
        let basePath = inlineTable.map { layout.inlineTables[$0].path } ?? layout.sections[section].path
        let keyPath = basePath + parts
        let valueStart = index
        let value = try value(keyPath: keyPath, section: section)
        let valueSpan = ByteSpan(valueStart, index)
        insert(value, at: parts, into: table)

        layout.statements.append(.init(
            keyPath: keyPath, keySpan: keySpan, equalsOffset: equalsOffset, valueSpan: valueSpan,
            section: section, inlineTable: inlineTable, lines: keySpan, endsWithLineBreak: false))
        let statement = layout.statements.count - 1
        if let inlineTable { layout.inlineTables[inlineTable].members.append(statement) }
        if case .table(let members) = value, !members.isEmpty { return statement }
        entries.append(TOMLEntry(keyPath: keyPath, value: value, keySpan: keySpan, valueSpan: valueSpan,
                                 position: position(of: keySpan.start)))
        layout.entryStatements.append(statement)
        return statement
    }

    /// Defines a (dotted) key; a conflict replaces what was there, and TOMLKit reports it.
    private func insert(_ value: TOMLValue, at parts: [String], into table: TableBuilder) {
        var table = table
        for part in parts.dropLast() {
            if case .table(let existing) = table.members[part] {
                table = existing
            } else {
                let created = TableBuilder()
                table.members[part] = .table(created)
                table = created
            }
        }
        table.members[parts[parts.count - 1]] = .value(value)
    }

    /// A value. `keyPath` is where it sits when keys can reach it (nil inside arrays), so that the
    /// members of an inline table there are recorded too.
    private mutating func value(keyPath: [String]?, section: Int) throws(ScanFailure) -> TOMLValue {
        guard let byte = peek() else { throw expected("a value") }
        switch byte {
        case UInt8(ascii: "\""):
            return .string(at("\"", 1) && at("\"", 2) ? try multiLineString(basic: true) : try basicString())
        case UInt8(ascii: "'"):
            return .string(at("'", 1) && at("'", 2) ? try multiLineString(basic: false) : try literalString())
        case UInt8(ascii: "["):
            return try array()
        case UInt8(ascii: "{"):
            return try inlineTable(keyPath: keyPath, section: section)
        default:
            return try scalar()
        }
    }

    private mutating func array() throws(ScanFailure) -> TOMLValue {
        index += 1
        var items: [TOMLValue] = []
        while true {
            try skipBlankAndComments()
            if at("]") { break }
            items.append(try value(keyPath: nil, section: 0))
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

    private mutating func inlineTable(keyPath: [String]?, section: Int) throws(ScanFailure) -> TOMLValue {
        let open = index
        index += 1
        let table = TableBuilder()
        var recorded: Int?
        if let keyPath {
            layout.inlineTables.append(.init(path: keyPath, span: ByteSpan(open, open)))
            recorded = layout.inlineTables.count - 1
        }
        skipSpaces()
        if !at("}") {
            while true {
                skipSpaces()
                if let recorded {
                    _ = try keyValue(in: table, section: section, inlineTable: recorded)
                } else {
                    try unrecordedKeyValue(into: table)
                }
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
        if let recorded { layout.inlineTables[recorded].span = ByteSpan(open, index) }
        return table.value
    }

    /// A member of an inline table inside an array: only its value matters.
    private mutating func unrecordedKeyValue(into table: TableBuilder) throws(ScanFailure) {
        let (parts, _) = try key()
        skipSpaces()
        guard at("=") else { throw expected("= after the key") }
        index += 1
        skipSpaces()
        insert(try value(keyPath: nil, section: 0), at: parts, into: table)
    }

    // MARK: Strings

    private mutating func basicString() throws(ScanFailure) -> String {
        let start = index
        index += 1
        var text: [UInt8] = []
        while true {
            guard let byte = peek(), byte != 0x0A, byte != 0x0D else { throw fail("the string that starts here is not closed on its line", at: start) }
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                try escape(into: &text)
            } else {
                try appendCharacter(byte, to: &text)
            }
        }
        index += 1
        return String(decoding: text, as: UTF8.self)
    }

    private mutating func literalString() throws(ScanFailure) -> String {
        let start = index
        index += 1
        var text: [UInt8] = []
        while true {
            guard let byte = peek(), byte != 0x0A, byte != 0x0D else { throw fail("the string that starts here is not closed on its line", at: start) }
            if byte == UInt8(ascii: "'") { break }
            try appendCharacter(byte, to: &text)
        }
        index += 1
        return String(decoding: text, as: UTF8.self)
    }

    /// `"""…"""` or `'''…'''`: a line ending right after the opening quotes is dropped, CRLF read
    /// as LF (as TOMLKit does), and in basic ones a backslash ending a line trims the whitespace
    /// and line endings after it.
    private mutating func multiLineString(basic: Bool) throws(ScanFailure) -> String {
        let start = index
        let quote = bytes[index]
        index += 3
        if at("\n") { index += 1 } else if at("\r"), at("\n", 1) { index += 2 }
        var text: [UInt8] = []
        while true {
            guard let byte = peek() else { throw fail("the multi-line string that starts here is never closed", at: start) }
            if byte == quote {
                var run = 0
                while peek(run) == quote { run += 1 }
                index += run
                if run < 3 {
                    text.append(contentsOf: repeatElement(quote, count: run))
                    continue
                }
                guard run <= 5 else { throw fail("too many quotes ending the string") }
                text.append(contentsOf: repeatElement(quote, count: run - 3))
                return String(decoding: text, as: UTF8.self)
            }
            if byte == 0x0A {
                text.append(0x0A)
                index += 1
            } else if byte == 0x0D, at("\n", 1) {
                text.append(0x0A)
                index += 2
            } else if basic, byte == UInt8(ascii: "\\") {
                var ahead = 1
                while let next = peek(ahead), next == 0x20 || next == 0x09 { ahead += 1 }
                if peek(ahead) == 0x0A || (peek(ahead) == 0x0D && peek(ahead + 1) == 0x0A) {
                    index += ahead
                    while let next = peek(), next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D { index += 1 }
                } else {
                    try escape(into: &text)
                }
            } else {
                try appendCharacter(byte, to: &text)
            }
        }
    }

    private mutating func appendCharacter(_ byte: UInt8, to text: inout [UInt8]) throws(ScanFailure) {
        if (byte < 0x20 && byte != 0x09) || byte == 0x7F {
            throw fail("control character U+00\(byte < 0x10 ? "0" : "")\(String(byte, radix: 16, uppercase: true)) in a string (write it as an escape)")
        }
        text.append(byte)
        index += 1
    }

    private mutating func escape(into text: inout [UInt8]) throws(ScanFailure) {
        let start = index
        index += 1
        guard let letter = peek() else { throw fail("the string is not closed before the end of the file") }
        index += 1
        switch letter {
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "\""): text.append(0x22)
        case UInt8(ascii: "\\"): text.append(0x5C)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let width = letter == UInt8(ascii: "u") ? 4 : 8
            guard index + width <= bytes.count,
                  let code = UInt32(String(decoding: bytes[index..<index + width], as: UTF8.self), radix: 16),
                  bytes[index..<index + width].allSatisfy(isHexDigit),
                  let scalar = Unicode.Scalar(code)
            else { throw fail("invalid \\\(Unicode.Scalar(letter)) escape: it needs \(width) hex digits of a Unicode scalar value", at: start) }
            if code == 0 {
                var failure = fail("a string holds \\u0000, which TOMLKit cuts the string at; isconf does not read such files", at: start)
                failure.isLimitation = true
                throw failure
            }
            text.append(contentsOf: String(scalar).utf8)
            index += width
        default:
            let shown = letter > 0x20 && letter < 0x7F ? " \\" + String(Unicode.Scalar(letter)) : ""
            throw fail("invalid escape\(shown) (TOML has \\b \\t \\n \\f \\r \\\" \\\\ \\u \\U)", at: start)
        }
    }

    // MARK: Numbers, booleans, dates

    private mutating func scalar() throws(ScanFailure) -> TOMLValue {
        let start = index
        while let byte = peek(), isScalarByte(byte) { index += 1 }
        // A space may stand for the T of a date-time: "1979-05-27 07:32:00".
        if index - start == 10, bytes[start + 4] == UInt8(ascii: "-"), at(" "),
           let hour = peek(1), isDigit(hour), peek(3) == UInt8(ascii: ":") {
            index += 1
            while let byte = peek(), isScalarByte(byte) { index += 1 }
        }
        let token = bytes[start..<index]
        let text = String(decoding: token, as: UTF8.self)
        switch text {
        case "": throw expected("a value")
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if token.count >= 5, token.contains(UInt8(ascii: ":")) || token[start + 4] == UInt8(ascii: "-") && token.prefix(4).allSatisfy(isDigit) {
            guard let fields = DateTimeFields(token) else { throw fail("invalid date or time (TOML writes 1979-05-27T07:32:00Z)", at: start) }
            return .dateTime(fields.text)
        }
        if let number = integer(text) { return .integer(number) }
        if let number = float(text) { return .float(number) }
        throw fail("invalid value: not a number, boolean or date (strings need quotes)", at: start)
    }

    private func integer(_ text: String) -> Int64? {
        let radix: Int? = switch text.prefix(2) {
        case "0x": 16
        case "0o": 8
        case "0b": 2
        default: nil
        }
        if let radix {
            let digits = text.dropFirst(2)
            guard let clean = withoutUnderscores(digits), clean.utf8.allSatisfy(isHexDigit) else { return nil }
            return Int64(clean, radix: radix)
        }
        var digits = Substring(text)
        if let sign = digits.first, sign == "+" || sign == "-" { digits = digits.dropFirst() }
        guard digits.first != "0" || digits.count == 1, let clean = withoutUnderscores(digits),
              clean.utf8.allSatisfy(isDigit) else { return nil }
        return Int64(text.first == "-" ? "-" + clean : clean)
    }

    private func float(_ text: String) -> Double? {
        var rest = Substring(text)
        if let sign = rest.first, sign == "+" || sign == "-" { rest = rest.dropFirst() }
        let exponentStart = rest.firstIndex { $0 == "e" || $0 == "E" }
        let mantissa = rest[..<(exponentStart ?? rest.endIndex)]
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.count == 2 || exponentStart != nil,
              let whole = withoutUnderscores(parts[0]), whole.utf8.allSatisfy(isDigit),
              whole.first != "0" || whole.count == 1 else { return nil }
        if parts.count == 2 {
            guard let fraction = withoutUnderscores(parts[1]), fraction.utf8.allSatisfy(isDigit) else { return nil }
        }
        if let exponentStart {
            var exponent = rest[rest.index(after: exponentStart)...]
            if let sign = exponent.first, sign == "+" || sign == "-" { exponent = exponent.dropFirst() }
            guard let digits = withoutUnderscores(exponent), digits.utf8.allSatisfy(isDigit) else { return nil }
        }
        return Double(text.filter { $0 != "_" })
    }

    /// The digits with TOML's single underscores between them taken out; nil when empty or an
    /// underscore is not between two digits.
    private func withoutUnderscores(_ digits: Substring) -> String? {
        guard let first = digits.first, let last = digits.last, first != "_", last != "_",
              !digits.contains("__") else { return nil }
        return digits.filter { $0 != "_" }
    }
}

/// The value tree as the scanner builds it: tables stay mutable until the document is read.
final class TableBuilder {
    enum Member {
        case table(TableBuilder)
        /// `[[name]]` elements.
        case tables([TableBuilder])
        case value(TOMLValue)
    }

    var members: [String: Member] = [:]

    var value: TOMLValue {
        .table(members.mapValues { member in
            switch member {
            case .table(let table): table.value
            case .tables(let tables): .array(tables.map(\.value))
            case .value(let value): value
            }
        })
    }
}

private func isBareKeyByte(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
}

/// The bytes numbers, booleans and dates are written with.
private func isScalarByte(_ byte: UInt8) -> Bool {
    isBareKeyByte(byte) || byte == 0x2B || byte == 0x2E || byte == 0x3A
}

private func isHexDigit(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
}
