import ISConfTOML
import ISConfXML

/// Masks the values of secret attributes (keystorePass="…") in a line of XML, for diffs.
public func redactSecrets(in line: String) -> String {
    maskQuotedValues(in: line, named: Secret.isSecretAttribute)
}

/// Masks the values of secret keys (password = "…") in a line of deployment.toml, for diffs: also in
/// commented-out lines, which the parsed document (`redactSecrets(in:)` on a `TOMLDocument`) does not see.
public func redactTOMLSecrets(in line: String) -> String {
    maskQuotedValues(in: line) { name in Secret.isSecretKey(name.split(separator: ".").map(String.init)) }
}

/// An XML file's bytes with the value of every secret attribute masked and every line kept where it
/// was, for diffs: by the parsed spans of the attributes, so that however the tag is laid out (`=` or
/// the value on another line, a value spanning lines) no byte of a password reaches the output.
/// Comments, which the parsed tree does not look into, are masked by the same `name="value"` reading
/// across their lines (the commented-out blocks kernels ship look like elements).
public func redactSecrets(in document: XMLDocument) -> [UInt8] {
    let bytes = document.source.bytes
    var secrets: [Range<Int>] = []
    var comments = document.outerComments
    for element in document.root.descendantsAndSelf() {
        for attribute in element.attributes where Secret.isSecretAttribute(attribute.localName) {
            secrets.append(attribute.valueSpan.range)
        }
        for case .comment(let comment) in element.children { comments.append(comment) }
    }
    for comment in comments {
        secrets += secretValueRanges(in: bytes, comment.contentSpan.range, named: Secret.isSecretAttribute)
    }
    return masking(bytes, secrets)
}

/// `bytes` with each range replaced by the mask, followed by as many line ends as it held, so
/// that the lines after it keep their numbers.
private func masking(_ bytes: [UInt8], _ ranges: [Range<Int>]) -> [UInt8] {
    var masked = bytes
    for range in ranges.sorted(by: { $0.lowerBound > $1.lowerBound }) where !range.isEmpty {
        let lineEnds = bytes[range].filter { $0 == 0x0A }.count
        masked.replaceSubrange(range, with: Array(Secret.mask.utf8) + Array(repeating: 0x0A, count: lineEnds))
    }
    return masked
}

/// deployment.toml's bytes with every secret value masked and every line kept where it was, for
/// diffs: however a value is written (after a quoted key, in an inline table, as a multi-line string),
/// which a line at a time cannot see.
public func redactSecrets(in document: TOMLDocument) -> [UInt8] {
    var bytes = document.source.bytes
    let secrets = document.entries.filter { Secret.isSecretKey($0.keyPath) }.sorted { $0.valueSpan.start > $1.valueSpan.start }
    for entry in secrets {
        let value = bytes[entry.valueSpan.range]
        let lines = value.split(separator: 0x0A, omittingEmptySubsequences: false).count
        let quote = value.first.flatMap { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") ? String(UnicodeScalar($0)) : nil } ?? ""
        let mask = lines == 1 ? quote + Secret.mask + quote : Array(repeating: Secret.mask, count: lines).joined(separator: "\n")
        bytes.replaceSubrange(entry.valueSpan.range, with: Array(mask.utf8))
    }
    return bytes
}

extension Secret {
    /// deployment.toml keys that hold secrets: named like a password or a secret (password,
    /// key_password, connection_password, client_secret…), the encryption key, and everything in
    /// secure vault's [secrets] table.
    public static func isSecretKey(_ keyPath: [String]) -> Bool {
        guard let name = keyPath.last?.lowercased() else { return false }
        return isSecretAttribute(name) || name.includes("secret") || keyPath.first == "secrets"
            || keyPath == ["encryption", "key"]
    }
}

/// Replaces the text of every `name = "value"` (or `name='value'`) in one line whose name `isSecret` accepts.
private func maskQuotedValues(in line: String, named isSecret: (String) -> Bool) -> String {
    let bytes = Array(line.utf8)
    return String(decoding: masking(bytes, secretValueRanges(in: bytes, bytes.indices, named: isSecret)), as: UTF8.self)
}

/// The values of every `name = "value"` (or `name='value'`) in `bytes[within]` whose name
/// `isSecret` accepts, between their quotes. Spaces and line ends may surround the `=`, and a value
/// may span lines; one whose closing quote is missing runs to the end of `within`.
private func secretValueRanges(in bytes: [UInt8], _ within: Range<Int>, named isSecret: (String) -> Bool) -> [Range<Int>] {
    func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
    var ranges: [Range<Int>] = []
    var index = within.lowerBound
    while index < within.upperBound {
        guard bytes[index] == UInt8(ascii: "=") else {
            index += 1
            continue
        }
        var nameEnd = index
        while nameEnd > within.lowerBound, isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
        var nameStart = nameEnd
        while nameStart > within.lowerBound, isNameByte(bytes[nameStart - 1]) { nameStart -= 1 }
        var valueStart = index + 1
        while valueStart < within.upperBound, isSpace(bytes[valueStart]) { valueStart += 1 }
        guard valueStart < within.upperBound, bytes[valueStart] == UInt8(ascii: "\"") || bytes[valueStart] == UInt8(ascii: "'") else {
            index += 1
            continue
        }
        let quote = bytes[valueStart]
        let valueEnd = bytes[(valueStart + 1)..<within.upperBound].firstIndex(of: quote) ?? within.upperBound
        if isSecret(String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)) { ranges.append((valueStart + 1)..<valueEnd) }
        index = valueEnd + 1
    }
    return ranges
}

private func isNameByte(_ byte: UInt8) -> Bool {
    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
}
