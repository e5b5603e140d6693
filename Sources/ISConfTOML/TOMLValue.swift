/// A TOML value as the config mapper sees it. Tables are unordered, as in TOML itself; comparing two
/// documents' values is how an edit is verified.
public indirect enum TOMLValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    /// Offset or local date-times, dates and times, as text in one normal form (see `TOMLDateTime`), so
    /// that `1979-05-27 07:32:00z` and `1979-05-27T07:32:00+00:00` are the same value; isconf never
    /// computes with them.
    case dateTime(String)
    case array([TOMLValue])
    case table([String: TOMLValue])

    /// Equal as TOML values: strings compare byte for byte (not by Unicode canonical equivalence, as
    /// Swift's `==` does), and NaN equals NaN, so a document holding `nan` still equals itself.
    public static func == (a: TOMLValue, b: TOMLValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): x.utf8.elementsEqual(y.utf8)
        case (.integer(let x), .integer(let y)): x == y
        case (.float(let x), .float(let y)): x == y || (x.isNaN && y.isNaN)
        case (.boolean(let x), .boolean(let y)): x == y
        case (.dateTime(let x), .dateTime(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.table(let x), .table(let y)): x == y
        default: false
        }
    }

    /// The TOML type name, for messages ("a string", "a boolean", …).
    public var typeName: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .dateTime: "date-time"
        case .array: "array"
        case .table: "table"
        }
    }

    /// The value written as TOML (strings as basic strings with escapes; tables inline).
    public var description: String {
        switch self {
        case .string(let text): return TOMLValue.quoted(text)
        case .integer(let number): return String(number)
        case .float(let number):
            if number.isNaN { return "nan" }
            if number.isInfinite { return number < 0 ? "-inf" : "inf" }
            let text = String(number)
            return text.contains(".") || text.contains("e") ? text : text + ".0"
        case .boolean(let flag): return flag ? "true" : "false"
        case .dateTime(let text): return text
        case .array(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .table(let members):
            let body = members.keys.sorted().map { TOMLValue.key($0) + " = " + members[$0]!.description }
            return body.isEmpty ? "{}" : "{ " + body.joined(separator: ", ") + " }"
        }
    }

    /// A TOML basic string with the escapes TOML requires.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A key as TOML needs it written: bare when it can be, quoted otherwise.
    public static func key(_ name: String) -> String {
        let bare =
            !name.isEmpty
            && name.utf8.allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F
            }
        return bare ? name : quoted(name)
    }
}
