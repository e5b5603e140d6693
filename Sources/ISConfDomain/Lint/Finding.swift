import ISConfCore

public enum Severity: String, Sendable, Comparable, CaseIterable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One problem, located in a file. Messages never contain secret values.
public struct Finding: Sendable {
    public var rule: String
    public var severity: Severity
    public var message: String
    public var file: String
    /// Nil when the finding is about a file or folder as a whole.
    public var position: SourcePosition?
    /// What to do about it.
    public var hint: String?
    /// Whether `isconf enable` fixes it.
    public var fixable: Bool
    /// Names the thing the finding is about independently of its line, for stable fingerprints
    /// (e.g. `Connector[port=9443]`).
    public var subject: String
    /// Set when an `isconf-ignore` comment, the configuration or `--ignore` suppresses the finding: it
    /// then leaves the text output and the exit status, and JSON and SARIF mark it.
    public var suppression: Suppression?

    public init(
        rule: String, severity: Severity, message: String, file: String, position: SourcePosition?,
        hint: String? = nil, fixable: Bool = false, subject: String
    ) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.file = file
        self.position = position
        self.hint = hint
        self.fixable = fixable
        self.subject = subject
    }
}

/// Why a finding is suppressed, in SARIF's terms (2.1.0 §3.35).
public struct Suppression: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// An `isconf-ignore` comment in the file itself.
        case inSource
        /// The configuration file's `ignore`, or `--ignore`.
        case external
    }

    public var kind: Kind
    public var justification: String

    public init(kind: Kind, justification: String) {
        self.kind = kind
        self.justification = justification
    }
}

extension Finding {
    /// The finding about a disabled authenticator's settings: a warning now, of what enabling it would meet.
    var onceEnabled: Finding {
        var finding = self
        finding.severity = .warning
        finding.message = "once enabled, " + message
        finding.fixable = false
        return finding
    }
}
