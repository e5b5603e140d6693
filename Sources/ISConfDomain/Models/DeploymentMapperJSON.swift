import ISConfCore
import ISConfTOML

/// Reads the config mapper's JSON data files (default.json, key-mappings.json, validator.json) the way
/// Gson's untyped reading gives them to the mapper: every number a double (so a default of `5` renders
/// as "5.0"), `null` members dropped. Values land in `TOMLValue`, so defaults and deployment.toml values
/// compare and render alike.
enum MapperJSON {
    /// Deeper nesting than any mapper file has; the cap keeps hostile input from exhausting the stack.
    static let depthLimit = 64

    static func parse(_ source: SourceFile) throws(InputError) -> TOMLValue {
        var reader = Reader(bytes: source.bytes)
        do throws(Reader.Failure) {
            reader.skipSpace()
            let value = try reader.value(depth: 0)
            reader.skipSpace()
            guard reader.index == reader.bytes.count else { throw Reader.Failure(offset: reader.index, message: "extra content after the JSON value") }
            return value ?? .table([:])
        } catch {
            let map = LineMap(bytes: source.bytes, singleByteCharacters: false)
            throw InputError(
                path: source.path, .malformed, "malformed JSON: \(error.message)",
                position: map.position(of: min(error.offset, source.bytes.count), in: source.bytes))
        }
    }

    private struct Reader {
        struct Failure: Error {
            var offset: Int
            var message: String
        }

        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        /// nil for `null`.
        mutating func value(depth: Int) throws(Failure) -> TOMLValue? {
            guard depth < MapperJSON.depthLimit else { throw Failure(offset: index, message: "nested too deeply") }
            guard index < bytes.count else { throw Failure(offset: index, message: "unexpected end of file") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .boolean(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .boolean(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return nil
            default: return .float(try number())
            }
        }

        private mutating func object(depth: Int) throws(Failure) -> TOMLValue {
            index += 1
            var members: [String: TOMLValue] = [:]
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .table(members)
            }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Failure(offset: index, message: "expected a member name") }
                let name = try string()
                skipSpace()
                try expect(":")
                skipSpace()
                if let value = try value(depth: depth + 1) { members[name] = value }
                skipSpace()
                guard index < bytes.count else { throw Failure(offset: index, message: "unexpected end of file") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect("}")
                return .table(members)
            }
        }

        private mutating func array(depth: Int) throws(Failure) -> TOMLValue {
            index += 1
            var items: [TOMLValue] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                skipSpace()
                if let item = try value(depth: depth + 1) { items.append(item) }
                skipSpace()
                guard index < bytes.count else { throw Failure(offset: index, message: "unexpected end of file") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect("]")
                return .array(items)
            }
        }

        private mutating func string() throws(Failure) -> String {
            let start = index
            index += 1
            // Most strings have no escapes: one decode of the run.
            if let end = bytes[index...].firstIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }),
                bytes[end] == UInt8(ascii: "\"")
            {
                defer { index = end + 1 }
                return String(decoding: bytes[index..<end], as: UTF8.self)
            }
            var scalars = String.UnicodeScalarView()
            var runStart = index
            func flush(_ end: Int) { scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars) }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    flush(index)
                    index += 1
                    return String(scalars)
                }
                if byte < 0x20 { throw Failure(offset: index, message: "control character in a string") }
                if byte == UInt8(ascii: "\\") {
                    flush(index)
                    index += 1
                    guard index < bytes.count else { break }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"): scalars.append(try unicodeEscape())
                    default: throw Failure(offset: index - 1, message: "unknown escape in a string")
                    }
                    runStart = index
                    continue
                }
                index += 1
            }
            throw Failure(offset: start, message: "unterminated string")
        }

        /// `\uXXXX`, joining a surrogate pair; a lone surrogate becomes U+FFFD, as Java would keep it unpaired.
        private mutating func unicodeEscape() throws(Failure) -> Unicode.Scalar {
            let high = try hex4()
            if (0xD800..<0xDC00).contains(high), index + 1 < bytes.count,
                bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            {
                let save = index
                index += 2
                let low = try hex4()
                if (0xDC00..<0xE000).contains(low) {
                    return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
                }
                index = save
            }
            return Unicode.Scalar(high) ?? "\u{FFFD}"
        }

        private mutating func hex4() throws(Failure) -> UInt32 {
            guard index + 4 <= bytes.count else { throw Failure(offset: index, message: "short \\u escape") }
            var value: UInt32 = 0
            for byte in bytes[index..<index + 4] {
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: throw Failure(offset: index, message: "bad \\u escape")
                }
                value = value * 16 + UInt32(digit)
            }
            index += 4
            return value
        }

        private mutating func number() throws(Failure) -> Double {
            let start = index
            scan: while index < bytes.count {
                switch bytes[index] {
                case 0x30...0x39, UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): index += 1
                default: break scan
                }
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            guard !text.isEmpty, text.first != "+", let number = Double(text) else {
                throw Failure(offset: start, message: text.isEmpty ? "unexpected character" : "bad number \(text)")
            }
            return number
        }

        private mutating func literal(_ word: String) throws(Failure) {
            let expected = Array(word.utf8)
            guard bytes[index...].starts(with: expected) else { throw Failure(offset: index, message: "unexpected character") }
            index += expected.count
        }

        private mutating func expect(_ character: Unicode.Scalar) throws(Failure) {
            guard index < bytes.count, bytes[index] == UInt8(character.value) else {
                throw Failure(offset: index, message: "expected '\(character)'")
            }
            index += 1
        }
    }
}
