import Testing

@testable import ISConfTrustStore

/// The trust stores' own UTF-16 decoder is held to the standard library's, lone surrogates included.
@Suite struct UTF16DecodingTests {
    @Test(arguments: [
        [UInt16](), Array("mykey".utf16), Array("clé 鍵".utf16), Array("😀 emoji".utf16),
        [0xD83D], [0xDE00], [0xDE00, 0xD83D], [0xD83D, 0x0041], [0xD83D, 0xD83D, 0xDE00], [0x0000, 0xFFFF, 0xFFFE],
    ])
    func decodesAsTheStandardLibraryDoes(units: [UInt16]) {
        #expect(stringFromUTF16(units) == String(decoding: units, as: UTF16.self))
    }

    @Test func decodesRandomUnitsAsTheStandardLibraryDoes() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            // Biased toward the surrogate range, where the cases are.
            let units = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                Bool.random(using: &generator)
                    ? UInt16.random(in: 0xD7F0...0xE010, using: &generator)
                    : UInt16.random(in: 0...UInt16.max, using: &generator)
            }
            #expect(stringFromUTF16(units) == String(decoding: units, as: UTF16.self), "\(units)")
        }
    }
}
