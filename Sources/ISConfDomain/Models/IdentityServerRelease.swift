/// A WSO2 Identity Server release and the Carbon kernel it is built on: what `--is-version` names when the
/// files alone (a deployment.toml in a config repository, with no IS pack beside it) cannot tell which
/// product defaults and Tomcat apply.
public struct IdentityServerRelease: Sendable, Equatable {
    public let version: String
    public let kernel: String

    /// Every release since the MutualSSLAuthenticator shipped, from product-is's `carbon.kernel.version`
    /// (../shared/corpus/wso2/SOURCES.md); 5.9.0 is the first with deployment.toml.
    public static let all: [IdentityServerRelease] = [
        ("5.1.0", "4.4.3"), ("5.2.0", "4.4.9"), ("5.3.0", "4.4.11"), ("5.4.0", "4.4.20"), ("5.5.0", "4.4.26"),
        ("5.6.0", "4.4.32"), ("5.7.0", "4.4.35"), ("5.8.0", "4.4.40"), ("5.9.0", "4.5.1"), ("5.10.0", "4.6.0"),
        ("5.11.0", "4.6.1"), ("6.0.0", "4.7.1"), ("6.1.0", "4.9.0"), ("7.0.0", "4.10.9"), ("7.1.0", "4.10.42"),
        ("7.2.0", "4.10.101"), ("7.3.0", "4.12.34"),
    ].map { IdentityServerRelease(version: $0.0, kernel: $0.1) }

    /// The release with this exact version, e.g. "7.3.0".
    public static func named(_ version: String) -> IdentityServerRelease? {
        all.first { $0.version == version }
    }

    /// The release a kernel version belongs to, for messages such as "IS 7.3.0 (kernel 4.12.34)".
    static func built(onKernel kernel: String) -> IdentityServerRelease? {
        all.first { $0.kernel == kernel }
    }

    /// Why a command-line or configuration value names no release: one line for a usage error.
    public static func problem(with version: String) -> String? {
        if named(version) != nil { return nil }
        let shown = DisplayText.escaped(DisplayText.cut(version, at: 40))
        let shape = version.split(separator: ".", omittingEmptySubsequences: false)
        let wellFormed = shape.count == 3 && shape.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
        if !wellFormed { return "'\(shown)' is not an IS version of the form X.Y.Z, e.g. 7.3.0" }
        return "'\(shown)' is not an Identity Server release isconf knows (\(all.map(\.version).joined(separator: ", ")))"
    }
}
