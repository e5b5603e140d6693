import ISConfCore

/// One change to a document's values, by absolute key path.
public enum TOMLChange: Sendable, Equatable {
    case set([String], TOMLValue)
    case remove([String])
}

/// Minimal edits of a deployment.toml: only the bytes of the value, line or section concerned
/// change; comments, blank lines, quoting, spacing and line endings elsewhere stay as they were.
public enum TOMLEditor {
    /// New bytes with the changes made minimally; throws when a change cannot be made safely.
    ///
    /// An existing key gets only its value bytes replaced. A missing key goes where its table is
    /// defined: after the last key/value line of its `[table]` section; as a dotted key beside the
    /// dotted keys that define its table; inside the braces of an inline table; or, for a table
    /// defined nowhere, in a new `[table]` section at the end. `remove` deletes the key's lines.
    /// Keys in arrays of tables are not edited. Applying the result's changes again changes nothing.
    public static func apply(_ changes: [TOMLChange], to document: TOMLDocument) throws(InputError) -> [UInt8] {
        var current = document
        for change in changes {
            guard let splice = try EditPlanner(document: current).plan(change) else { continue }
            var bytes = current.source.bytes
            bytes.replaceSubrange(splice.range, with: splice.replacement)
            do {
                current = try TOMLDocument.parse(SourceFile(path: document.path, bytes: bytes))
            } catch {
                throw InputError(
                    path: document.path,
                    .cannotEdit, "cannot \(change.verb) \(describe(change.keyPath)): the result would not be valid TOML (\(error.message))")
            }
        }
        return current.source.bytes
    }

    /// Parses `edited` again (the full TOML 1.0 decoder) and checks that its whole value tree equals the
    /// original's with exactly these changes made (nothing else differs); throws a clear error otherwise.
    public static func verify(_ edited: [UInt8], original: TOMLDocument, changes: [TOMLChange]) throws(InputError) -> TOMLDocument {
        let path = original.path
        let document: TOMLDocument
        do {
            document = try TOMLDocument.parse(SourceFile(path: path, bytes: edited))
        } catch {
            throw InputError(
                path: path, .verificationFailed, "the edited file does not read back (\(error.message)); nothing was written",
                position: error.position)
        }
        var expected = original.root
        for change in changes {
            switch change {
            case .set(let keyPath, let value):
                guard let changed = expected.setting(value, at: keyPath[...]) else {
                    throw InputError(
                        path: path, .verificationFailed, "\(describe(keyPath)) cannot be set, a value on its way is not a table; nothing was written")
                }
                expected = changed
            case .remove(let keyPath):
                expected = expected.removing(at: keyPath[...])
                // A table the removal emptied is gone with it when only the removed key defined it (by a
                // dotted key) or its header went too (`apply` removes a header left with nothing under it).
                for depth in stride(from: keyPath.count - 1, to: 0, by: -1) {
                    let table = Array(keyPath[..<depth])
                    if expected.value(at: table[...]) == .table([:]), document.root.value(at: table[...]) == nil {
                        expected = expected.removing(at: table[...])
                    }
                }
            }
        }
        if let difference = document.root.firstDifference(from: expected) {
            throw InputError(
                path: path, .verificationFailed, "the edited file differs from the intended change at \(describe(difference)); nothing was written")
        }
        return document
    }
}

extension TOMLChange {
    var keyPath: [String] {
        switch self {
        case .set(let keyPath, _), .remove(let keyPath): keyPath
        }
    }

    var verb: String {
        switch self {
        case .set: "set"
        case .remove: "remove"
        }
    }
}

/// New bytes for one range of the file.
private struct Splice {
    var range: Range<Int>
    var replacement: [UInt8]

    init(at range: Range<Int>, _ text: String) {
        self.range = range
        replacement = Array(text.utf8)
    }
}

/// Decides where one change goes in one document.
private struct EditPlanner {
    let document: TOMLDocument
    private var layout: TOMLLayout { document.layout }
    private var bytes: [UInt8] { document.source.bytes }

