/// The value tree as the scanner builds it, with what TOML 1.0 needs to know about how each table
/// came to be: a table may be defined once, by a `[header]` or by dotted keys, and inline tables and
/// arrays written as values are closed once written.
final class TableBuilder {
    enum Definition: Equatable {
        /// Only named on the way to another table (`a` of `[a.b]`): a `[a]` header may still define it.
        case implicit
        /// By its own `[header]` (or `[[header]]` element).
        case header
        /// By dotted keys (`a.b = 1` defines `a`) of the section with this index: later sections
        /// may add sub-tables with headers, but neither headers nor dotted keys may define it again.
        case dottedKeys(section: Int)
    }

    enum Member {
        case table(TableBuilder)
        /// `[[name]]` elements.
        case tables(TableArray)
        /// Any value written after `=`, inline tables and arrays included.
        case value(TOMLValue, definedAt: Int)
    }

    var members: [String: Member] = [:]
    var definition: Definition
    /// The offset of the header or key that defined it (or first named it).
    var definedAt: Int

    init(definition: Definition, definedAt: Int) {
        self.definition = definition
        self.definedAt = definedAt
    }

    var value: TOMLValue {
        .table(
            members.mapValues { member in
                switch member {
                case .table(let table): table.value
                case .tables(let array): .array(array.elements.map(\.value))
                case .value(let value, _): value
                }
            })
    }
}

/// An array of tables, grown by its `[[name]]` headers.
final class TableArray {
    var elements: [TableBuilder] = []
    let definedAt: Int

    init(definedAt: Int) {
        self.definedAt = definedAt
    }
}

/// A rule of TOML 1.0 a header or key broke; `TOMLScanner` adds the position.
struct DefinitionConflict: Error {
    var message: String
    /// Where the earlier definition it conflicts with is.
    var earlier: Int
}

extension TableBuilder {
    /// The table a `[header]` or `[[header]]` with these key parts opens (creating what is missing),
    /// and its absolute path with `[n]` for array-of-tables elements.
    func openHeader(_ parts: [String], isArrayElement: Bool, at offset: Int) throws(DefinitionConflict) -> (TableBuilder, [String]) {
        var table = self
        var path: [String] = []
        for (number, part) in parts.enumerated() {
            path.append(part)
            // For messages: the header's own parts so far.
            var name: String { describe(Array(parts[...number])) }
            if number < parts.count - 1 {
                switch table.members[part] {
                case nil:
                    let created = TableBuilder(definition: .implicit, definedAt: offset)
                    table.members[part] = .table(created)
                    table = created
                case .table(let existing):
                    table = existing
                case .tables(let array):
                    path.append("[\(array.elements.count - 1)]")
                    table = array.elements[array.elements.count - 1]
                case .value(let value, let definedAt):
                    throw DefinitionConflict(message: "\(name) is \(article(value)) written as a value, which a header cannot add to", earlier: definedAt)
                }
                continue
            }
            switch (table.members[part], isArrayElement) {
            case (nil, true):
                let array = TableArray(definedAt: offset)
                let element = TableBuilder(definition: .header, definedAt: offset)
                array.elements.append(element)
                table.members[part] = .tables(array)
                path.append("[0]")
                table = element
            case (.tables(let array), true):
                let element = TableBuilder(definition: .header, definedAt: offset)
                array.elements.append(element)
                path.append("[\(array.elements.count - 1)]")
                table = element
            case (nil, false):
                let created = TableBuilder(definition: .header, definedAt: offset)
                table.members[part] = .table(created)
                table = created
            case (.table(let existing), false):
                switch existing.definition {
                case .implicit:
                    existing.definition = .header
                    existing.definedAt = offset
                    table = existing
                case .header:
                    throw DefinitionConflict(message: "the table [\(name)] is defined twice", earlier: existing.definedAt)
                case .dottedKeys:
                    throw DefinitionConflict(message: "the table [\(name)] is already defined by dotted keys", earlier: existing.definedAt)
                }
            case (.table(let existing), true):
                throw DefinitionConflict(message: "[[\(name)]] adds to an array of tables, but \(name) is a table", earlier: existing.definedAt)
            case (.tables(let array), false):
                throw DefinitionConflict(message: "the table [\(name)] is already an array of tables, defined by [[\(name)]]", earlier: array.definedAt)
            case (.value(let value, let definedAt), _):
                let form = isArrayElement ? "[[\(name)]]" : "[\(name)]"
                throw DefinitionConflict(message: "\(form) cannot define \(name): it is already \(article(value)) written as a value", earlier: definedAt)
            }
        }
        return (table, path)
    }

    /// Adds `key = value` (a dotted key's parts, relative to this table) written in `section`.
    func define(_ parts: [String], as value: TOMLValue, section: Int, at offset: Int, basePath: [String]) throws(DefinitionConflict) {
        var table = self
        for (number, part) in parts.dropLast().enumerated() {
            // For messages: the absolute path so far.
            var path: [String] { basePath + parts[...number] }
            switch table.members[part] {
            case nil:
                let created = TableBuilder(definition: .dottedKeys(section: section), definedAt: offset)
                table.members[part] = .table(created)
                table = created
            case .table(let existing):
                switch existing.definition {
                case .implicit:
                    existing.definition = .dottedKeys(section: section)
                case .dottedKeys(let definingSection) where definingSection == section:
                    break
                case .dottedKeys:
                    throw DefinitionConflict(
                        message: "\(describe(path)) was defined by dotted keys under another header; it cannot be added to here",
                        earlier: existing.definedAt)
                case .header:
                    throw DefinitionConflict(
                        message: "\(describe(path)) is a table defined by its own header; dotted keys cannot add to it",
                        earlier: existing.definedAt)
                }
                table = existing
            case .tables(let array):
                throw DefinitionConflict(message: "\(describe(path)) is an array of tables; dotted keys cannot add to it", earlier: array.definedAt)
            case .value(let existing, let definedAt):
                let detail = if case .table = existing { ", which cannot be extended" } else { ", not a table" }
                throw DefinitionConflict(message: "\(describe(path)) is already \(article(existing))\(detail)", earlier: definedAt)
            }
        }
        let last = parts[parts.count - 1]
        var path: [String] { basePath + parts }
        switch table.members[last] {
        case nil:
            table.members[last] = .value(value, definedAt: offset)
        case .value(_, let definedAt):
            throw DefinitionConflict(message: "the key \(describe(path)) is defined twice", earlier: definedAt)
        case .table(let existing):
            throw DefinitionConflict(message: "the key \(describe(path)) is defined twice: it is already a table", earlier: existing.definedAt)
        case .tables(let array):
            throw DefinitionConflict(message: "the key \(describe(path)) is defined twice: it is already an array of tables", earlier: array.definedAt)
        }
    }
}

/// "an inline table", "a string", … for messages.
private func article(_ value: TOMLValue) -> String {
    switch value {
    case .table: "an inline table"
    case .array: "an array"
    case .integer: "an integer"
    default: "a " + value.typeName
    }
}
