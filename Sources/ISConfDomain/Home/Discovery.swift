import ISConfCore
import ISConfXML

/// The two files isconf reads, by their role rather than their name.
public enum ConfigRole: String, Sendable, CaseIterable {
    case catalinaServer = "catalina-server.xml"
    case authenticators = "authenticators.xml"

    /// Where the file sits below IS_HOME.
    public var relativePath: String {
        switch self {
        case .catalinaServer: "repository/conf/tomcat/catalina-server.xml"
        case .authenticators: "repository/conf/security/authenticators.xml"
        }
    }

    var rootElement: String {
        switch self {
        case .catalinaServer: "Server"
        case .authenticators: "Authenticators"
        }
    }
}

/// What an IS_HOME tells about the server beyond the two files.
public struct HomeFacts: Sendable {
    /// Where deployment.toml sits below IS_HOME.
    public static let deploymentTomlPath = "repository/conf/deployment.toml"

    /// The IS_HOME folder; nil when files were given one by one.
    public var root: String?
    /// `repository/conf/deployment.toml`, present from IS 5.9: the XML files are generated from it.
    public var deploymentToml: String?
    /// From `org.wso2.carbon.core_<version>.jar` in the plugins folder.
    public var kernelVersion: String?
    /// The plugins folder, when there is one.
    public var pluginsDirectory: String?
    /// Whether the plugins folder holds the MutualSSLAuthenticator bundle; nil without a plugins folder.
    /// Identity Servers ship it (from 5.1.0) and kernel-only products do not, so with the kernel version
    /// it also tells which product's deployment.toml defaults apply.
    public var hasMutualSSLComponent: Bool?
    /// The config mapper's own data files, those the home has (IS 5.9+ packs have them all).
    public var mapperFiles: MapperFiles

    public init(
        root: String? = nil, deploymentToml: String? = nil, kernelVersion: String? = nil,
        pluginsDirectory: String? = nil, hasMutualSSLComponent: Bool? = nil,
        mapperFiles: MapperFiles = MapperFiles()
    ) {
        self.root = root
        self.deploymentToml = deploymentToml
        self.kernelVersion = kernelVersion
        self.pluginsDirectory = pluginsDirectory
        self.hasMutualSSLComponent = hasMutualSSLComponent
        self.mapperFiles = mapperFiles
    }

    /// Tomcat 9 from kernel 4.5 (IS 5.9) on; nil when the kernel version is unknown.
    public var tomcatGeneration: TomcatGeneration? {
        if let kernelVersion {
            let parts = kernelVersion.split(separator: ".").map { Int($0.prefix(while: \.isNumber)) ?? 0 }
            let (major, minor) = (parts.first ?? 0, parts.count > 1 ? parts[1] : 0)
            return (major, minor) >= (4, 5) ? .tomcat9 : .tomcat7
        }
        return deploymentToml != nil ? .tomcat9 : nil
    }

    /// The MutualSSLAuthenticator bundle's version, from its jar's name: it tells which thumbprints
    /// the authenticator compares.
    public var mutualSSLComponentVersion: String?
    /// How the store rules read the key stores the configuration names, and when they judge
    /// certificates: the disk and the clock, unless the rules' examples say otherwise.
    public var storeFiles = StoreFiles()
    /// The release `--is-version` named, standing in for the kernel version the files do not tell.
    public var identityServerRelease: IdentityServerRelease?
    /// A catalina-server.xml beside a deployment.toml linted without it: not linted, only read for what
    /// it tells of the product that rendered it (see AssumedProduct).
    public var renderedCatalinaBeside: String?

    /// These facts with `release` standing in for a kernel version they lack; an IS_HOME's own plugins
    /// folder is exact, so it wins.
    public func assuming(_ release: IdentityServerRelease?) -> HomeFacts {
        guard let release, kernelVersion == nil else { return self }
        var facts = self
        facts.kernelVersion = release.kernel
        facts.identityServerRelease = release
        return facts
    }
}

/// The config mapper's data files in `repository/resources/conf`: what it merges with deployment.toml.
public struct MapperFiles: Sendable, Equatable {
    static let folder = "repository/resources/conf"

    /// `default.json`: the product's defaults (kernel, features and product merged at build time).
    public var defaults: String?
    /// `key-mappings.json`: shorthand keys.
    public var keyMappings: String?
    /// `validator.json`: checks that stop the server.
    public var validator: String?

    public init(defaults: String? = nil, keyMappings: String? = nil, validator: String? = nil) {
        self.defaults = defaults
        self.keyMappings = keyMappings
        self.validator = validator
    }

    /// Those of the three files that exist below an IS_HOME.
    static func find(in root: String) -> MapperFiles {
        func existing(_ name: String) -> String? {
            let path = FileSystem.join(root, folder + "/" + name)
            return FileSystem.exists(path) ? path : nil
        }
        return MapperFiles(
            defaults: existing("default.json"), keyMappings: existing("key-mappings.json"),
            validator: existing("validator.json"))
    }
}

