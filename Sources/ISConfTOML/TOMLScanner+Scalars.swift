/// Booleans, integers, floats and dates: the values written without quotes. Messages name what is
/// wrong but never echo the token (an unquoted password would otherwise be printed).
extension TOMLScanner {
    mutating func scalar() throws(ScanFailure) -> TOMLValue {
        let start = index
        while let byte = peek(), isScalarByte(byte) { index += 1 }
        // A space may stand for the T of a date-time: "1979-05-27 07:32:00".
        if index - start == 10, bytes[start + 4] == UInt8(ascii: "-"), at(" "),
            let hour = peek(1), isDigit(hour), peek(3) == UInt8(ascii: ":")
        {
            index += 1
            while let byte = peek(), isScalarByte(byte) { index += 1 }
        }
        let token = bytes[start..<index]
        switch String(decoding: token, as: UTF8.self) {
        case "": throw expected("a value")
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if token.count >= 5, token.contains(UInt8(ascii: ":")) || token[start + 4] == UInt8(ascii: "-") && token.prefix(4).allSatisfy(isDigit) {
            guard let fields = DateTimeFields(token) else {
                throw fail("invalid date or time: TOML writes 1979-05-27T07:32:00Z, 1979-05-27 or 07:32:00, with a real day and time", at: start)
            }
            return .dateTime(fields.text)
        }
        return try number(token)
    }

    private func number(_ token: ArraySlice<UInt8>) throws(ScanFailure) -> TOMLValue {
        let start = token.startIndex
        let isFloat =
            token.contains { $0 == UInt8(ascii: ".") }
            || !token.starts(with: [0x30, UInt8(ascii: "x")])
                && token.contains { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        if !isFloat, let integer = try integer(token) { return .integer(integer) }
        if isFloat, let float = float(token) { return .float(float) }
        var unsigned = token
        if let sign = unsigned.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { unsigned = unsigned.dropFirst() }
        if unsigned.count > 1, unsigned.first == 0x30, let next = unsigned.dropFirst().first, isDigit(next) || next == UInt8(ascii: "_") {
            throw fail("invalid number: a leading zero is not allowed (write 7, not 07)", at: start)
        }
        throw fail("invalid value: not a number, boolean or date (strings need quotes)", at: start)
    }

    /// A decimal, hexadecimal, octal or binary integer; nil when the token is not one; an error when
    /// it is one that does not fit in 64 bits.
    private func integer(_ token: ArraySlice<UInt8>) throws(ScanFailure) -> Int64? {
        let radix: Int? =
            switch (token.first, token.dropFirst().first) {
            case (0x30, UInt8(ascii: "x")): 16
            case (0x30, UInt8(ascii: "o")): 8
            case (0x30, UInt8(ascii: "b")): 2
            default: nil
            }
        let digits: ArraySlice<UInt8>
        var negative = false
        if radix != nil {
            digits = token.dropFirst(2)
        } else {
            var unsigned = token
            if let sign = unsigned.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                negative = sign == UInt8(ascii: "-")
                unsigned = unsigned.dropFirst()
            }
            guard unsigned.first != 0x30 || unsigned.count == 1 else { return nil }
            digits = unsigned
        }
        guard let clean = withoutUnderscores(digits),
            clean.allSatisfy({ digitValue($0).map { $0 < radix ?? 10 } ?? false })
        else { return nil }
        let text = (negative ? "-" : "") + String(decoding: clean, as: UTF8.self)
        guard let value = Int64(text, radix: radix ?? 10) else {
            throw fail("the integer is out of range: TOML integers are 64-bit (-9223372036854775808 to 9223372036854775807)", at: token.startIndex)
        }
        return value
    }

    private func float(_ token: ArraySlice<UInt8>) -> Double? {
        var rest = token
        if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { rest = rest.dropFirst() }
        let exponentStart = rest.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = rest[..<(exponentStart ?? rest.endIndex)]
        let parts = mantissa.split(separator: UInt8(ascii: "."), maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.count == 2 || exponentStart != nil,
            let whole = withoutUnderscores(parts[0]), whole.allSatisfy(isDigit),
            whole.first != 0x30 || whole.count == 1
        else { return nil }
        if parts.count == 2 {
            guard let fraction = withoutUnderscores(parts[1]), fraction.allSatisfy(isDigit) else { return nil }
        }
        if let exponentStart {
            var exponent = rest[(exponentStart + 1)...]
            if let sign = exponent.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { exponent = exponent.dropFirst() }
            guard let digits = withoutUnderscores(exponent), digits.allSatisfy(isDigit) else { return nil }
        }
        return Double(String(decoding: token.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self))
    }

    /// The digits with TOML's single underscores between them taken out; nil when empty or an
    /// underscore is not between two digits.
    private func withoutUnderscores(_ digits: ArraySlice<UInt8>) -> [UInt8]? {
        let underscore = UInt8(ascii: "_")
        guard let first = digits.first, let last = digits.last, first != underscore, last != underscore else { return nil }
        var clean: [UInt8] = []
        clean.reserveCapacity(digits.count)
        var previous: UInt8 = 0
        for byte in digits {
            if byte == underscore {
                if previous == underscore { return nil }
            } else {
                clean.append(byte)
            }
            previous = byte
        }
        return clean
    }
}

/// The bytes numbers, booleans and dates are written with.
private func isScalarByte(_ byte: UInt8) -> Bool {
    isBareKeyByte(byte) || byte == 0x2B || byte == 0x2E || byte == 0x3A
}

/// 0–15 for a hex digit.
private func digitValue(_ byte: UInt8) -> Int? {
    switch byte {
    case 0x30...0x39: Int(byte - 0x30)
    case 0x41...0x46: Int(byte - 0x41 + 10)
    case 0x61...0x66: Int(byte - 0x61 + 10)
    default: nil
    }
}
