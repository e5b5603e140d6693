/// A password or similar value. It prints as a mask everywhere, so no output path can leak it.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public static let mask = "********"

    /// The value itself, for the code that must use it (e.g. to open a key store), never for output.
    public let revealed: String

    public init(_ value: String) { revealed = value }

    public var description: String { Secret.mask }
    public var debugDescription: String { Secret.mask }

    /// Attribute names that hold secrets: keystorePass, truststorePassword, certificateKeyPassword,
    /// SSLPassword, … Matching on "pass" errs on the safe side.
    public static func isSecretAttribute(_ name: String) -> Bool {
        name.lowercased().includes("pass")
    }
}
