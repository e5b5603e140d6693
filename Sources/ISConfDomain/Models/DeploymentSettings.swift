import ISConfTOML
import ISConfXML

/// Where an effective setting comes from.
public enum DeploymentOrigin: Sendable, Equatable {
    /// The internal key itself, in deployment.toml.
    case key
    /// A key-mappings.json shorthand in deployment.toml.
    case shorthand
    /// Nothing in deployment.toml: the mapper's default.
    case defaults(DefaultsSource)
    /// Set nowhere: the template writes nothing for it.
    case unset
}

/// One setting as the config mapper will render it.
public struct DeploymentSetting: Sendable {
    public let key: DeploymentKey
    /// The value the template receives; nil when nothing sets it.
    public let value: TOMLValue?
    public let origin: DeploymentOrigin
    /// Every deployment.toml value that fills this key, in `DeploymentConfig.mapperOrder`; the rules read
    /// the last. Two only when both the full key and a shorthand are written: then the real mapper's
    /// HashMap decides (toml-duplicate-setting).
    public let entries: [TOMLEntry]

    /// The deployment.toml value that decides the setting, if one does.
    public var entry: TOMLEntry? { entries.last }

    /// The text the template writes into the XML (Jinjava prints scalars as Java does); nil when
    /// nothing is written or the value is an array or table, which has no such text.
    public var rendered: String? { value.flatMap(DeploymentSetting.renderedText(of:)) }

    /// The text the template writes for a value; nil for an array or table.
    static func renderedText(of value: TOMLValue) -> String? {
        switch value {
        case .string(let text): text
        case .boolean(let flag): flag ? "true" : "false"
        case .integer(let number): String(number)
        case .float: value.description
        case .dateTime(let text): text
        case .array, .table: nil
        }
    }

    /// Where the value comes from, for messages: the key as written, or which default.
    public var originDescription: String {
        switch origin {
        case .key: DeploymentConfig.displayName(entry?.keyPath ?? key.path)
        case .shorthand: "\(DeploymentConfig.displayName(entry?.keyPath ?? [])), a shorthand for \(DeploymentConfig.displayName(key.path))"
        case .defaults(let source): "\(source.description); deployment.toml does not set \(DeploymentConfig.displayName(key.path))"
        case .unset: "nothing sets \(DeploymentConfig.displayName(key.path))"
        }
    }
}

/// deployment.toml read as the config mapper reads it, with the effective mutual-SSL settings it renders.
public struct DeploymentConfig: Sendable {
    public let document: TOMLDocument
    public let mapper: MapperData
    /// Every leaf value of the file, in the mapper's order.
    public let leaves: [TOMLEntry]
    private let settings: [DeploymentKey: DeploymentSetting]

    public init(document: TOMLDocument, mapper: MapperData) {
        self.document = document
        self.mapper = mapper
        leaves = DeploymentConfig.mapperOrder(document)
        var settings: [DeploymentKey: DeploymentSetting] = [:]
        for key in DeploymentKey.allCases {
            let filling = leaves.filter { mapper.targets(of: $0.keyPath).contains(key.rawValue) }
            if let winner = filling.last {
                let direct = DeploymentConfig.flatKey(winner.keyPath) == key.rawValue
                settings[key] = DeploymentSetting(key: key, value: winner.value, origin: direct ? .key : .shorthand, entries: filling)
            } else if let value = mapper.defaults[key.rawValue] {
                settings[key] = DeploymentSetting(key: key, value: value, origin: .defaults(mapper.defaultsSource), entries: [])
            } else {
                settings[key] = DeploymentSetting(key: key, value: nil, origin: .unset, entries: [])
            }
        }
        self.settings = settings
    }

    public var path: String { document.path }

    /// Whether the rendered catalina-server.xml has the HTTPS connector: the templates that test
    /// [transport.https] enabled (IS 7.x, whose default.json sets it) write it only for the boolean true.
    public var rendersHTTPSConnector: Bool {
        mapper.defaults[DeploymentKey.httpsEnabled.rawValue] == nil || self[.httpsEnabled].value == .boolean(true)
    }

    public subscript(key: DeploymentKey) -> DeploymentSetting { settings[key]! }

