import ISConfCore
import ISConfTOML

/// Where the defaults that deployment.toml leaves to the config mapper come from.
public enum DefaultsSource: Sendable, Equatable, CustomStringConvertible {
    /// The home's own `repository/resources/conf/default.json`: exactly what its mapper uses.
    case homeFile(String)
    /// isconf's table of an Identity Server's defaults (IS's default.json merged over the kernel's).
    case identityServer(kernel: String)
    /// isconf's table of the Carbon kernel's defaults; the version is nil when unknown.
    case kernel(String?)
    /// isconf's table for a product it assumed from what the files hold, the version unknown.
    case assumed(AssumedProduct)

    /// Which built-in table this is, and why isconf chose it.
    var tableDescription: String {
        switch self {
        case .homeFile(let path): path
        case .identityServer(let kernel): "the defaults of \(BuiltInMapperData.productName(kernel: kernel))"
        case .kernel(let version?):
            "the defaults of Carbon kernel \(version) (no MutualSSLAuthenticator bundle in the plugins folder, so not an Identity Server), under which certificateVerification is \"false\""
        case .kernel(nil):
            "the Carbon kernel's defaults, as the kernel version is unknown (no org.wso2.carbon.core_*.jar in repository/components/plugins): under them certificateVerification is \"false\", while IS 5.9+ defaults to \"want\""
        case .assumed(let product):
            switch product.kind {
            case .identityServer: "WSO2 Identity Server's defaults, those every release from 5.9.0 has"
            case .kernelOnly(let name): "the Carbon kernel's defaults, as for \(name), under which certificateVerification is \"false\""
            }
        }
    }

    public var description: String {
        switch self {
        case .homeFile(let path): "the default in \(path)"
        case .identityServer(let kernel): "the default of \(BuiltInMapperData.productName(kernel: kernel))"
        case .kernel(let version?): "the default of Carbon kernel \(version)"
        case .kernel(nil): "the Carbon kernel's default (kernel version unknown)"
        case .assumed(let product):
            switch product.kind {
            case .identityServer: "the default of WSO2 Identity Server (assumed, version unknown)"
            case .kernelOnly(let name): "the Carbon kernel's default (assumed: \(name), version unknown)"
            }
        }
    }
}

/// What the config mapper adds to deployment.toml before rendering: default values, key shorthands and
/// the validator's whitelist check. Read from the home's own files when it has them; otherwise from
/// isconf's tables for the kernel version, which `notes` then explains.
public struct MapperData: Sendable {
    /// Internal dotted keys → default values (default.json, nested objects flattened).
    public var defaults: [String: TOMLValue]
    public var defaultsSource: DefaultsSource
    /// Shorthand dotted key → the internal keys it fills (key-mappings.json).
    public var keyMappings: [String: [String]]
    /// Whether the mapper refuses to start the server when WhiteListEnabled is the boolean true and
    /// WhiteList is empty or missing: validator.json has that rule from kernel 4.5.0, the first kernel
    /// with deployment.toml, so only a home's own validator.json without it says otherwise.
    public var validatesWhiteList: Bool
    /// Why isconf's tables stand in for the home's files, one sentence each; empty when the home's are used.
    public var notes: [String]
    /// Internal keys whose default differs between releases of an assumed product, whose version isconf
    /// does not know (EnableSHA256 from kernel 4.10, [transport.https] enabled in IS 7.x): no rule may
    /// take their absence from the table for what the server renders.
    public var defaultsUnknown: Set<String> = []

    /// The mapper data for a home: its own files where present and readable, isconf's tables for the rest.
    /// `assumedProduct` stands in for an unknown kernel version (lint infers it from the files; `enable`
    /// does not, and keeps the kernel's stricter defaults, so it writes what a kernel-only product needs).
    public static func load(_ files: MapperFiles, facts: HomeFacts, assumedProduct: AssumedProduct? = nil) -> MapperData {
        var notes: [String] = []
        let kernel = facts.kernelVersion
        let builtInSource: DefaultsSource
        if let kernel {
            let identityServer = facts.hasMutualSSLComponent == true || facts.identityServerRelease != nil
            builtInSource = identityServer ? .identityServer(kernel: kernel) : .kernel(kernel)
        } else {
            builtInSource = assumedProduct.map(DefaultsSource.assumed) ?? .kernel(nil)
        }

        var defaults = BuiltInMapperData.defaults(for: builtInSource)
        var defaultsSource = builtInSource
        if let path = files.defaults {
            if let parsed = read(path, noting: &notes) {
                defaults = [:]
                flatten(parsed, prefix: nil, into: &defaults)
                defaultsSource = .homeFile(path)
            }
        } else if facts.root != nil {
            notes.append("the home has no \(MapperFiles.folder)/default.json")
        }
        if defaultsSource == builtInSource {
            switch builtInSource {
            case .assumed(let product):
                let unknown =
                    facts.root == nil ? "no IS version given" : "no IS version given and no org.wso2.carbon.core_*.jar in repository/components/plugins"
                notes.append("isconf assumed \(builtInSource.tableDescription) (\(unknown); \(product.evidence))")
            case .identityServer where facts.identityServerRelease != nil:
                notes.append("isconf used its own table: \(builtInSource.tableDescription), as --is-version says")
            default:
                notes.append("isconf used its own table: \(builtInSource.tableDescription)")
            }
        }

        var keyMappings = BuiltInMapperData.keyMappings
        if let path = files.keyMappings, case .table(let members)? = read(path, noting: &notes) {
            keyMappings = [:]
            for (shorthand, target) in members {
                switch target {
                case .string(let key): keyMappings[shorthand] = [key]
                case .array(let keys): keyMappings[shorthand] = keys.compactMap { if case .string(let key) = $0 { key } else { nil } }
                default: continue
                }
            }
        }

        var validatesWhiteList = kernel.map { BuiltInMapperData.atLeast($0, [4, 5, 0]) } ?? true
        if let path = files.validator, case .table(let rules)? = read(path, noting: &notes) {
            validatesWhiteList = rules[DeploymentKey.whiteList.rawValue] != nil
        }
        var defaultsUnknown: Set<String> = []
        if case .assumed = defaultsSource { defaultsUnknown = [DeploymentKey.enableSHA256.rawValue, DeploymentKey.httpsEnabled.rawValue] }
        return MapperData(
            defaults: defaults, defaultsSource: defaultsSource, keyMappings: keyMappings,
            validatesWhiteList: validatesWhiteList, notes: notes, defaultsUnknown: defaultsUnknown)
    }

