import ISConfCore
import ISConfDomain

extension InputError {
    /// The error's line for text output: its path escaped, its message escaped and cut (DisplayText).
    var displayed: String {
        let location = DisplayText.escaped(path) + (position.map { ":\($0.line):\($0.column)" } ?? "")
        return location + ": " + DisplayText.message(message)
    }
}
