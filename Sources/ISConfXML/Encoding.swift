import ISConfCore

/// The encodings isconf reads and can patch byte for byte.
public enum SourceEncoding: String, Sendable {
    case utf8 = "UTF-8"
    case iso88591 = "ISO-8859-1"

    /// Latin-1 and UTF-8 agree on ASCII, the only bytes isconf ever writes into a value unescaped.
    public var isSingleByte: Bool { self == .iso88591 }

    /// Decides the encoding from the BOM and the XML declaration, refusing the ones isconf cannot
    /// patch in place (UTF-16/32) or does not know.
    static func detect(_ bytes: [UInt8], path: String) throws(InputError) -> (SourceEncoding, hasBOM: Bool) {
        func starts(with prefix: [UInt8]) -> Bool {
            bytes.count >= prefix.count && Array(bytes[0..<prefix.count]) == prefix
        }
        if starts(with: [0x00, 0x00, 0xFE, 0xFF]) || starts(with: [0xFF, 0xFE, 0x00, 0x00])
            || starts(with: [0x00, 0x00, 0x00, 0x3C]) || starts(with: [0x3C, 0x00, 0x00, 0x00])
        {
            throw InputError(path: path, .unsupportedFormat, "UTF-32 encoded; isconf reads UTF-8 and ISO-8859-1 only (convert it with iconv -t UTF-8)")
        }
        if starts(with: [0xFE, 0xFF]) || starts(with: [0xFF, 0xFE])
            || starts(with: [0x00, 0x3C]) || starts(with: [0x3C, 0x00])
        {
            throw InputError(path: path, .unsupportedFormat, "UTF-16 encoded; isconf reads UTF-8 and ISO-8859-1 only (convert it with iconv -t UTF-8)")
        }
        // "<?xm" in EBCDIC: libxml2 would convert it, and no span would match the original bytes.
        if starts(with: [0x4C, 0x6F, 0xA7, 0x94]) {
            throw InputError(path: path, .unsupportedFormat, "EBCDIC encoded; isconf reads UTF-8 and ISO-8859-1 only (convert it with iconv -t UTF-8)")
        }
        let hasBOM = starts(with: [0xEF, 0xBB, 0xBF])
        guard let declared = declaredEncoding(bytes, from: hasBOM ? 3 : 0) else { return (.utf8, hasBOM) }
        switch declared.uppercased() {
        case "UTF-8", "UTF8", "US-ASCII", "ASCII":
            return (.utf8, hasBOM)
        case "ISO-8859-1", "ISO8859-1", "ISO_8859-1", "LATIN1", "LATIN-1", "L1", "ISO-LATIN-1":
            if hasBOM {
                throw InputError(path: path, .malformed, "has a UTF-8 byte order mark but declares encoding \"\(declared)\"")
            }
            return (.iso88591, false)
        case let name where name.hasPrefix("UTF-16") || name.hasPrefix("UTF-32") || name.hasPrefix("UCS"):
            throw InputError(path: path, .unsupportedFormat, "declares encoding \"\(declared)\"; isconf reads UTF-8 and ISO-8859-1 only")
        default:
            throw InputError(path: path, .unsupportedFormat, "declares unsupported encoding \"\(declared)\"; isconf reads UTF-8 and ISO-8859-1 only")
        }
    }

    /// The `encoding` pseudo-attribute of the XML declaration, if there is one.
    private static func declaredEncoding(_ bytes: [UInt8], from start: Int) -> String? {
        let open: [UInt8] = Array("<?xml".utf8)
        guard bytes.count >= start + open.count + 1, Array(bytes[start..<start + open.count]) == open,
            isXMLSpace(bytes[start + open.count])
        else { return nil }
        var index = start + open.count
        let limit = min(bytes.count, start + 512)
        var declarationEnd = limit
        while index + 1 < limit {
            if bytes[index] == UInt8(ascii: "?"), bytes[index + 1] == UInt8(ascii: ">") {
                declarationEnd = index
                break
            }
            index += 1
        }
        let key: [UInt8] = Array("encoding".utf8)
        index = start + open.count
        while index + key.count <= declarationEnd {
            if Array(bytes[index..<index + key.count]) == key, isXMLSpace(bytes[index - 1]) {
                var cursor = index + key.count
                while cursor < declarationEnd, isXMLSpace(bytes[cursor]) { cursor += 1 }
                guard cursor < declarationEnd, bytes[cursor] == UInt8(ascii: "=") else { return nil }
                cursor += 1
                while cursor < declarationEnd, isXMLSpace(bytes[cursor]) { cursor += 1 }
                guard cursor < declarationEnd else { return nil }
                let quote = bytes[cursor]
                guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
                cursor += 1
                let valueStart = cursor
                while cursor < declarationEnd, bytes[cursor] != quote { cursor += 1 }
                return String(decoding: bytes[valueStart..<cursor], as: UTF8.self)
            }
            index += 1
        }
        return nil
    }
}

@inline(__always)
func isXMLSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}
