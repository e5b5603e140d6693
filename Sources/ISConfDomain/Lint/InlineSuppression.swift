import ISConfCore
import ISConfTOML
import ISConfXML

/// An `isconf-ignore RULE[, RULE…]: reason` comment: which rules' findings it suppresses, why, and
/// the part of its file it covers. In XML it covers the element written just after it (only
/// whitespace, or other `isconf-ignore` comments, between), or the commented-out element there; in
/// deployment.toml, written on the line before a key or `[table]` (or at the end of that line), the
/// key's lines or the whole table. A comment without a reason, naming no rule or an unknown one, or
/// with nothing after it to cover, is refused: it suppresses nothing and suppression-invalid reports it.
public struct InlineSuppression: Sendable {
    static let marker = "isconf-ignore"

    public let file: String
    /// Of the comment.
    public let position: SourcePosition
    public let ruleIDs: [String]
    public let reason: String
    /// Why the comment suppresses nothing; nil when it is valid.
    public let problem: String?
    /// From the start of what it covers up to, not including, its end; nil when nothing follows it to cover.
    let covered: Range<SourcePosition>?

    /// Whether it hides `finding`: valid, naming its rule, and covering where it is.
    func suppresses(_ finding: Finding) -> Bool {
        problem == nil && ruleIDs.contains(finding.rule) && covers(finding)
    }

    /// Whether the finding is in its file, inside what it covers.
    func covers(_ finding: Finding) -> Bool {
        guard finding.file == file, let covered, let position = finding.position else { return false }
        return covered.contains(position)
    }

    /// What the comment's text says, when it is a suppression at all: the rule ids (separated by
    /// commas or spaces), the reason after the first colon with its white space folded, and what is
    /// wrong with it.
    static func parse(_ text: String) -> (ruleIDs: [String], reason: String, problem: String?)? {
        let trimmed = text.drop { $0.isWhitespace }
        guard trimmed.hasPrefix(marker) else { return nil }
        let rest = trimmed.dropFirst(marker.count)
        guard rest.first.map({ $0.isWhitespace || $0 == ":" }) ?? true else { return nil }
        let colon = rest.firstIndex(of: ":")
        let ruleIDs = rest[..<(colon ?? rest.endIndex)]
            .split { $0 == "," || $0.isWhitespace }.map(String.init)
        let reason = colon.map { rest[rest.index(after: $0)...].split { $0.isWhitespace }.joined(separator: " ") } ?? ""
        let problem: String?
        if ruleIDs.isEmpty {
            problem = "names no rule"
        } else if let unknown = ruleIDs.first(where: { Linter.rule(id: $0) == nil }) {
            problem = "names the unknown rule '\(unknown)' (isconf rules lists them)"
        } else if reason.isEmpty {
            problem = "gives no reason"
        } else {
            problem = nil
        }
        return (ruleIDs, reason, problem)
    }

    /// The suppressions of an XML file: each covers the element (or the comment) that follows it.
    static func find(in document: XMLDocument) -> [InlineSuppression] {
        let comments = document.allComments()
        let parsed = comments.compactMap { comment in parse(comment.text).map { (comment, $0) } }
        guard !parsed.isEmpty else { return [] }
        let suppressionEnds = Dictionary(parsed.map { ($0.0.span.start, $0.0.span.end) }, uniquingKeysWith: { first, _ in first })
        var spans: [Int: ByteSpan] = [:]
        for comment in comments { spans[comment.span.start] = comment.span }
        for element in document.root.descendantsAndSelf() { spans[element.span.start] = element.span }
        let bytes = document.bytes
        return parsed.map { comment, meaning in
            var offset = comment.span.end
            while true {
                while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
                guard let next = suppressionEnds[offset] else { break }
                offset = next
            }
            let covered = spans[offset].map { document.position(of: $0.start)..<document.position(of: $0.end) }
            return InlineSuppression(
                file: document.path, position: comment.position, ruleIDs: meaning.ruleIDs, reason: meaning.reason,
                problem: meaning.problem ?? (covered == nil ? "is not just before an element" : nil), covered: covered)
        }
    }

    /// The suppressions of a deployment.toml: at the end of a key's or header's line, they cover that
    /// key (all its lines) or table; on a line of their own, the key or table on the next line
    /// (suppression lines in between are passed over).
    static func find(in document: TOMLDocument) -> [InlineSuppression] {
        let bytes = document.source.bytes
        let parsed = document.comments.compactMap { span in
            parse(String(decoding: bytes[span.start + 1..<span.end], as: UTF8.self)).map { (span, $0) }
        }
        guard !parsed.isEmpty else { return [] }
        func line(_ offset: Int) -> Int { document.position(of: offset).line }
        func ownsLine(_ span: ByteSpan) -> Bool {
            var offset = span.start
            while offset > 0, bytes[offset - 1] == 0x20 || bytes[offset - 1] == 0x09 { offset -= 1 }
            return offset == 0 || bytes[offset - 1] == 0x0A || bytes[offset - 1] == 0x0D || (offset == 3 && bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        }
        let headerLines = document.tables.map(\.position.line)
        let entryLines = document.entries.map { entry in
            entry.position.line...line(max(entry.valueSpan.start, entry.valueSpan.end - 1))
        }
        /// A table from its header's line to the line before the next header.
        func table(at headerLine: Int) -> ClosedRange<Int>? {
            guard headerLines.contains(headerLine) else { return nil }
            return headerLine...((headerLines.filter { $0 > headerLine }.min() ?? Int.max - 1) - 1)
        }
        func keys(where matches: (ClosedRange<Int>) -> Bool) -> ClosedRange<Int>? {
            let hit = entryLines.filter(matches)
            guard let first = hit.map(\.lowerBound).min(), let last = hit.map(\.upperBound).max() else { return nil }
            return first...last
        }
        let ownLineSuppressions = Set(parsed.filter { ownsLine($0.0) }.map { line($0.0.start) })
        return parsed.map { span, meaning in
            let commentLine = line(span.start)
            let lines: ClosedRange<Int>?
            if ownsLine(span) {
                var target = commentLine + 1
                while ownLineSuppressions.contains(target) { target += 1 }
                lines = table(at: target) ?? keys { $0.lowerBound == target }
            } else {
                lines = table(at: commentLine) ?? keys { $0.contains(commentLine) }
            }
            let covered = lines.map { SourcePosition(line: $0.lowerBound, column: 1)..<SourcePosition(line: $0.upperBound + 1, column: 1) }
            return InlineSuppression(
                file: document.path, position: document.position(of: span.start), ruleIDs: meaning.ruleIDs,
                reason: meaning.reason,
                problem: meaning.problem ?? (covered == nil ? "is neither at the end of a key's or [table]'s line nor on the line before one" : nil),
                covered: covered)
        }
    }
}
