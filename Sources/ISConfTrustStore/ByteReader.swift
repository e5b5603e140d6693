import ISConfCore

/// Reads the big-endian fields of a JKS file; running past the end is a truncated file.
struct ByteReader {
    let bytes: [UInt8]
    let path: String
    private(set) var offset = 0

    init(_ bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    var remaining: Int { bytes.count - offset }

    mutating func take(_ count: Int) throws(InputError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw InputError(path: path, .malformed, "truncated: the file ends inside an entry (offset \(offset))")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func u16() throws(InputError) -> Int { Int(try integer(2)) }
    mutating func u32() throws(InputError) -> UInt32 { UInt32(try integer(4)) }
    mutating func u64() throws(InputError) -> UInt64 { try integer(8) }

    private mutating func integer(_ width: Int) throws(InputError) -> UInt64 {
        try take(width).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Java's DataInput.readUTF: a 2-byte length, then modified UTF-8 (NUL as C0 80, characters
    /// beyond the BMP as two 3-byte surrogates).
    mutating func utf() throws(InputError) -> String {
        let start = offset
        let encoded = Array(try take(try u16()))
        var units: [UInt16] = []
        var index = 0
        while index < encoded.count {
            let first = UInt16(encoded[index])
            let width = first < 0x80 ? 1 : first & 0xE0 == 0xC0 ? 2 : first & 0xF0 == 0xE0 ? 3 : 0
            guard width > 0, index + width <= encoded.count,
                encoded[index + 1..<index + width].allSatisfy({ $0 & 0xC0 == 0x80 })
            else {
                throw InputError(path: path, .malformed, "malformed alias or type string (offset \(start))")
            }
            switch width {
            case 1: units.append(first)
            case 2: units.append((first & 0x1F) << 6 | UInt16(encoded[index + 1] & 0x3F))
            default: units.append((first & 0x0F) << 12 | UInt16(encoded[index + 1] & 0x3F) << 6 | UInt16(encoded[index + 2] & 0x3F))
            }
            index += width
        }
        return stringFromUTF16(units)
    }
}

/// The writing side of the same encoding.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u16(_ value: Int) { append(UInt64(value), width: 2) }
    mutating func u32(_ value: UInt32) { append(UInt64(value), width: 4) }
    mutating func u64(_ value: UInt64) { append(value, width: 8) }
    mutating func raw(_ more: some Sequence<UInt8>) { bytes.append(contentsOf: more) }

    private mutating func append(_ value: UInt64, width: Int) {
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Java's DataOutput.writeUTF (the caller keeps it under 65,536 bytes).
    mutating func utf(_ text: String) {
        var encoded: [UInt8] = []
        for unit in text.utf16 {
            switch unit {
            case 0x0001...0x007F: encoded.append(UInt8(unit))
            case 0, 0x0080...0x07FF: encoded += [0xC0 | UInt8(unit >> 6), 0x80 | UInt8(unit & 0x3F)]
            default: encoded += [0xE0 | UInt8(unit >> 12), 0x80 | UInt8(unit >> 6 & 0x3F), 0x80 | UInt8(unit & 0x3F)]
            }
        }
        u16(encoded.count)
        raw(encoded)
    }
}

/// Java's char[] passwords and BMPStrings (friendlyName) are UTF-16, big-endian.
func encodeUTF16BE(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    for unit in text.utf16 { bytes += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
    return bytes
}

func decodeUTF16BE(_ bytes: [UInt8]) -> String {
    stringFromUTF16(stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) })
}

/// What `String(decoding:as: UTF16.self)` gives (a lone surrogate becomes U+FFFD), decoded here
/// because the standard library's own path is generic code that is not specialized for us: it
/// instantiates its types at run time, each a scan of every protocol conformance in the binary.
func stringFromUTF16(_ units: [UInt16]) -> String {
    var scalars = String.UnicodeScalarView()
    var index = 0
    while index < units.count {
        let unit = units[index]
        index += 1
        switch unit {
        case 0xD800...0xDBFF where index < units.count && (0xDC00...0xDFFF).contains(units[index]):
            let low = units[index]
            index += 1
            scalars.append(Unicode.Scalar(0x10000 + (UInt32(unit - 0xD800) << 10 | UInt32(low - 0xDC00))) ?? "\u{FFFD}")
        default:
            scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
        }
    }
    return String(scalars)
}
