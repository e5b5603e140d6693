/// TOML's four kinds of string: basic `"…"` with escapes, literal `'…'`, and their multi-line forms.
extension TOMLScanner {
    mutating func basicString() throws(ScanFailure) -> String {
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

    mutating func literalString() throws(ScanFailure) -> String {
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
    /// as LF, and in basic ones a backslash ending a line trims the whitespace and line endings
    /// after it. Up to two quotes may stand right before the closing three.
    mutating func multiLineString(basic: Bool) throws(ScanFailure) -> String {
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
                    while let next = peek(), next == 0x20 || next == 0x09 || next == 0x0A || (next == 0x0D && at("\n", 1)) {
                        index += 1
                    }
                } else {
                    try escape(into: &text)
                }
            } else {
                try appendCharacter(byte, to: &text)
            }
        }
    }

    private mutating func appendCharacter(_ byte: UInt8, to text: inout [UInt8]) throws(ScanFailure) {
        if let control = controlCharacterName(byte) {
            throw fail("the control character \(control) in a string (write it as an escape)")
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
            guard index + width <= bytes.count, bytes[index..<index + width].allSatisfy(isHexDigit),
                let code = UInt32(String(decoding: bytes[index..<index + width], as: UTF8.self), radix: 16),
                let scalar = Unicode.Scalar(code)
            else { throw fail("invalid \\\(Unicode.Scalar(letter)) escape: it needs \(width) hex digits of a Unicode scalar value", at: start) }
            text.append(contentsOf: String(scalar).utf8)
            index += width
        default:
            let shown = letter > 0x20 && letter < 0x7F ? " \\" + String(Unicode.Scalar(letter)) : ""
            throw fail("invalid escape\(shown) (TOML has \\b \\t \\n \\f \\r \\\" \\\\ \\u \\U)", at: start)
        }
    }
}

func isHexDigit(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
}
