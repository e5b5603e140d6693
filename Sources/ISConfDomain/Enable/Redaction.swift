import ISConfTOML

/// Masks the values of secret attributes (keystorePass="…") in a line of XML, for diffs.
public func redactSecrets(in line: String) -> String {
    maskQuotedValues(in: line, named: Secret.isSecretAttribute)
}

/// Masks the values of secret keys (password = "…") in a line of deployment.toml, for diffs: also in
/// commented-out lines, which the parsed document (`redactSecrets(in:)` on a `TOMLDocument`) does not see.
public func redactTOMLSecrets(in line: String) -> String {
    maskQuotedValues(in: line) { name in Secret.isSecretKey(name.split(separator: ".").map(String.init)) }
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

/// Replaces the text of every `name = "value"` (or `name='value'`) whose name `isSecret` accepts.
private func maskQuotedValues(in line: String, named isSecret: (String) -> Bool) -> String {
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
        if isSecret(name), valueEnd > valueStart + 1 {
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
