import ISConfCore
import Testing

@testable import ISConfTOML

#if canImport(Glibc)
    import Glibc
#endif

/// Big and deep documents: reading stays linear in the input, and nesting beyond the cap is one
/// clear error rather than a stack overflow.
@Suite struct ScaleTests {
    /// The least CPU time of three parses, in seconds: this thread's own, so that other work on a
    /// loaded machine does not count.
    func fastestParse(_ text: String) throws -> Double {
        let source = SourceFile(path: "big.toml", bytes: Array(text.utf8))
        var fastest = Double.infinity
        for _ in 0..<3 {
            let start = threadCPUSeconds()
            _ = try TOMLDocument.parse(source)
            fastest = min(fastest, threadCPUSeconds() - start)
        }
        return fastest
    }

    func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Four times the input must take well under sixteen times as long (what quadratic work would).
    func expectLinear(_ make: (Int) -> String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let small = try fastestParse(make(4_000))
        let large = try fastestParse(make(16_000))
        #expect(large < small * 9, "4,000: \(small) s, 16,000: \(large) s", sourceLocation: sourceLocation)
    }

    @Test func oneInlineTableOfManyKeysOnOneLine() throws {
        let make = { (count: Int) in "t = { " + (0..<count).map { "k\($0) = \($0)" }.joined(separator: ", ") + " }\n" }
        let parsed = try document(make(5_000))
        #expect(parsed.entries.count == 5_000)
        #expect(
            parsed.entry(["t", "k4999"])?.position
                == SourcePosition(line: 1, column: 7 + (0..<4_999).reduce(0) { sum, number in sum + "k\(number) = \(number), ".count }))
        try expectLinear(make)
    }

    @Test func manyKeysTablesAndArrayElements() throws {
        let make = { (count: Int) in
            (0..<count).map { "[[servers]]\nname = \"s\($0)\"\n[servers.tls]\nport.https = \($0)\n" }.joined()
        }
        let parsed = try document(make(5_000))
        #expect(parsed.entries.count == 10_000)
        #expect(parsed.entry(["servers", "[4999]", "tls", "port", "https"])?.value == .integer(4_999))
        try expectLinear(make)
        let keys = (0..<100_000).map { "key\($0) = \($0)\n" }.joined()
        #expect(try document(keys).entries.count == 100_000)
    }

    @Test func nestingIsCappedWithOneClearError() throws {
        let depth = TOMLScanner.maximumDepth
        #expect(try document("a = " + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1)).entries.count == 1)
        for deep in [
            "a = " + String(repeating: "[", count: 100_000),
            "a = " + String(repeating: "{ b = ", count: 100_000),
            String(repeating: "k.", count: 100_000) + "k = 1",
            "[" + String(repeating: "t.", count: 100_000) + "t]",
            String(repeating: "[[a]]\n", count: 3) + "[" + Array(repeating: "a", count: depth).joined(separator: ".") + "]",
        ] {
            let error = try #require(parseError(Array(deep.utf8)), "accepted")
            #expect(error.kind == .overLimit, "\(error.description)")
            #expect(error.position != nil)
        }
    }
}
