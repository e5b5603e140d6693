import Testing

@testable import ISConfTOML

@Suite struct TOMLValueTests {
    @Test func writesValuesAsTOML() {
        #expect(TOMLValue.string("a\"b\\c\n").description == #""a\"b\\c\n""#)
        #expect(TOMLValue.boolean(true).description == "true")
        #expect(TOMLValue.float(5).description == "5.0")
        #expect(TOMLValue.array([.integer(1), .string("x")]).description == #"[1, "x"]"#)
        #expect(TOMLValue.table(["b": .integer(2), "a": .boolean(false)]).description == "{ a = false, b = 2 }")
    }

    @Test func quotesKeysOnlyWhenNeeded() {
        #expect(TOMLValue.key("white_list") == "white_list")
        #expect(TOMLValue.key("a.b") == #""a.b""#)
        #expect(TOMLValue.key("") == #""""#)
    }
}