    private static func read(_ path: String, noting notes: inout [String]) -> TOMLValue? {
        do { return try MapperJSON.parse(try SourceFile.read(path: path)) } catch {
            notes.append("\(error); isconf used its own table instead")
            return nil
        }
    }

    /// default.json mixes flat dotted keys with nested objects (`"realm_manager": {"properties": …}`);
    /// the templates see both as one tree.
    private static func flatten(_ value: TOMLValue, prefix: String?, into result: inout [String: TOMLValue]) {
        guard case .table(let members) = value else {
            if let prefix { result[prefix] = value }
            return
        }
        for (name, member) in members { flatten(member, prefix: prefix.map { $0 + "." + name } ?? name, into: &result) }
    }
}

/// isconf's own copy of the mapper data that matters for mutual SSL, for homes that lack the files.
enum BuiltInMapperData {
    /// IS releases by kernel, from product-is's `carbon.kernel.version` (5.9.0 is the first with the mapper).
    static func productName(kernel: String) -> String {
        if let release = IdentityServerRelease.built(onKernel: kernel) {
            return "IS \(release.version) (kernel \(kernel))"
        }
        return "the Identity Server with kernel \(kernel)"
    }

    /// The kernel's default.json (4.5.1 to 4.12.34 agree on these but EnableSHA256, added in 4.10),
    /// with IS's default.json over it for an Identity Server: it sets "want" from 5.9.0 on.
    static func defaults(for source: DefaultsSource) -> [String: TOMLValue] {
        let authenticator = "admin_console.authenticator.mutual_ssl_authenticator."
        var values: [String: TOMLValue] = [
            DeploymentKey.certificateVerification.rawValue: .string("false"),
            authenticator + "enable": .boolean(false),
            authenticator + "priority": .string("5"),
            authenticator + "config.UsernameHeader": .string("UserName"),
            authenticator + "config.WhiteListEnabled": .boolean(false),
        ]
        let kernel: String?
        switch source {
        case .identityServer(let version):
            kernel = version
            values[DeploymentKey.certificateVerification.rawValue] = .string("want")
        case .kernel(let version): kernel = version
        case .assumed(let product):
            kernel = nil
            if product.kind == .identityServer { values[DeploymentKey.certificateVerification.rawValue] = .string("want") }
        case .homeFile: kernel = nil
        }
        if let kernel, atLeast(kernel, [4, 10]) { values[authenticator + "config.EnableSHA256"] = .boolean(true) }
        // IS 7.x's default.json, for its template's `transport.https.enabled is sameas true` (IS 5.9's has no such test).
        if case .identityServer(let version) = source, atLeast(version, [4, 10]) {
            values[DeploymentKey.httpsEnabled.rawValue] = .boolean(true)
        }
        return values
    }

    /// key-mappings.json's shorthands for the settings isconf reads (kernel 4.12.34; assumed for all 4.5+).
    static let keyMappings: [String: [String]] = [
        "transport.https.properties.certificate_verification": [DeploymentKey.certificateVerification.rawValue],
        "admin_console.authenticator.mutual_ssl_authenticator.username_header": [DeploymentKey.usernameHeader.rawValue],
        "admin_console.authenticator.mutual_ssl_authenticator.white_list_enabled": [DeploymentKey.whiteListEnabled.rawValue],
        "admin_console.authenticator.mutual_ssl_authenticator.white_list": [DeploymentKey.whiteList.rawValue],
    ]

    /// Whether a kernel version such as "4.10.9" is at least the given one; trailing qualifiers are ignored.
    static func atLeast(_ version: String, _ minimum: [Int]) -> Bool {
        let parts = version.split(separator: ".").map { Int($0.prefix(while: \.isNumber)) ?? 0 }
        for index in minimum.indices {
            let part = index < parts.count ? parts[index] : 0
            if part != minimum[index] { return part > minimum[index] }
        }
        return true
    }
}
