#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why an input could not be used: what kind of failure it is, for code and tests to act on, and
/// the particulars, for people. Its description is the one-line message users see.
public struct InputError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong. Kinds of the file system and the store password have their own wording;
    /// the others are worded by their `detail`.
    public enum Kind: Hashable, Sendable {
        /// ENOENT.
        case notFound
        /// EACCES or EPERM.
        case permissionDenied
        /// A directory, FIFO, device or socket where a file was expected.
        case notARegularFile(isDirectory: Bool)
        /// Any other errno: a symlink loop, a full disk, a read-only file system…
        case ioFailure(errno: Int32)
        /// Over the size isconf reads; `size` when it was known before reading.
        case tooLarge(size: Int?, limit: Int)
        /// A file isconf would replace has no write permission (its mode, in octal).
        case readOnly(mode: UInt32)
        /// A walk went deeper than `limit` folders.
        case tooDeep(limit: Int)
        /// The store's integrity check failed with the password given.
        case wrongPassword
        /// The store needs a password and none was given.
        case passwordNeeded
        /// Empty, or only whitespace.
        case empty
        /// Not well-formed: bad syntax, truncated, trailing bytes, a damaged structure.
        case malformed
        /// Well-formed, but in an encoding, version or algorithm isconf does not read.
        case unsupportedFormat
        /// Readable, but not the kind of file asked for (not a key store, not one of the two files, another store type).
        case wrongFileType
        /// Template markup (Jinja2, Helm, ERB), not the configuration it renders.
        case template
        /// Within a structural limit isconf keeps (attributes per element, nesting): refused.
        case overLimit
        /// The store has no certificate under the alias asked for.
        case noCertificateEntry
        /// Something is already where isconf would write, or an alias is taken.
        case alreadyExists
        /// Someone else changed the file, or held its folder, while isconf was writing.
        case changedMeanwhile
        /// An edit did not read back as intended; nothing was written.
        case verificationFailed
        /// No IS_HOME or configuration file where one was looked for.
        case noConfiguration
        /// The change asked for cannot be made to this file (no connector, a placeholder, an unfixable rule…).
        case cannotEdit
        /// A command-line option or setting has a value isconf cannot use.
        case invalidArgument
        /// The system had no memory left for the XML parser.
        case outOfMemory
        /// A bug in isconf, caught before it could damage a file.
        case internalError

        /// The kind of a failed system call.
        public init(errno code: Int32) {
            switch code {
            case ENOENT: self = .notFound
            case EACCES, EPERM: self = .permissionDenied
            case EISDIR: self = .notARegularFile(isDirectory: true)
            default: self = .ioFailure(errno: code)
            }
        }
    }

    /// What was left undone because of the failure, said last.
    public enum Consequence: Sendable, Equatable {
        case notChanged
        case notWritten
    }

    public var path: String
    public var kind: Kind
    /// The particulars of a kind worded by them ("UTF-16 encoded; …"); nil for the kinds with their own wording.
    public var detail: String?
    /// What isconf was doing when it failed ("cannot replace it"), said first.
    public var context: String?
    /// Where in the file the problem is, when it is inside the file.
    public var position: SourcePosition?
    public var consequence: Consequence?
    /// What the user can do about it, said in parentheses after the failure ("raise fs.inotify.max_user_watches").
    public var remedy: String?

    public init(
        path: String, _ kind: Kind, _ detail: String? = nil, context: String? = nil, position: SourcePosition? = nil,
        consequence: Consequence? = nil, remedy: String? = nil
    ) {
        self.path = path
        self.kind = kind
        self.detail = detail
        self.context = context
        self.position = position
        self.consequence = consequence
        self.remedy = remedy
    }

    /// A failed system call's `code`, with what isconf was `doing` when it failed.
    public static func system(
        _ code: Int32, path: String, doing: String? = nil, consequence: Consequence? = nil,
        remedy: String? = nil
    ) -> InputError {
        InputError(path: path, Kind(errno: code), context: doing, consequence: consequence, remedy: remedy)
    }

    /// The same failure, reported for `path` as part of what isconf was `doing` there.
    public func within(_ doing: String, path: String) -> InputError {
        var error = self
        error.path = path
        error.context = doing + (context.map { ": " + $0 } ?? "")
        return error
    }

    /// The same failure, with what it left undone.
    public func leaving(_ consequence: Consequence) -> InputError {
        var error = self
        error.consequence = consequence
        return error
    }

    /// The message without the path: the one place each kind is worded.
    public var message: String {
        let text = (context.map { $0 + ": " } ?? "") + wording + (remedy.map { " (\($0))" } ?? "")
        switch consequence {
        case .notChanged: return text + "; not changed"
        case .notWritten: return text + "; not written"
        case nil: return text
        }
    }

    public var description: String {
        if let position { return "\(path):\(position.line):\(position.column): \(message)" }
        return "\(path): \(message)"
    }

    /// The kind's own words, or its particulars.
    private var wording: String {
        switch kind {
        case .notFound: describeErrno(ENOENT)
        case .permissionDenied: describeErrno(EACCES)
        case .ioFailure(let code): describeErrno(code)
        case .notARegularFile(let isDirectory): isDirectory ? describeErrno(EISDIR) : "is not a regular file"
        case .tooLarge(let size, let limit): "file is " + (size.map { "\($0) bytes, " } ?? "") + "over the \(describeSize(limit)) limit"
        case .readOnly(let mode): "is read-only (mode \(String(mode, radix: 8)))"
        case .tooDeep(let limit): "more than \(limit) folders deep: not walked; give it to isconf lint directly"
        case .wrongPassword: "store password is incorrect, or the store was tampered with (its integrity check failed)"
        case .verificationFailed: "verification failed: " + (detail ?? "")
        case .internalError: "internal error: " + (detail ?? "")
        case .passwordNeeded, .empty, .malformed, .unsupportedFormat, .wrongFileType, .template, .overLimit,
            .noCertificateEntry, .alreadyExists, .changedMeanwhile, .noConfiguration, .cannotEdit, .invalidArgument,
            .outOfMemory:
            detail ?? ""
        }
    }
}
