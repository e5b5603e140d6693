import ISConfCore
import ISConfTOML
import Testing

/// TOML 1.0's rules on what a document may define, beyond how it is written: each key and table
/// once, `[header]` versus dotted keys, closed inline tables and arrays, integers that fit, real dates.
/// Each broken rule is one line at the offending key, header or value.
@Suite struct DefinitionRulesTests {
    struct Broken: Sendable, CustomTestStringConvertible {
        let toml: String
        let line: Int
        let column: Int
        let message: String
        var testDescription: String { toml }
    }

    static let broken: [Broken] = [
        Broken(toml: "a = 1\na = 2", line: 2, column: 1, message: "the key a is defined twice (see line 1)"),
        Broken(toml: "a = 1\n'a' = 2", line: 2, column: 1, message: "the key a is defined twice"),
        Broken(toml: "[t]\nx.y = 1\nx.y = 2", line: 3, column: 1, message: "the key t.x.y is defined twice (see line 2)"),
        Broken(toml: "[a]\n[a]", line: 2, column: 1, message: "the table [a] is defined twice (see line 1)"),
        Broken(toml: "[a.b]\n[a]\n[a]", line: 3, column: 1, message: "the table [a] is defined twice (see line 2)"),
        Broken(toml: "[a]\nb.c = 1\n[a.b]", line: 3, column: 1, message: "the table [a.b] is already defined by dotted keys (see line 2)"),
        Broken(toml: "a.b = 1\n[a]", line: 2, column: 1, message: "the table [a] is already defined by dotted keys (see line 1)"),
        Broken(
            toml: "[a.b.c]\nz = 1\n[a]\nb.c.t = 2", line: 4, column: 1,
            message: "a.b.c is a table defined by its own header; dotted keys cannot add to it (see line 1)"),
        Broken(toml: "a = { b = 1 }\na.c = 2", line: 2, column: 1, message: "a is already an inline table, which cannot be extended (see line 1)"),
        Broken(toml: "a = { b = 1 }\n[a]", line: 2, column: 1, message: "[a] cannot define a: it is already an inline table written as a value"),
        Broken(toml: "a = { b = 1 }\n[a.c]", line: 2, column: 1, message: "a is an inline table written as a value, which a header cannot add to"),
        Broken(toml: "a = { b = { c = 1 }, b.d = 2 }", line: 1, column: 22, message: "a.b is already an inline table, which cannot be extended"),
        Broken(toml: "a = []\n[[a]]", line: 2, column: 1, message: "[[a]] cannot define a: it is already an array written as a value (see line 1)"),
        Broken(toml: "[a]\n[[a]]", line: 2, column: 1, message: "[[a]] adds to an array of tables, but a is a table (see line 1)"),
        Broken(toml: "[[a]]\n[a]", line: 2, column: 1, message: "the table [a] is already an array of tables, defined by [[a]] (see line 1)"),
        Broken(
            toml: "[[a]]\n[x]\na = 1\n[[a]]\nb.c = 1\nb = 2", line: 6, column: 1,
            message: "the key a[1].b is defined twice: it is already a table (see line 5)"),
        Broken(toml: "[[a.b]]\n[[a]]", line: 2, column: 1, message: "[[a]] adds to an array of tables, but a is a table"),
        Broken(toml: "a = 1\n[a.b]", line: 2, column: 1, message: "a is an integer written as a value, which a header cannot add to"),
        Broken(toml: "a = 'x'\na.b = 1", line: 2, column: 1, message: "a is already a string, not a table"),
        Broken(toml: "i = 9223372036854775808", line: 1, column: 5, message: "the integer is out of range"),
        Broken(toml: "i = -9223372036854775809", line: 1, column: 5, message: "the integer is out of range"),
        Broken(toml: "i = 0x1_0000_0000_0000_0000", line: 1, column: 5, message: "the integer is out of range"),
        Broken(toml: "i = 007", line: 1, column: 5, message: "a leading zero is not allowed"),
        Broken(toml: "f = 03.14", line: 1, column: 5, message: "a leading zero is not allowed"),
        Broken(toml: "d = 2023-02-29", line: 1, column: 5, message: "invalid date or time"),
        Broken(toml: "d = 1900-02-29", line: 1, column: 5, message: "invalid date or time"),
        Broken(toml: "d = 2021-04-31T00:00:00Z", line: 1, column: 5, message: "invalid date or time"),
        Broken(toml: "t = 24:00:00", line: 1, column: 5, message: "invalid date or time"),
        Broken(toml: "t = 23:60:00", line: 1, column: 5, message: "invalid date or time"),
        Broken(toml: "d = 1979-05-27T07:32:00+24:00", line: 1, column: 5, message: "invalid date or time"),
        Broken(toml: "x = 1 # bell \u{07}", line: 1, column: 14, message: "the control character U+0007 in a comment"),
        Broken(toml: "x = \"\"\"a\u{7F}\"\"\"", line: 1, column: 9, message: "the control character U+007F in a string"),
    ]