    func plan(_ change: TOMLChange) throws(InputError) -> Splice? {
        let keyPath = change.keyPath
        guard !keyPath.isEmpty else { throw failure(change, "an empty key path names no key") }
        let existingDepth = try existingDepth(of: keyPath, for: change)
        switch change {
        case .set(_, let value):
            if existingDepth == keyPath.count {
                guard let entry = document.entry(keyPath) else { throw failure(change, "it is a table; set the keys inside it") }
                if entry.value == value { return nil }
                return Splice(at: entry.valueSpan.range, value.description)
            }
            return add(keyPath, value, existingDepth: existingDepth)
        case .remove:
            guard existingDepth == keyPath.count else { return nil }
            guard let number = document.entryIndex[keyPath] else {
                throw failure(change, "it is a table; isconf removes single keys")
            }
            let statement = layout.statements[layout.entryStatements[number]]
            if statement.inlineTable != nil {
                throw failure(
                    change, "it is a member of an inline table { … } and shares its line; edit it by hand",
                    at: statement.keySpan.start)
            }
            return Splice(at: emptiedSection(without: statement) ?? statement.lines.range, "")
        }
    }

    /// The whole `[table]` section, its header line included, when removing `statement` leaves it with
    /// no key and no comment (in it, after its header, or on the line above it): a header with nothing under it is clutter (and an empty table renders
    /// nothing). Nil otherwise, and for `[[array of tables]]` elements.
    private func emptiedSection(without statement: TOMLLayout.Statement) -> Range<Int>? {
        let section = layout.sections[statement.section]
        guard section.statements.count == 1, let headerIndex = section.header else { return nil }
        let header = document.tables[headerIndex]
        guard !header.isArrayElement else { return nil }
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        var start = header.span.start
        while start > 0, bytes[start - 1] == 0x20 || bytes[start - 1] == 0x09 { start -= 1 }
        guard start == 0 || bytes[start - 1] == 0x0A else { return nil }
        // A comment on the line just above the header speaks about the table: it stays, and so does the header.
        if start > 0 {
            var previous = start - 1
            while previous > 0, bytes[previous - 1] != 0x0A { previous -= 1 }
            if bytes[previous..<start].first(where: { $0 != 0x20 && $0 != 0x09 }) == 0x23 { return nil }
        }
        var end = bytes.count
        if let next = layout.sections.dropFirst(statement.section + 1).first, let nextHeader = next.header {
            end = document.tables[nextHeader].span.start
            while end > 0, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        }
        let rest = bytes[header.span.end..<statement.lines.start] + bytes[statement.lines.end..<end]
        guard rest.allSatisfy(isBlank) else { return nil }
        // The last section: the blank lines that set it apart go with it, so the file does not end in them.
        if end == bytes.count {
            while start > 0, isBlank(bytes[start - 1]) { start -= 1 }
            if start > 0 { start = bytes[start...].firstIndex(of: 0x0A).map { $0 + 1 } ?? start }
        }
        return start..<end
    }

    private func failure(_ change: TOMLChange, _ reason: String, at offset: Int? = nil) -> InputError {
        InputError(
            path: document.path, .cannotEdit, "cannot \(change.verb) \(describe(change.keyPath)): \(reason)",
            position: offset.map { document.position(of: $0) })
    }

    /// How many leading parts of `keyPath` exist (all of them but the last are tables); throws when
    /// the path runs into a value or an array.
    private func existingDepth(of keyPath: [String], for change: TOMLChange) throws(InputError) -> Int {
        var node = document.root
        for (depth, part) in keyPath.enumerated() {
            switch node {
            case .table(let members):
                guard let next = members[part] else { return depth }
                node = next
            case .array:
                throw failure(change, "\(describe(Array(keyPath[..<depth]))) is an array (of tables); isconf does not edit keys inside arrays")
            default:
                throw failure(change, "\(describe(Array(keyPath[..<depth]))) is a \(node.typeName), not a table")
            }
        }
        return keyPath.count
    }

    /// A new key, where its table is defined.
    private func add(_ keyPath: [String], _ value: TOMLValue, existingDepth: Int) -> Splice {
        let table = Array(keyPath.dropLast())
        let existing = keyPath[..<existingDepth]
        if let inline = layout.inlineTables.filter({ existing.starts(with: $0.path) }).max(by: { $0.path.count < $1.path.count }) {
            return addInside(inline, key: Array(keyPath[inline.path.count...]), value)
        }
        guard existingDepth == keyPath.count - 1 else { return addSection(table, key: keyPath.last!, value) }
        if let section = layout.sections.firstIndex(where: { $0.header != nil && $0.path == table }) ?? (table.isEmpty ? 0 : nil) {
            return addLine(in: section, key: [keyPath.last!], value)
        }
        let lastDefiningDottedKey = layout.statements.filter { statement in
            statement.inlineTable == nil && statement.keyPath.count > table.count && statement.keyPath.starts(with: table)
                && layout.sections[statement.section].path.count < table.count
        }.max { $0.keySpan.start < $1.keySpan.start }
        if let last = lastDefiningDottedKey {
            let sectionPath = layout.sections[last.section].path
            return addLine(after: last, key: Array(keyPath[sectionPath.count...]), value)
        }
        // A table only headers of its sub-tables imply: its own header may still come.
        return addSection(table, key: keyPath.last!, value)
    }

