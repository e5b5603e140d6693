import ISConfCore
import ISConfXML
import Testing

private let sample = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<Server port=\"8005\"/>\n"

private func utf16(_ text: String, bigEndian: Bool, bom: Bool) -> [UInt8] {
    let units = (bom ? [UInt16(0xFEFF)] : []) + Array(text.utf16)
    return units.flatMap { bigEndian ? [UInt8($0 >> 8), UInt8($0 & 0xFF)] : [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
}

private func utf32(_ text: String, bigEndian: Bool, bom: Bool) -> [UInt8] {
    let values = (bom ? [UInt32(0xFEFF)] : []) + text.unicodeScalars.map(\.value)
    return values.flatMap { value -> [UInt8] in
        let little = (0..<4).map { UInt8((value >> (8 * UInt32($0))) & 0xFF) }
        return bigEndian ? little.reversed() : little
    }
}

/// isconf patches bytes in place, so it reads only encodings where that is safe: UTF-8 and ISO-8859-1.
@Suite("Encodings")
struct EncodingTests {
    @Test(
        "declarations isconf accepts, and what they are read as",
        arguments: [
            ("<?xml version=\"1.0\"?><r/>", SourceEncoding.utf8),
            ("<r/>", .utf8),
            ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><r/>", .utf8),
            ("<?xml version='1.0' encoding='utf-8' standalone='yes'?><r/>", .utf8),
            ("<?xml version=\"1.0\" encoding=\"US-ASCII\"?><r/>", .utf8),
            ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>", .iso88591),
            ("<?xml version=\"1.0\"\n      encoding = 'iso-8859-1' ?><r/>", .iso88591),
            ("<?xml version=\"1.0\" encoding=\"latin1\"?><r/>", .iso88591),
        ])
    func acceptedDeclarations(text: String, expected: SourceEncoding) throws {
        let document = try parse(utf8(text))
        #expect(document.encoding == expected)
        #expect(!document.hasBOM)
        #expect(document.root.qualifiedName == "r")
    }

    @Test("a UTF-8 BOM is recorded and not counted as a character")
    func byteOrderMark() throws {
        let document = try parse([0xEF, 0xBB, 0xBF] + utf8("<r>\n  <c/></r>"))
        #expect(document.hasBOM)
        #expect(document.encoding == .utf8)
        #expect(document.root.startTag.start == 3)
        #expect(document.root.position == SourcePosition(line: 1, column: 1))
        #expect(document.root.childElements.first?.position == SourcePosition(line: 2, column: 3))
    }

    @Test("UTF-16 with a BOM, little and big endian", arguments: [false, true])
    func utf16WithBOM(bigEndian: Bool) {
        expectRejected(utf16(sample, bigEndian: bigEndian, bom: true), .unsupportedFormat, "UTF-16", "UTF-8")
    }

    @Test("UTF-16 without a BOM (<\\0?\\0x\\0 and \\0<\\0?\\0x)", arguments: [false, true])
    func utf16WithoutBOM(bigEndian: Bool) {
        let bytes = utf16(sample, bigEndian: bigEndian, bom: false)
        #expect(bytes.starts(with: bigEndian ? [0, 0x3C, 0, 0x3F] : [0x3C, 0, 0x3F, 0]))
        expectRejected(bytes, .unsupportedFormat, "UTF-16")
    }

    @Test(
        "UTF-32 with and without a BOM, both byte orders",
        arguments: [(false, false), (false, true), (true, false), (true, true)])
    func utf32Rejected(bigEndian: Bool, bom: Bool) {
        let error = expectRejected(utf32(sample, bigEndian: bigEndian, bom: bom), .unsupportedFormat, "UTF-32")
        #expect(error?.message.contains("UTF-16") == false, "UTF-32 must not be reported as UTF-16")
    }

    @Test("an 8-bit file declaring a 16- or 32-bit encoding", arguments: ["UTF-16", "utf-16le", "UTF-32", "UCS-4"])
    func declaredWideEncoding(name: String) {
        expectRejected(utf8("<?xml version=\"1.0\" encoding=\"\(name)\"?>\n<r/>"), .unsupportedFormat, "declares encoding \"\(name)\"")
    }

    @Test("unsupported declared encodings name themselves", arguments: ["Shift_JIS", "windows-1252", "ISO-8859-15", "EBCDIC-US"])
    func unsupportedEncoding(name: String) {
        expectRejected(utf8("<?xml version=\"1.0\" encoding=\"\(name)\"?><r/>"), .unsupportedFormat, name)
    }

    @Test("a UTF-8 BOM contradicting an ISO-8859-1 declaration")
    func bomWithLatin1Declaration() {
        expectRejected(
            [0xEF, 0xBB, 0xBF] + utf8("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>"),
            .malformed, "byte order mark", "ISO-8859-1")
    }

    @Test("bytes that are not UTF-8 in a file without a declaration")
    func invalidUTF8() {
        let error = expectRejected(utf8("<r>\n<a v=\"") + [0xE9] + utf8("\"/></r>"), .malformed)
        #expect(error?.position?.line == 2)
    }

    @Test("an EBCDIC file (libxml2 detects it from <?xm and would convert it)")
    func ebcdic() {
        // "<?xml version=\"1.0\" encoding=\"IBM037\"?><r a=\"1\"/>" in code page 037.
        let bytes: [UInt8] = [
            0x4C, 0x6F, 0xA7, 0x94, 0x93, 0x40, 0xA5, 0x85, 0x99, 0xA2, 0x89, 0x96, 0x95, 0x7E, 0x7F, 0xF1, 0x4B, 0xF0,
            0x7F, 0x40, 0x85, 0x95, 0x83, 0x96, 0x84, 0x89, 0x95, 0x87, 0x7E, 0x7F, 0xC9, 0xC2, 0xD4, 0xF0, 0xF3, 0xF7,
            0x7F, 0x6F, 0x6E, 0x4C, 0x99, 0x40, 0x81, 0x7E, 0x7F, 0xF1, 0x7F, 0x61, 0x6E,
        ]
        expectRejected(bytes, .unsupportedFormat, "EBCDIC")
    }
}
