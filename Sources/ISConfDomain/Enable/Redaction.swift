/// Masks the values of secret attributes (keystorePass="…") in a line of XML, for diffs.
public func redactSecrets(in line: String) -> String {
    var bytes = Array(line.utf8)
    var index = 0
    while index < bytes.count {
        guard bytes[index] == UInt8(ascii: "=") else { index += 1; continue }
        var nameEnd = index
        while nameEnd > 0, bytes[nameEnd - 1] == 0x20 || bytes[nameEnd - 1] == 0x09 { nameEnd -= 1 }
        var nameStart = nameEnd
        while nameStart > 0, isNameByte(bytes[nameStart - 1]) { nameStart -= 1 }
        var valueStart = index + 1
        while valueStart < bytes.count, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
        guard valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: "\"") || bytes[valueStart] == UInt8(ascii: "'") else {
            index += 1
            continue
        }
        let quote = bytes[valueStart]
        // An unterminated value (it goes on to the next line) is masked to the end of this line.
        let valueEnd = bytes[(valueStart + 1)...].firstIndex(of: quote) ?? bytes.count
        let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
        if Secret.isSecretAttribute(name), valueEnd > valueStart + 1 {
            bytes.replaceSubrange((valueStart + 1)..<valueEnd, with: Array(Secret.mask.utf8))
            index = valueStart + 1 + Secret.mask.utf8.count + 1
        } else {
            index = valueEnd + 1
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

private func isNameByte(_ byte: UInt8) -> Bool {
    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
}