/// One unit of linting: an IS_HOME, or a single file given directly.
public struct LintTarget: Sendable {
    public var facts: HomeFacts
    public var files: [(role: ConfigRole, path: String)]

    public init(facts: HomeFacts, files: [(role: ConfigRole, path: String)]) {
        self.facts = facts
        self.files = files
    }
}

public struct DiscoveryResult: Sendable {
    public var targets: [LintTarget] = []
    public var errors: [InputError] = []
    /// Inputs passed over on purpose, with why (templates are not XML or TOML; a folder too deep to walk).
    public var skipped: [InputError] = []
}

public enum Discovery {
    public static let mutualSSLBundlePrefix = "org.wso2.carbon.identity.authenticator.mutualssl_"
    static let kernelBundlePrefix = "org.wso2.carbon.core_"

    /// Turns command-line paths into lint targets: IS_HOMEs, folders holding IS_HOMEs (two levels
    /// deep), or single files: a `.toml` as a deployment.toml, XML recognised by its root element. Order follows the arguments, then names.
    ///
    /// `configRepositories` (lint, which only reads) also walks a folder that is not an IS_HOME for the
    /// files isconf knows (ConfigRepository.swift), passes over a templated deployment.toml, and lints
    /// a deployment.toml with the XML beside it as one target; `enable` and `watch`, which write, keep
    /// to IS_HOMEs and the files named.
    public static func discover(_ paths: [String], configRepositories: Bool = false) -> DiscoveryResult {
        var result = DiscoveryResult()
        for path in paths {
            switch FileSystem.kind(path) {
            case .failure(let error):
                result.errors.append(InputError.system(error.code, path: path))
            case .success(.directory):
                if isHome(path) {
                    result.targets.append(home(path))
                } else if configRepositories {
                    let found = walk(path)
                    if found.targets.isEmpty && found.errors.isEmpty && found.skipped.isEmpty {
                        result.errors.append(
                            InputError(
                                path: path,
                                .noConfiguration, "no IS_HOME, deployment.toml, catalina-server.xml or authenticators.xml here or in its subfolders"))
                    }
                    result.targets += found.targets
                    result.errors += found.errors
                    result.skipped += found.skipped
                } else {
                    let found = homes(below: path, depth: 2)
                    if found.isEmpty {
                        result.errors.append(
                            InputError(
                                path: path,
                                .noConfiguration, "no IS_HOME here or in its subfolders (expected \(ConfigRole.catalinaServer.relativePath))"))
                    }
                    result.targets.append(contentsOf: found.map(home))
                }
            case .success(.file) where isDeploymentToml(path) && configRepositories:
                if let target = deploymentTomlTarget(path) { result.targets.append(target) } else { result.skipped.append(templateSkipped(path)) }
            case .success(.file) where isDeploymentToml(path), .success(.other) where isDeploymentToml(path):
                result.targets.append(LintTarget(facts: HomeFacts(deploymentToml: path), files: []))
            case .success(.file), .success(.other):
                switch singleFileRole(path) {
                case .success(nil):
                    result.skipped.append(templateSkipped(path))
                case .success(let role?):
                    result.targets.append(LintTarget(facts: HomeFacts(), files: [(role, path)]))
                case .failure(let error):
                    result.errors.append(error)
                }
            }
        }
        if configRepositories { result.targets = groupedByFolder(result.targets) }
        return result
    }

    static func templateSkipped(_ path: String) -> InputError {
        isDeploymentToml(path)
            ? InputError(path: path, .template, "a template (Jinja2, Helm or ERB markup), not TOML: skipped; lint the rendered file")
            : InputError(path: path, .template, "a Jinja2/ERB template, not XML: skipped; lint the rendered file")
    }