    /// The key path to write so that `key` takes a new value: the key that decides it now (full or
    /// shorthand); else the shorthand, when the file already writes that setting's table through
    /// shorthands only; else the full key.
    public func keyPathToSet(_ key: DeploymentKey) -> [String] {
        if let entry = self[key].entry { return entry.keyPath }
        let table = Array(key.path.dropLast())
        let shorthands = mapper.keyMappings.filter { $0.value.contains(key.rawValue) }.keys.sorted()
        guard let shorthand = shorthands.first else { return key.path }
        let intoTable = leaves.filter { leaf in
            mapper.targets(of: leaf.keyPath).contains { $0.split(separator: ".").dropLast().map(String.init) == table }
        }
        let usesShorthands = !intoTable.isEmpty && intoTable.allSatisfy { Array($0.keyPath.dropLast()) != table }
        return usesShorthands ? shorthand.split(separator: ".").map(String.init) : key.path
    }

    /// Of a setting written both in full and as a shorthand, the entry the file's style prefers: the form
    /// most of the file's other keys into the same table are written in (the full key on a tie).
    public func preferredEntry(_ key: DeploymentKey) -> TOMLEntry? {
        let written = self[key].entries
        let table = Array(key.path.dropLast())
        let others = leaves.filter { leaf in
            !written.contains { $0.keySpan == leaf.keySpan }
                && mapper.targets(of: leaf.keyPath).contains { $0.split(separator: ".").dropLast().map(String.init) == table }
        }
        let shorthands = others.filter { Array($0.keyPath.dropLast()) != table }.count
        let preferShorthand = shorthands > others.count - shorthands
        return written.first { (DeploymentConfig.flatKey($0.keyPath) != key.rawValue) == preferShorthand } ?? written.last
    }

    /// Leaves whose key path lies below the given one, e.g. everything in the authenticator's table.
    public func leaves(under prefix: [String]) -> [TOMLEntry] {
        leaves.filter { $0.keyPath.count > prefix.count && Array($0.keyPath.prefix(prefix.count)) == prefix }
    }

    /// `[transport.https.sslHostConfig.properties] certificateVerification`.
    public static func displayName(_ keyPath: [String]) -> String {
        guard let last = keyPath.last else { return "" }
        let table = keyPath.dropLast().map(TOMLValue.key).joined(separator: ".")
        return table.isEmpty ? TOMLValue.key(last) : "[\(table)] \(TOMLValue.key(last))"
    }

    /// The mapper's dotted key for a key path: segments that are not bare keys single-quoted, as its
    /// TOML reader writes them.
    static func flatKey(_ keyPath: [String]) -> String {
        keyPath.map { TOMLValue.key($0) == $0 ? $0 : "'\($0)'" }.joined(separator: ".")
    }

    /// Leaves depth first through the table tree, each table's members in the order they were first
    /// defined. (The real mapper walks a HashMap: when a full key and its shorthand are both written,
    /// its winner cannot be told from the file, which toml-duplicate-setting reports.)
    static func mapperOrder(_ document: TOMLDocument) -> [TOMLEntry] {
        var definitions: [(offset: Int, keyPath: [String])] = document.tables.map { ($0.span.start, $0.path) }
        definitions += document.entries.map { ($0.keySpan.start, $0.keyPath) }
        definitions.sort { $0.offset < $1.offset }
        var firstSeen: [[String]: Int] = [:]
        for definition in definitions {
            for length in 1...max(1, definition.keyPath.count) where firstSeen[Array(definition.keyPath.prefix(length))] == nil {
                firstSeen[Array(definition.keyPath.prefix(length))] = firstSeen.count
            }
        }
        func rank(_ keyPath: [String]) -> [Int] { (1...max(1, keyPath.count)).map { firstSeen[Array(keyPath.prefix($0))] ?? Int.max } }
        return document.entries.map { (rank($0.keyPath), $0) }
            .sorted { $0.0.lexicographicallyPrecedes($1.0) }
            .map(\.1)
    }
}

extension TOMLValue {
    /// "a string", "an integer", … for messages.
    var typePhrase: String {
        let name = typeName
        return (name.first.map { "aeiou".contains($0) } == true ? "an " : "a ") + name
    }
}

extension MapperData {
    /// The internal keys a deployment.toml key path fills: its key-mappings targets, or itself.
    func targets(of keyPath: [String]) -> [String] {
        let key = DeploymentConfig.flatKey(keyPath)
        return keyMappings[key] ?? [key]
    }
}
