import ISConfCore

/// One attribute as the scanner found it in the raw start tag, before values are attached.
struct RawAttribute {
    var name: String
    var nameSpan: ByteSpan
    var valueSpan: ByteSpan
    var quote: UInt8
    var leadingWhitespace: ByteSpan
}

/// A raw start tag: its name and attributes exactly as written.
struct RawStartTag {
    var name: String
    var span: ByteSpan
    var isSelfClosing: Bool
    var attributes: [RawAttribute]
}

/// Reads a start tag that libxml2 has already accepted as well-formed, so it only has to split it,
/// not validate it. Returns nil if the bytes do not look like that tag (an internal error).
func scanStartTag(_ bytes: [UInt8], from start: Int, closingAt close: Int) -> RawStartTag? {
    guard start < close, close < bytes.count, bytes[start] == UInt8(ascii: "<") else { return nil }
    let isSelfClosing = bytes[close] == UInt8(ascii: "/")
    let end = isSelfClosing ? close + 2 : close + 1
    guard end <= bytes.count, bytes[end - 1] == UInt8(ascii: ">") else { return nil }

    var index = start + 1
    let nameStart = index
    while index < close, !isXMLSpace(bytes[index]) { index += 1 }
    let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)

    var attributes: [RawAttribute] = []
    while index < close {
        let whitespaceStart = index
        while index < close, isXMLSpace(bytes[index]) { index += 1 }
        if index >= close { break }
        let leading = ByteSpan(whitespaceStart, index)
        let attributeNameStart = index
        while index < close, !isXMLSpace(bytes[index]), bytes[index] != UInt8(ascii: "=") { index += 1 }
        let nameSpan = ByteSpan(attributeNameStart, index)
        while index < close, isXMLSpace(bytes[index]) { index += 1 }
        guard index < close, bytes[index] == UInt8(ascii: "=") else { return nil }
        index += 1
        while index < close, isXMLSpace(bytes[index]) { index += 1 }
        guard index < close else { return nil }
        let quote = bytes[index]
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
        index += 1
        let valueStart = index
        while index < close, bytes[index] != quote { index += 1 }
        guard index < close else { return nil }
        attributes.append(
            RawAttribute(
                name: String(decoding: bytes[nameSpan.range], as: UTF8.self),
                nameSpan: nameSpan,
                valueSpan: ByteSpan(valueStart, index),
                quote: quote,
                leadingWhitespace: leading))
        index += 1
    }
    return RawStartTag(name: name, span: ByteSpan(start, end), isSelfClosing: isSelfClosing, attributes: attributes)
}
