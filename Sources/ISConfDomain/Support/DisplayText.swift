/// Text from files and paths made safe for a terminal and for line-based readers of the text
/// output: a value holding a line end (`&#10;`) cannot fake a second finding, an escape sequence
/// cannot repaint the screen, and a megabyte value is not echoed whole. JSON and SARIF output keep
/// the exact text (JSON escaping is exact already); only text output goes through here.
public enum DisplayText {
    /// The most characters of one quoted value shown; the rest is cut and its size given.
    public static let valueLimit = 200
    /// The most characters of a whole message shown, whatever its quoting.
    public static let messageLimit = 2000

    /// Control characters written as escapes: `\n`, `\r`, `\t`, else `\u{1b}` (C0, DEL, C1, and the
    /// Unicode line separators and bidirectional overrides that reorder what a terminal shows).
    public static func escaped(_ text: String, keepingTabs: Bool = false, keepingLineEnds: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar), !(keepingTabs && scalar == "\t"), !(keepingLineEnds && scalar == "\n") else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += "\\u{" + String(scalar.value, radix: 16) + "}"
            }
        }
        return out
    }

    /// A message for text output: escaped, each quoted value over `valueLimit` characters cut, and
    /// the whole cut at `messageLimit`; each cut says how many bytes the text had.
    public static func message(_ text: String) -> String {
        var out = ""
        var segment = ""
        var inQuotes = false
        for character in text {
            guard character == "\"" else {
                segment.append(character)
                continue
            }
            out += inQuotes ? cut(escaped(segment), at: valueLimit, bytes: segment.utf8.count) : escaped(segment)
            out += "\""
            segment = ""
            inQuotes.toggle()
        }
        out += inQuotes ? cut(escaped(segment), at: valueLimit, bytes: segment.utf8.count) : escaped(segment)
        return cut(out, at: messageLimit, bytes: text.utf8.count)
    }

    /// `text` itself when it has at most `limit` characters, else its first `limit` and the size
    /// (`bytes`) of what it shows.
    static func cut(_ text: String, at limit: Int, bytes: Int? = nil) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "…(\(bytes ?? text.utf8.count) bytes)"
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
            || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }
}
