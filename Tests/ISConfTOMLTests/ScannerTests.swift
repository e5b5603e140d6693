import Foundation
import ISConfCore
import Testing

@testable import ISConfTOML

/// Every lexical form of TOML 1.0: the entries found, their spans (checked by slicing the bytes),
/// positions, and the values (checked against Python's tomllib too).
@Suite struct ScannerTests {
    /// One key/value and what the scanner must report for it.
    struct Shape: Sendable, CustomTestStringConvertible {
        let toml: String
        let keyPath: [String]
        let key: String
        let value: String
        let expected: TOMLValue
        var testDescription: String { toml }
    }

    static let shapes: [Shape] = [
        Shape(toml: "bare_key-1 = 1", keyPath: ["bare_key-1"], key: "bare_key-1", value: "1", expected: .integer(1)),
        Shape(toml: "1234 = true", keyPath: ["1234"], key: "1234", value: "true", expected: .boolean(true)),
        Shape(
            toml: #""quoted \"key\" é" = "v""#, keyPath: ["quoted \"key\" é"], key: #""quoted \"key\" é""#, value: #""v""#,
            expected: .string("v")),
        Shape(toml: "'literal key' = 'v'", keyPath: ["literal key"], key: "'literal key'", value: "'v'", expected: .string("v")),
        Shape(
            toml: "a . b.\"c.d\"\t.'e' = false # note", keyPath: ["a", "b", "c.d", "e"], key: "a . b.\"c.d\"\t.'e'",
            value: "false", expected: .boolean(false)),
        Shape(toml: "3.14 = 'pi'", keyPath: ["3", "14"], key: "3.14", value: "'pi'", expected: .string("pi")),
        Shape(
            toml: #"s = "tab\tq\"\\ \u00E9 \U0001F600 \b\f\r\n""#, keyPath: ["s"], key: "s",
            value: #""tab\tq\"\\ \u00E9 \U0001F600 \b\f\r\n""#, expected: .string("tab\tq\"\\ é 😀 \u{08}\u{0C}\r\n")),
        Shape(toml: #"nul = "x\u0000y""#, keyPath: ["nul"], key: "nul", value: #""x\u0000y""#, expected: .string("x\u{0}y")),
        Shape(
            toml: #"path = 'C:\Users\n'"#, keyPath: ["path"], key: "path", value: #"'C:\Users\n'"#,
            expected: .string(#"C:\Users\n"#)),
        Shape(
            toml: "ml = \"\"\"\nfirst \\\n    second\\t\n\"\"\"", keyPath: ["ml"], key: "ml",
            value: "\"\"\"\nfirst \\\n    second\\t\n\"\"\"", expected: .string("first second\t\n")),
        Shape(
            toml: "ml = \"\"\"two \"\"quotes\"\"\"\"\"", keyPath: ["ml"], key: "ml", value: "\"\"\"two \"\"quotes\"\"\"\"\"",
            expected: .string("two \"\"quotes\"\"")),
        Shape(
            toml: "raw = '''\nline \\n one\n  it's'''''", keyPath: ["raw"], key: "raw", value: "'''\nline \\n one\n  it's'''''",
            expected: .string("line \\n one\n  it's''")),
        Shape(toml: "i = +99", keyPath: ["i"], key: "i", value: "+99", expected: .integer(99)),
        Shape(toml: "i = -17", keyPath: ["i"], key: "i", value: "-17", expected: .integer(-17)),
        Shape(toml: "i = 1_000_000", keyPath: ["i"], key: "i", value: "1_000_000", expected: .integer(1_000_000)),
        Shape(toml: "i = -9223372036854775808", keyPath: ["i"], key: "i", value: "-9223372036854775808", expected: .integer(.min)),
        Shape(toml: "i = 0xDEAD_beef", keyPath: ["i"], key: "i", value: "0xDEAD_beef", expected: .integer(0xDEAD_BEEF)),
        Shape(toml: "i = 0o755", keyPath: ["i"], key: "i", value: "0o755", expected: .integer(0o755)),
        Shape(toml: "i = 0b1101_0110", keyPath: ["i"], key: "i", value: "0b1101_0110", expected: .integer(0b1101_0110)),
        Shape(toml: "f = 6.626e-34", keyPath: ["f"], key: "f", value: "6.626e-34", expected: .float(6.626e-34)),
        Shape(toml: "f = -0.01", keyPath: ["f"], key: "f", value: "-0.01", expected: .float(-0.01)),
        Shape(toml: "f = 5E+22", keyPath: ["f"], key: "f", value: "5E+22", expected: .float(5e22)),
        Shape(toml: "f = 1_000.000_1", keyPath: ["f"], key: "f", value: "1_000.000_1", expected: .float(1000.0001)),
        Shape(toml: "f = 1e06", keyPath: ["f"], key: "f", value: "1e06", expected: .float(1e6)),
        Shape(toml: "f = -inf", keyPath: ["f"], key: "f", value: "-inf", expected: .float(-.infinity)),
        Shape(toml: "f = +nan", keyPath: ["f"], key: "f", value: "+nan", expected: .float(.nan)),
        Shape(
            toml: "d = 1979-05-27T07:32:00Z", keyPath: ["d"], key: "d", value: "1979-05-27T07:32:00Z",
            expected: .dateTime("1979-05-27T07:32:00Z")),
        Shape(
            toml: "d = 1979-05-27 00:32:00.999999-07:00", keyPath: ["d"], key: "d", value: "1979-05-27 00:32:00.999999-07:00",
            expected: .dateTime("1979-05-27T00:32:00.999999-07:00")),
        Shape(
            toml: "d = 1979-05-27t07:32:00.500+00:00", keyPath: ["d"], key: "d", value: "1979-05-27t07:32:00.500+00:00",
            expected: .dateTime("1979-05-27T07:32:00.5Z")),
        Shape(
            toml: "d = 1979-05-27T07:32:00", keyPath: ["d"], key: "d", value: "1979-05-27T07:32:00",
            expected: .dateTime("1979-05-27T07:32:00")),
        Shape(toml: "d = 2024-02-29", keyPath: ["d"], key: "d", value: "2024-02-29", expected: .dateTime("2024-02-29")),
        Shape(toml: "t = 07:32:00.25", keyPath: ["t"], key: "t", value: "07:32:00.25", expected: .dateTime("07:32:00.25")),
        Shape(
            toml: "a = [ # open\n  1, # one\n  [2, [\"x\"]],\n\n  3,\n] # after", keyPath: ["a"], key: "a",
            value: "[ # open\n  1, # one\n  [2, [\"x\"]],\n\n  3,\n]",
            expected: .array([.integer(1), .array([.integer(2), .array([.string("x")])]), .integer(3)])),
        Shape(toml: "a = []", keyPath: ["a"], key: "a", value: "[]", expected: .array([])),
        Shape(
            toml: "a = [{ x = 1 }, { y.z = 'w' }]", keyPath: ["a"], key: "a", value: "[{ x = 1 }, { y.z = 'w' }]",
            expected: .array([.table(["x": .integer(1)]), .table(["y": .table(["z": .string("w")])])])),
        Shape(toml: "e = {}", keyPath: ["e"], key: "e", value: "{}", expected: .table([:])),
        Shape(toml: "[t]\nk = 1", keyPath: ["t", "k"], key: "k", value: "1", expected: .integer(1)),
        Shape(
            toml: "[ \"q.uoted\" . 'lit' .bare ]\nk = 1", keyPath: ["q.uoted", "lit", "bare", "k"], key: "k", value: "1",
            expected: .integer(1)),
    ]

    @Test(arguments: shapes)
    func readsShape(_ shape: Shape) throws {
        let parsed = try document(shape.toml)
        let entry = try #require(parsed.entry(shape.keyPath), "no entry at \(shape.keyPath); have \(parsed.entries.map(\.keyPath))")
        #expect(text(entry.keySpan, in: parsed) == shape.key)
        #expect(text(entry.valueSpan, in: parsed) == shape.value)
        #expect(entry.value == shape.expected)
        #expect(parsed.root.description.isEmpty == false)
    }

    @Test(arguments: shapes.filter { !$0.toml.contains("nan") })
    func tomllibAgrees(_ shape: Shape) throws {
        try #require(PythonTOML.available, PythonTOML.skipReason)
        let parsed = try document(shape.toml)
        #expect(try PythonTOML.load(parsed.source.bytes) == parsed.root)
    }

    static let everything = """
        # A file with every shape at once.
        title = "TOML" # trailing comment
        dotted.in_root = 1

        [owner]
        name = "Tom"
        dob = 1979-05-27T07:32:00-08:00
        point = { x = 1, y = { z = [1, 2], w = "q" }, "k.q" = 'x' }

        [database]
        ports = [ 8000, 8001,
          8002, ]
        temp_targets = { cpu = 79.5, case = 72.0 }
        data = [ ["delta", "phi"], [3.14] ]

        [servers.alpha]
        ip = "10.0.0.1"

        [[products]]
        name = "Hammer"
        sku = 738594937

        [[products]]

        [[products]]
        name = "Nail"
        [products.details]
        color = "gray"
        """

    @Test func readsEntriesInFileOrder() throws {
        let parsed = try document(Self.everything)
        #expect(
            parsed.entries.map(\.keyPath) == [
                ["title"], ["dotted", "in_root"], ["owner", "name"], ["owner", "dob"],
                ["owner", "point", "x"], ["owner", "point", "y", "z"], ["owner", "point", "y", "w"], ["owner", "point", "k.q"],
                ["database", "ports"], ["database", "temp_targets", "cpu"], ["database", "temp_targets", "case"], ["database", "data"],
                ["servers", "alpha", "ip"],
                ["products", "[0]", "name"], ["products", "[0]", "sku"], ["products", "[2]", "name"],
                ["products", "[2]", "details", "color"],
            ])
        #expect(
            parsed.tables.map(\.path) == [
                ["owner"], ["database"], ["servers", "alpha"], ["products"], ["products"],
                ["products"], ["products", "details"],
            ])
        #expect(parsed.tables.map(\.isArrayElement) == [false, false, false, true, true, true, false])
        #expect(parsed.tables.map { text($0.span, in: parsed) }.last == "[products.details]")
        #expect(parsed.tables[3].position == SourcePosition(line: 19, column: 1))
        for entry in parsed.entries {
            #expect(parsed.root.value(entry.keyPath) == entry.value, "\(entry.keyPath)")
        }
        #expect(parsed.entry(["owner", "point", "y", "w"])?.position == SourcePosition(line: 8, column: 36))
        #expect(text(parsed.entry(["owner", "point", "k.q"])!.keySpan, in: parsed) == "\"k.q\"")
    }

    @Test func everythingMatchesTomllib() throws {
        try #require(PythonTOML.available, PythonTOML.skipReason)
        let parsed = try document(Self.everything)
        #expect(try PythonTOML.load(parsed.source.bytes) == parsed.root)
    }

    @Test func positionsCountCharactersNotBytes() throws {
        let parsed = try document("[\"é\"]\nt = { \"é\" = 1, k = 2 }\n")
        #expect(parsed.entry(["é", "t", "k"])?.position == SourcePosition(line: 2, column: 16))
        #expect(parsed.position(of: 9) == SourcePosition(line: 2, column: 3))
    }

    /// Positions are counted on along a line; they must still be LineMap's.
    @Test func positionsOnOneLongLineAndAcrossLines() throws {
        let members = (0..<300).map { "\"k\($0)é\" = \($0)" }.joined(separator: ", ")
        let parsed = try document("[t]\nx = 1\nmany = { " + members + " }\ny = 'é'\n[[u]]\n z = { a = 1 }\r\n" + Self.everything)
        #expect(parsed.entries.count > 300)
        for entry in parsed.entries {
            #expect(entry.position == parsed.position(of: entry.keySpan.start), "\(entry.keyPath)")
        }
        for header in parsed.tables {
            #expect(header.position == parsed.position(of: header.span.start), "\(header.path)")
        }
    }

    @Test func readsCRLF() throws {
        let parsed = try document("a = 1\r\n\r\n[t]\r\nb = \"\"\"\r\nx\r\ny\"\"\"\r\nc = [\r\n  1,\r\n]\r\n")
        #expect(parsed.entry(["t", "b"])?.value == .string("x\ny"))
        #expect(parsed.entry(["t", "c"])?.position == SourcePosition(line: 7, column: 1))
        #expect(text(parsed.entry(["t", "c"])!.valueSpan, in: parsed) == "[\r\n  1,\r\n]")
        #expect(parsed.tables[0].position == SourcePosition(line: 3, column: 1))
    }

    @Test func readsBOM() throws {
        let parsed = try TOMLDocument.parse(SourceFile(path: "bom.toml", bytes: [0xEF, 0xBB, 0xBF] + Array("a = 'x'\nb = 2".utf8)))
        let first = try #require(parsed.entry(["a"]))
        #expect(first.keySpan == ByteSpan(3, 4))
        #expect(first.position == SourcePosition(line: 1, column: 1))
        #expect(parsed.entry(["b"])?.position == SourcePosition(line: 2, column: 1))
    }

    @Test func readsEmptyAndCommentOnlyFiles() throws {
        #expect(try document("").root == .table([:]))
        #expect(try document("# nothing\n\n   \n").entries.isEmpty)
    }

    @Test func treeDifferencesAreFound() {
        let tree: TOMLValue = .table(["a": .table(["b": .integer(1), "c": .array([.string("x")])])])
        #expect(tree.firstDifference(from: tree) == nil)
        #expect(tree.firstDifference(from: .table(["a": .table(["b": .integer(2), "c": .array([.string("x")])])])) == ["a", "b"])
        #expect(tree.firstDifference(from: .table(["a": .table(["b": .integer(1), "c": .array([.string("y")])])])) == ["a", "c", "[0]"])
        #expect(tree.firstDifference(from: .table(["a": .table(["b": .integer(1)])])) == ["a", "c"])
        #expect(TOMLValue.float(.nan) == .float(.nan))
        #expect(TOMLValue.string("\u{E9}") != .string("e\u{301}"))
    }
}

@Suite struct ParseErrorTests {
    func expectError(
        _ bytes: [UInt8], line: Int?, column: Int? = nil, _ fragments: String...,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let error = parseError(bytes) else {
            Issue.record("accepted; expected an error mentioning \(fragments)", sourceLocation: sourceLocation)
            return
        }
        #expect(!error.description.contains("\n"), "not one line: \(error.description)", sourceLocation: sourceLocation)
        #expect(
            error.description.hasPrefix("bad.toml:" + (line.map { "\($0):" } ?? " ")), "\(error.description)",
            sourceLocation: sourceLocation)
        if let column { #expect(error.position?.column == column, "\(error.description)", sourceLocation: sourceLocation) }
        for fragment in fragments {
            #expect(error.message.contains(fragment), "\(error.message) lacks \(fragment)", sourceLocation: sourceLocation)
        }
    }

    @Test func unterminatedString() {
        expectError(Array("a = 1\nb = \"abc\nc = 2\n".utf8), line: 2, column: 5, "invalid TOML", "not closed on its line")
    }

    @Test func unterminatedMultiLineString() {
        expectError(Array("a = '''abc\n\nc = 2\n".utf8), line: 1, column: 5, "invalid TOML", "never closed")
    }

    @Test func duplicateKey() {
        expectError(Array("a = 1\n[t]\nx = 1\nx = 2\n".utf8), line: 4, column: 1, "invalid TOML", "the key t.x is defined twice (see line 3)")
    }

    @Test func redefinedTable() {
        expectError(Array("[t]\nx = 1\n\n[t]\n".utf8), line: 4, column: 1, "invalid TOML", "the table [t] is defined twice (see line 1)")
    }

    @Test func headersWithoutAKey() {
        expectError(Array("a = 1\n[é]\n".utf8), line: 2, column: 2, "invalid TOML", "expected a key in the table header, saw 'é'")
        expectError(Array("[[ =]]\n".utf8), line: 1, column: 4, "saw '='")
        expectError(Array("[ #]\n".utf8), line: 1, column: 3, "saw '#'")
        expectError(Array("x = 1\n  [\r\n".utf8), line: 2, column: 4, "saw the end of the line")
        expectError(Array("[.a]".utf8), line: 1, column: 2, "saw '.'")
        expectError(Array("[".utf8), line: 1, column: 2, "saw the end of the file")
    }

    /// A space stands for the T of a date-time only before a time.
    @Test func dateFollowedBySpaceAndDigit() {
        expectError(Array("d = 1979-05-27 0 07:32:00Z\n".utf8), line: 1, column: 16, "invalid TOML", "saw '0'")
    }

    /// The document is read in one pass: the first error in the file is the one reported.
    @Test func anEarlierRuleBreakWinsOverALaterSyntaxError() {
        expectError(Array("a = 1\na = 2\nb = \"open\n".utf8), line: 2, column: 1, "invalid TOML", "defined twice")
        expectError(Array("a = 1\nb = \"open\na = 2\n".utf8), line: 2, column: 5, "not closed")
    }

    @Test func invalidEscapes() {
        expectError(Array("a = \"x\\q\"\n".utf8), line: 1, column: 7, "invalid escape \\q (TOML has")
        expectError(Array("a = \"x\\\n".utf8), line: 1, column: 7, "invalid escape (TOML has")
        expectError(Array("a = \"\"\"x\\ y\"\"\"\n".utf8), line: 1, column: 9, "invalid escape (TOML has")
        expectError(Array("a = 'ok'\nb = \"\\uD800\"\n".utf8), line: 2, column: 6, "invalid \\u escape")
    }

    @Test func unquotedStringsAreNotEchoed() {
        // The value could be a password: the message names the problem, not the text.
        let error = parseError(Array("[super_admin]\npassword = s3cr3tpass\n".utf8))
        #expect(error?.message.contains("s3cr3t") == false)
        #expect(error?.kind == .malformed)
        #expect(error?.message.contains("strings need quotes") == true)
        #expect(error?.position == SourcePosition(line: 2, column: 12))
    }

    @Test func errorColumnsCountCharacters() {
        expectError(Array("a = \"ééé\" x\n".utf8), line: 1, column: 11, "invalid TOML")
    }

    @Test func invalidUTF8() {
        expectError(Array("a = 1\nb = \"x".utf8) + [0xC3, 0x28] + Array("\"\n".utf8), line: 2, column: 7, "invalid UTF-8", "0xC3")
        expectError(Array("a = '".utf8) + [0xED, 0xA0, 0x80] + Array("'\n".utf8), line: 1, column: 6, "invalid UTF-8")
    }

    @Test func nulBytes() {
        // TOML allows a NUL nowhere as a raw byte (in a string it is written \u0000).
        expectError(Array("a = 1\n".utf8) + [0] + Array("b = 2\n".utf8), line: 2, column: 1, "NUL")
    }

    @Test func utf16() {
        expectError([0xFF, 0xFE] + Array("a".utf8), line: 1, column: 1, "UTF-16")
    }

    @Test func otherInvalidDocuments() {
        for bad in [
            "a = \n", "[a\n", "a = 1 b = 2\n", "a = { b = 1, }\n", "a = {\n b = 1 }\n", "a = 1979-05-32\n",
            "a = 1_\n", "a = 0x\n", "a = 01\n", "a = 1.\n", "a = \"\\x\"\n", "a = 9223372036854775808\n",
            "[[t]]\n[t]\n", "a = 1\na.b = 2\n", "a = { b = 1 }\n[a.c]\n", "x = 'a\rb'\n",
        ] {
            let error = parseError(Array(bad.utf8))
            #expect(error?.kind == .malformed, "\(bad.debugDescription): \(String(describing: error))")
            #expect(error?.position != nil, "\(bad.debugDescription)")
        }
    }
}

extension TOMLValue {
    /// The value at a key path, for tests (`[n]` indexes arrays).
    func value(_ path: [String]) -> TOMLValue? {
        var node = self
        for part in path {
            switch node {
            case .table(let members):
                guard let next = members[part] else { return nil }
                node = next
            case .array(let items):
                guard let position = Int(part.dropFirst().dropLast()), items.indices.contains(position) else { return nil }
                node = items[position]
            default:
                return nil
            }
        }
        return node
    }
}