    /// A `.toml` file given directly is read as a deployment.toml: the only TOML isconf knows.
    static func isDeploymentToml(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".toml")
    }

    static func isHome(_ path: String) -> Bool {
        FileSystem.isDirectory(FileSystem.join(path, "repository/conf"))
    }

    private static func homes(below path: String, depth: Int) -> [String] {
        guard depth > 0, let entries = FileSystem.entries(path) else { return [] }
        var found: [String] = []
        for name in entries {
            let child = FileSystem.join(path, name)
            guard FileSystem.isDirectory(child) else { continue }
            if isHome(child) { found.append(child) } else { found.append(contentsOf: homes(below: child, depth: depth - 1)) }
        }
        return found
    }

    /// Reads what the IS_HOME's layout says: generated files and the mapper's data, kernel version, the
    /// authenticator bundle.
    public static func home(_ root: String) -> LintTarget {
        var facts = HomeFacts(root: root)
        let toml = FileSystem.join(root, HomeFacts.deploymentTomlPath)
        if FileSystem.exists(toml) {
            facts.deploymentToml = toml
            facts.mapperFiles = MapperFiles.find(in: root)
        }
        let plugins = FileSystem.join(root, "repository/components/plugins")
        if let entries = FileSystem.entries(plugins) {
            facts.pluginsDirectory = plugins
            let bundle = entries.first { $0.hasPrefix(mutualSSLBundlePrefix) && $0.hasSuffix(".jar") }
            facts.hasMutualSSLComponent = bundle != nil
            facts.mutualSSLComponentVersion = bundle.map { String($0.dropFirst(mutualSSLBundlePrefix.count).dropLast(4)) }
            if let kernel = entries.first(where: { $0.hasPrefix(kernelBundlePrefix) && $0.hasSuffix(".jar") }) {
                facts.kernelVersion = String(kernel.dropFirst(kernelBundlePrefix.count).dropLast(4))
            }
        }
        let files = ConfigRole.allCases.map { ($0, FileSystem.join(root, $0.relativePath)) }
        return LintTarget(facts: facts, files: files)
    }

    /// Recognises a file by its root element, falling back to its name when it is not readable XML
    /// (so that a broken catalina-server.xml is still linted and reported as malformed).
    /// nil for a template (by its extension, or because it is text that does not parse as XML and has
    /// Jinja2/ERB markup outside comments): a real template never parses, while `{{` in a comment of
    /// a real file must not get that file skipped. Anything else that is not XML is an error.
    static func singleFileRole(_ path: String) -> Result<ConfigRole?, InputError> {
        let templateExtensions = [".j2", ".jinja", ".jinja2", ".erb", ".tmpl"]
        if templateExtensions.contains(where: path.hasSuffix) { return .success(nil) }
        // Its head is usually enough to recognise it; the linter reads the whole file once, later.
        let head: SourceFile
        do { head = try SourceFile.read(path: path, head: 64 * 1024) } catch { return .failure(error) }
        if let root = peekRootElement(head.bytes), !containsTemplateMarkup(head.bytes) { return role(ofRoot: root, path: path) }
        let source: SourceFile
        do { source = try SourceFile.read(path: path) } catch { return .failure(error) }
        let parseError: InputError
        do {
            let document = try XMLDocument.parse(source)
            return role(ofRoot: document.root.qualifiedName, path: path)
        } catch {
            parseError = error
        }
        if isText(source.bytes), containsTemplateMarkup(source.bytes) { return .success(nil) }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if let role = ConfigRole.allCases.first(where: { $0.rawValue == name }) { return .success(role) }
        return .failure(
            InputError(
                path: path, .wrongFileType,
                "not a catalina-server.xml or authenticators.xml: "
                    + (parseError.position.map { "line \($0.line), column \($0.column): " } ?? "") + parseError.message))
    }

    private static func role(ofRoot root: String, path: String) -> Result<ConfigRole?, InputError> {
        let local = root.split(separator: ":").last.map(String.init) ?? root
        if let role = ConfigRole.allCases.first(where: { $0.rootElement == local }) { return .success(role) }
        return .failure(
            InputError(path: path, .wrongFileType, "not a catalina-server.xml or authenticators.xml (root element <\(DisplayText.cut(root, at: 100))>)"))
    }

    /// No control bytes but tab and line ends: what a template, unlike binary junk, is made of.
    static func isText(_ bytes: [UInt8]) -> Bool {
        !bytes.contains { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F }
    }

    /// Jinja2 (`{{`, `{%`) or ERB (`<%`) markup outside XML comments.
    static func containsTemplateMarkup(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index + 1 < bytes.count {
            let (a, b) = (bytes[index], bytes[index + 1])
            if a == UInt8(ascii: "<"), b == UInt8(ascii: "!"), bytes[index...].starts(with: Array("<!--".utf8)) {
                guard let end = firstIndex(of: [0x2D, 0x2D, 0x3E], in: bytes, from: index + 4) else { return false }
                index = end + 3
                continue
            }
            if (a == UInt8(ascii: "{") && (b == UInt8(ascii: "%") || b == UInt8(ascii: "{")))
                || (a == UInt8(ascii: "<") && b == UInt8(ascii: "%"))
            {
                return true
            }
            index += 1
        }
        return false
    }

    /// The name of the first element, skipping the declaration, comments and processing instructions.
    static func peekRootElement(_ bytes: [UInt8]) -> String? {
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let count = bytes.count
        while index < count {
            guard bytes[index] == UInt8(ascii: "<") else {
                guard bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D else { return nil }
                index += 1
                continue
            }
            let next = index + 1 < count ? bytes[index + 1] : 0
            if next == UInt8(ascii: "?") {
                guard let end = firstIndex(of: [0x3F, 0x3E], in: bytes, from: index) else { return nil }
                index = end + 2
            } else if next == UInt8(ascii: "!") {
                guard bytes[index...].starts(with: Array("<!--".utf8)),
                    let end = firstIndex(of: [0x2D, 0x2D, 0x3E], in: bytes, from: index + 4)
                else { return nil }
                index = end + 3
            } else {
                var end = index + 1
                while end < count,
                    !(bytes[end] == 0x20 || bytes[end] == 0x09 || bytes[end] == 0x0A || bytes[end] == 0x0D
                        || bytes[end] == UInt8(ascii: ">") || bytes[end] == UInt8(ascii: "/"))
                { end += 1 }
                return end > index + 1 ? String(decoding: bytes[(index + 1)..<end], as: UTF8.self) : nil
            }
        }
        return nil
    }

    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
