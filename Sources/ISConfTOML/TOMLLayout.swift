import ISConfCore

/// Where the parts of a document sit in its bytes, beyond what `TOMLEntry` tells: what an edit
/// needs to add a key beside its siblings or remove a line.
struct TOMLLayout: Sendable {
    /// One key/value pair as written, outside or inside an inline table.
    struct Statement: Sendable {
        /// Absolute, like `TOMLEntry.keyPath`.
        var keyPath: [String]
        var keySpan: ByteSpan
        var equalsOffset: Int
        var valueSpan: ByteSpan
        var section: Int
        /// The inline table it is a member of, if any.
        var inlineTable: Int?
        /// From the first byte of its line to just after the line ending of its last line (or the
        /// end of the file). TOML gives every key/value outside an inline table lines of its own;
        /// for a member of an inline table this is only its key.
        var lines: ByteSpan
        var endsWithLineBreak: Bool
    }

    /// The root table's key/values before the first header, or one `[header]` and its key/values.
    struct Section: Sendable {
        /// Absolute, with `[n]` for array-of-tables elements.
        var path: [String]
        /// Index into `TOMLDocument.tables`; nil for the root section.
        var header: Int?
        /// Where a first key line goes: after the header's line (for the root, after any BOM).
        var bodyStart: Int
        /// The header is the file's last line and has no line ending.
        var bodyStartNeedsLineBreak: Bool
        /// Key/values outside inline tables, in file order.
        var statements: [Int] = []
    }

    /// An inline table `{ … }` reachable by keys (not one inside an array).
    struct InlineTable: Sendable {
        var path: [String]
        var span: ByteSpan
        /// Its own members, in order.
        var members: [Int] = []
    }

    var statements: [Statement] = []
    var sections: [Section] = []
    var inlineTables: [InlineTable] = []
    /// For each entry, the statement that wrote it.
    var entryStatements: [Int] = []
}
