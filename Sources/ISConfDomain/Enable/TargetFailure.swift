import ISConfCore

/// Why `isconf enable` left a target untouched or only partly written, and what became of the
/// files it had already written: put back, or not (then where their originals are).
public struct TargetFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file this run wrote and could not put back.
    public struct Leftover: Sendable, Equatable {
        public enum Reason: Sendable, Equatable {
            /// Someone saved the file after isconf wrote it: their save is kept.
            case savedSince
            /// Putting it back failed; the original is in `backup`, when there is one.
            case failed(InputError, backup: String?)
        }

        public var path: String
        public var reason: Reason

        public init(path: String, reason: Reason) {
            self.path = path
            self.reason = reason
        }
    }

    /// What stopped the target.
    public var cause: InputError
    /// Files written before the failure and put back as they were, in the order they were written.
    public var restored: [String] = []
    /// Files written before the failure and still changed, in the order they were written.
    public var leftovers: [Leftover] = []

    public init(_ cause: InputError) {
        self.cause = cause
    }

    /// The cause, then what was put back and what was not: one line.
    public var description: String {
        var text = cause.description
        if !restored.isEmpty { text += "; put back as it was: " + restored.joined(separator: ", ") }
        if !leftovers.isEmpty { text += "; NOT put back, still changed: " + leftovers.map(\.description).joined(separator: ", ") }
        return text
    }
}

extension TargetFailure.Leftover: CustomStringConvertible {
    public var description: String {
        switch reason {
        case .savedSince: "\(path) (saved by someone else since)"
        case .failed(let error, let backup): "\(path) (\(error.message)\(backup.map { "; its original is in \($0)" } ?? ""))"
        }
    }
}
