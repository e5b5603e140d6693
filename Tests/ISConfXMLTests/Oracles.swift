// Oracles that recompute what the XML core reports (positions, decoded values, markup offsets)
// from the raw bytes alone, without going through the code under test.

import ISConfCore

/// The characters of `bytes`: UTF-8, or ISO-8859-1 where each byte is the code point of the same value.
func scalars(_ bytes: ArraySlice<UInt8>, latin1: Bool) -> [Unicode.Scalar] {
    latin1 ? bytes.map { Unicode.Scalar($0) } : Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
}

func string<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
}

/// `text` in the file's encoding (names are compared byte for byte).
func encode(_ text: String, latin1: Bool) -> [UInt8] {
    latin1 ? text.unicodeScalars.map { UInt8($0.value) } : Array(text.utf8)
}

/// XML 1.0 §2.11: CRLF and a lone CR both become LF before anything else sees the text.
func normalizingLineEnds(_ input: [Unicode.Scalar]) -> [Unicode.Scalar] {
    var output: [Unicode.Scalar] = []
    output.reserveCapacity(input.count)
    var index = 0
    while index < input.count {
        if input[index] == "\r" {
            output.append("\n")
            if index + 1 < input.count, input[index + 1] == "\n" { index += 1 }
        } else {
            output.append(input[index])
        }
        index += 1
    }
    return output
}

/// XML 1.0 §3.3.3 for a CDATA attribute: line ends normalised, every literal TAB/LF becomes a space,
/// references resolved (a character reference to a whitespace character stays that character).
/// Nil for a reference this decoder does not know.
func decodeAttributeValue(_ raw: [Unicode.Scalar]) -> String? {
    let input = normalizingLineEnds(raw)
    var output: [Unicode.Scalar] = []
    var index = 0
    while index < input.count {
        let character = input[index]
        if character == "&" {
            guard let semicolon = input[index...].firstIndex(of: ";") else { return nil }
            let name = string(input[(index + 1)..<semicolon])
            switch name {
            case "amp": output.append("&")
            case "lt": output.append("<")
            case "gt": output.append(">")
            case "quot": output.append("\"")
            case "apos": output.append("'")
            default:
                let code: UInt32?
                if name.hasPrefix("#x") {
                    code = UInt32(name.dropFirst(2), radix: 16)
                } else if name.hasPrefix("#") {
                    code = UInt32(name.dropFirst(), radix: 10)
                } else {
                    code = nil
                }
                guard let code, let scalar = Unicode.Scalar(code) else { return nil }
                output.append(scalar)
            }
            index = semicolon + 1
        } else {
            output.append(character == "\t" || character == "\n" ? " " : character)
            index += 1
        }
    }
    return string(output)
}

/// Line and column of every character in a file, computed in one pass over its characters (decoded
/// by Swift's UTF-8 decoder, or one per byte for ISO-8859-1): lines end at LF, CRLF or a lone CR;
/// columns count characters; a UTF-8 byte order mark is not a character.
struct PositionOracle {
    private var lines: [Int32]
    private var columns: [Int32]
    /// libxml2's own line numbers count LF bytes only (a lone CR does not start a line for it).
    private var lineFeedLines: [Int32]

    init(_ bytes: [UInt8], latin1: Bool) {
        lines = Array(repeating: 0, count: bytes.count + 1)
        columns = Array(repeating: 0, count: bytes.count + 1)
        lineFeedLines = Array(repeating: 0, count: bytes.count + 1)
        let hasBOM = !latin1 && bytes.starts(with: [0xEF, 0xBB, 0xBF])
        var offset = hasBOM ? 3 : 0
        var line: Int32 = 1
        var column: Int32 = 1
        var lineFeedLine: Int32 = 1
        var previousWasCR = false
        for index in 0..<offset {
            (lines[index], columns[index], lineFeedLines[index]) = (1, 1, 1)
        }
        for scalar in scalars(bytes[offset...], latin1: latin1) {
            (lines[offset], columns[offset], lineFeedLines[offset]) = (line, column, lineFeedLine)
            let width = latin1 ? 1 : UTF8.width(scalar)
            // Bytes inside a character: mark them so that asking for one is noticed.
            for inner in stride(from: offset + 1, to: offset + width, by: 1) { (lines[inner], columns[inner]) = (-1, -1) }
            offset += width
            if scalar == "\r" {
                line += 1
                column = 1
                previousWasCR = true
                continue
            }
            if scalar == "\n" {
                if !previousWasCR { line += 1 }
                lineFeedLine += 1
                column = 1
            } else {
                column += 1
            }
            previousWasCR = false
        }
        (lines[offset], columns[offset], lineFeedLines[offset]) = (line, column, lineFeedLine)
    }

    func position(of offset: Int) -> SourcePosition {
        SourcePosition(line: Int(lines[offset]), column: Int(columns[offset]))
    }

    func libxml2Line(of offset: Int) -> Int { Int(lineFeedLines[offset]) }
}

func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

/// Where the markup is, found by a plain scan: every `<` outside comments, CDATA sections and
/// processing instructions starts a tag (attribute values and text cannot hold a literal `<`).
struct MarkupScan {
    var elementStarts: [Int] = []
    var comments: [ByteSpan] = []

    init(_ bytes: [UInt8]) {
        let commentOpen = utf8("<!--")
        let commentClose = utf8("-->")
        let cdataOpen = utf8("<![CDATA[")
        let cdataClose = utf8("]]>")
        let piOpen = utf8("<?")
        let piClose = utf8("?>")
        let endTagOpen = utf8("</")
        let declarationOpen = utf8("<!")
        func matches(_ pattern: [UInt8], at index: Int) -> Bool {
            index + pattern.count <= bytes.count && bytes[index..<index + pattern.count].elementsEqual(pattern)
        }
        func end(of terminator: [UInt8], from index: Int) -> Int {
            var cursor = index
            while cursor < bytes.count, !(bytes[cursor] == terminator[0] && matches(terminator, at: cursor)) { cursor += 1 }
            return min(bytes.count, cursor + terminator.count)
        }
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            if matches(commentOpen, at: index) {
                let stop = end(of: commentClose, from: index + 4)
                comments.append(ByteSpan(index, stop))
                index = stop
            } else if matches(cdataOpen, at: index) {
                index = end(of: cdataClose, from: index + 9)
            } else if matches(piOpen, at: index) {
                index = end(of: piClose, from: index + 2)
            } else {
                if !matches(endTagOpen, at: index), !matches(declarationOpen, at: index) { elementStarts.append(index) }
                index += 1
            }
        }
    }
}