    private func addLine(in section: Int, key: [String], _ value: TOMLValue) -> Splice {
        if let last = layout.sections[section].statements.last {
            return addLine(after: layout.statements[last], key: key, value)
        }
        let (before, after) = documentSpacing
        let line = keyText(key) + before + "=" + after + value.description
        let start = layout.sections[section].bodyStart
        return layout.sections[section].bodyStartNeedsLineBreak
            ? Splice(at: start..<start, lineEnding + line)
            : Splice(at: start..<start, line + lineEnding)
    }

    /// A line like `sibling`'s (indentation, spacing around `=`) right after it.
    private func addLine(after sibling: TOMLLayout.Statement, key: [String], _ value: TOMLValue) -> Splice {
        var indentationEnd = sibling.lines.start
        while bytes[indentationEnd] == 0x20 || bytes[indentationEnd] == 0x09 { indentationEnd += 1 }
        let (before, after) = spacing(of: sibling)
        let line = text(sibling.lines.start..<indentationEnd) + keyText(key) + before + "=" + after + value.description
        let end = sibling.lines.end
        return sibling.endsWithLineBreak ? Splice(at: end..<end, line + lineEnding) : Splice(at: end..<end, lineEnding + line)
    }

    /// A member after the last one of an inline table, separated like its members are.
    private func addInside(_ table: TOMLLayout.InlineTable, key: [String], _ value: TOMLValue) -> Splice {
        guard let last = table.members.last.map({ layout.statements[$0] }) else {
            let (before, after) = documentSpacing
            return Splice(at: table.span.start + 1..<table.span.end - 1, " " + keyText(key) + before + "=" + after + value.description + " ")
        }
        var separator = ", "
        if table.members.count >= 2 {
            separator = text(layout.statements[table.members[0]].valueSpan.end..<layout.statements[table.members[1]].keySpan.start)
        }
        let (before, after) = spacing(of: last)
        let end = last.valueSpan.end
        return Splice(at: end..<end, separator + keyText(key) + before + "=" + after + value.description)
    }

    /// `[table]` and its key at the end of the file, after one blank line.
    private func addSection(_ table: [String], key: String, _ value: TOMLValue) -> Splice {
        var prefix = ""
        let contentStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if bytes.count > contentStart {
            var lastLineEnd = bytes.count
            if bytes.last != 0x0A {
                prefix += lineEnding
            } else {
                lastLineEnd -= bytes.count >= 2 && bytes[bytes.count - 2] == 0x0D ? 2 : 1
            }
            var lastLineStart = lastLineEnd
            while lastLineStart > contentStart, bytes[lastLineStart - 1] != 0x0A { lastLineStart -= 1 }
            let lastLineIsBlank = bytes.last == 0x0A && bytes[lastLineStart..<lastLineEnd].allSatisfy { $0 == 0x20 || $0 == 0x09 }
            if !lastLineIsBlank { prefix += lineEnding }
        }
        let (before, after) = documentSpacing
        let section = "[" + keyText(table) + "]" + lineEnding + keyText([key]) + before + "=" + after + value.description + lineEnding
        return Splice(at: bytes.count..<bytes.count, prefix + section)
    }

    private func keyText(_ parts: [String]) -> String {
        parts.map(TOMLValue.key).joined(separator: ".")
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    private func spacing(of statement: TOMLLayout.Statement) -> (String, String) {
        (text(statement.keySpan.end..<statement.equalsOffset), text(statement.equalsOffset + 1..<statement.valueSpan.start))
    }

    /// The file's most common spacing around `=`, for keys without siblings.
    private var documentSpacing: (String, String) {
        var counts: [[String]: Int] = [:]
        for statement in layout.statements where statement.inlineTable == nil {
            let (before, after) = spacing(of: statement)
            counts[[before, after], default: 0] += 1
        }
        guard let common = counts.max(by: { ($0.value, $1.key.joined()) < ($1.value, $0.key.joined()) })?.key else { return (" ", " ") }
        return (common[0], common[1])
    }

    /// CRLF when the file's first line ends so, LF otherwise.
    private var lineEnding: String {
        guard let newline = bytes.firstIndex(of: 0x0A) else { return "\n" }
        return newline > 0 && bytes[newline - 1] == 0x0D ? "\r\n" : "\n"
    }
}
