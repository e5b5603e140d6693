/// Walking a value tree by key path; `[n]` components index arrays (of tables).
extension TOMLValue {
    func value(at path: ArraySlice<String>) -> TOMLValue? {
        guard let part = path.first else { return self }
        return child(part)?.value(at: path.dropFirst())
    }

    func child(_ part: String) -> TOMLValue? {
        switch self {
        case .table(let members): return members[part]
        case .array(let items):
            guard let position = arrayIndex(part), items.indices.contains(position) else { return nil }
            return items[position]
        default: return nil
        }
    }

    /// A copy with `value` at `path`, creating tables on the way; nil when something on the way is
    /// not a table.
    func setting(_ value: TOMLValue, at path: ArraySlice<String>) -> TOMLValue? {
        guard let part = path.first else { return value }
        switch self {
        case .table(var members):
            guard let changed = (members[part] ?? .table([:])).setting(value, at: path.dropFirst()) else { return nil }
            members[part] = changed
            return .table(members)
        case .array(var items):
            guard let position = arrayIndex(part), items.indices.contains(position),
                let changed = items[position].setting(value, at: path.dropFirst())
            else { return nil }
            items[position] = changed
            return .array(items)
        default:
            return nil
        }
    }

    /// A copy without the value at `path` (unchanged when there is none).
    func removing(at path: ArraySlice<String>) -> TOMLValue {
        guard let part = path.first else { return self }
        switch self {
        case .table(var members):
            guard let member = members[part] else { return self }
            members[part] = path.count == 1 ? nil : member.removing(at: path.dropFirst())
            return .table(members)
        case .array(var items):
            guard path.count > 1, let position = arrayIndex(part), items.indices.contains(position) else { return self }
            items[position] = items[position].removing(at: path.dropFirst())
            return .array(items)
        default:
            return self
        }
    }

    /// The first key path (in key order) where the two trees differ; nil when they are equal.
    func firstDifference(from other: TOMLValue) -> [String]? {
        // Equal trees, the usual case, need no sorted walk.
        if self == other { return nil }
        switch (self, other) {
        case (.table(let mine), .table(let theirs)):
            for key in Set(mine.keys).union(theirs.keys).sorted() {
                guard let a = mine[key], let b = theirs[key] else { return [key] }
                if let deeper = a.firstDifference(from: b) { return [key] + deeper }
            }
            return nil
        case (.array(let mine), .array(let theirs)) where mine.count == theirs.count:
            for position in mine.indices {
                if let deeper = mine[position].firstDifference(from: theirs[position]) { return ["[\(position)]"] + deeper }
            }
            return nil
        default:
            return []
        }
    }
}

/// `n` for a path component `[n]`.
func arrayIndex(_ part: String) -> Int? {
    guard part.hasPrefix("["), part.hasSuffix("]"), part.count > 2 else { return nil }
    return Int(part.dropFirst().dropLast())
}