    @Test(arguments: broken)
    func eachBrokenRuleIsOneLineAtItsPlace(_ broken: Broken) throws {
        let error = try #require(parseError(Array(broken.toml.utf8)), "accepted")
        #expect(error.position == SourcePosition(line: broken.line, column: broken.column), "\(error.description)")
        #expect(error.kind == .malformed, "\(error.message)")
        #expect(error.message.contains(broken.message), "\(error.message)")
        #expect(!error.description.contains("\n"))
    }

    /// Where the rules stop: headers may add sub-tables under a table dotted keys defined, and dotted
    /// keys under another header define other tables, whatever their names.
    @Test func limitsOfTheRules() throws {
        let parsed = try document("[a]\nb.c = 1\n[x]\n[a.d]\n[a.b.e]\n[[l]]\nx = 1\n[t]\nl.y = 2\n")
        #expect(parsed.root.value(["a", "b", "e"]) == .table([:]))
        #expect(parsed.root.value(["t", "l", "y"]) == .integer(2))
    }

    @Test func superTablesAndSubTablesInEitherOrder() throws {
        let parsed = try document("[a.b.c]\nx = 1\n[a]\ny = 2\n[a.b]\nz = 3\n[fruit]\napple.color = 'red'\n[fruit.apple.texture]\nsmooth = true\n")
        #expect(
            parsed.root
                == .table([
                    "a": .table(["y": .integer(2), "b": .table(["z": .integer(3), "c": .table(["x": .integer(1)])])]),
                    "fruit": .table(["apple": .table(["color": .string("red"), "texture": .table(["smooth": .boolean(true)])])]),
                ]))
    }

    @Test func arraysOfTablesGrowAndNestUnderTheirLastElement() throws {
        let parsed = try document("[[a]]\nx = 1\n[a.sub]\ny = 2\n[[a]]\n[[a.list]]\nz = 3\n[a.sub]\nw = 4\n")
        #expect(
            parsed.root
                == .table([
                    "a": .array([
                        .table(["x": .integer(1), "sub": .table(["y": .integer(2)])]),
                        .table(["list": .array([.table(["z": .integer(3)])]), "sub": .table(["w": .integer(4)])]),
                    ])
                ]))
        #expect(parsed.entry(["a", "[1]", "sub", "w"])?.position == SourcePosition(line: 9, column: 1))
    }

    @Test func valuesAtTheEdges() throws {
        let parsed = try document(
            """
            max = 9223372036854775807
            min = -9223372036854775808
            hex = 0x7FFF_FFFF_FFFF_FFFF
            leap = 2000-02-29
            leap-second = 1990-12-31T23:59:60Z
            zero = -0.0
            nul = "\\u0000"
            """)
        #expect(parsed.entry(["max"])?.value == .integer(.max))
        #expect(parsed.entry(["min"])?.value == .integer(.min))
        #expect(parsed.entry(["hex"])?.value == .integer(.max))
        #expect(parsed.entry(["leap"])?.value == .dateTime("2000-02-29"))
        #expect(parsed.entry(["leap-second"])?.value == .dateTime("1990-12-31T23:59:60Z"))
        guard case .float(let zero) = parsed.entry(["zero"])?.value else {
            Issue.record("not a float")
            return
        }
        #expect(zero == 0 && zero.sign == .minus)
        #expect(parsed.entry(["nul"])?.value == .string("\u{0}"))
    }
}
