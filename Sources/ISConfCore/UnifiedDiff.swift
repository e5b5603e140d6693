/// A unified diff (as `diff -u` prints it) between two versions of a file, line by line.
public enum UnifiedDiff {
    /// - Parameter redact: applied to every printed line, so that secrets never reach the output.
    public static func make(
        old: [UInt8], new: [UInt8], oldName: String, newName: String, context: Int = 3,
        redact: (String) -> String = { $0 }
    ) -> String {
        let a = lines(old)
        let b = lines(new)
        let script = editScript(a, b)
        guard script.contains(where: { $0.kind != .same }) else { return "" }
        var out = "--- \(oldName)\n+++ \(newName)\n"
        // Group changes into hunks with `context` unchanged lines around them.
        var index = 0
        while index < script.count {
            guard let firstChange = script[index...].firstIndex(where: { $0.kind != .same }) else { break }
            let start = max(index, firstChange - context)
            var end = firstChange
            var cursor = firstChange
            while cursor < script.count {
                if script[cursor].kind != .same {
                    end = cursor
                    cursor += 1
                    continue
                }
                let nextChange = script[cursor...].firstIndex { $0.kind != .same }
                guard let nextChange, nextChange - end - 1 <= 2 * context else { break }
                cursor = nextChange
            }
            let stop = min(script.count, end + context + 1)
            let hunk = script[start..<stop]
            let oldStart = hunk.first { $0.kind != .inserted }?.oldLine ?? (hunk.first!.oldLine)
            let newStart = hunk.first { $0.kind != .deleted }?.newLine ?? (hunk.first!.newLine)
            let oldCount = hunk.filter { $0.kind != .inserted }.count
            let newCount = hunk.filter { $0.kind != .deleted }.count
            out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n"
            for step in hunk {
                switch step.kind {
                case .same: out += " " + redact(a[step.oldLine - 1].text) + "\n"
                case .deleted: out += "-" + redact(a[step.oldLine - 1].text) + "\n"
                case .inserted: out += "+" + redact(b[step.newLine - 1].text) + "\n"
                }
                let line = step.kind == .inserted ? b[step.newLine - 1] : a[step.oldLine - 1]
                if !line.terminated { out += "\\ No newline at end of file\n" }
            }
            index = stop
        }
        return out
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(count == 0 ? start - 1 : start),\(count)"
    }

    struct Line: Equatable {
        var text: String
        var terminated: Bool
    }

    /// Lines as text (CR kept out of the text but part of the comparison).
    static func lines(_ bytes: [UInt8]) -> [Line] {
        var result: [Line] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            result.append(Line(text: String(decoding: bytes[start..<index], as: UTF8.self), terminated: true))
            start = index + 1
        }
        if start < bytes.count { result.append(Line(text: String(decoding: bytes[start...], as: UTF8.self), terminated: false)) }
        return result
    }

    enum Kind { case same, deleted, inserted }

    struct Step {
        var kind: Kind
        /// 1-based; for an insertion, the old line it comes before.
        var oldLine: Int
        var newLine: Int
    }

    /// The standard library's shortest edit script, as steps through both files: in each run of
    /// changes the old lines go before the new ones, as `diff -u` prints them.
    static func editScript(_ a: [Line], _ b: [Line]) -> [Step] {
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in b.difference(from: a) {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var steps: [Step] = []
        var x = 0
        var y = 0
        while x < a.count || y < b.count {
            if removed.contains(x) {
                steps.append(Step(kind: .deleted, oldLine: x + 1, newLine: y + 1))
                x += 1
            } else if inserted.contains(y) {
                steps.append(Step(kind: .inserted, oldLine: x + 1, newLine: y + 1))
                y += 1
            } else {
                steps.append(Step(kind: .same, oldLine: x + 1, newLine: y + 1))
                x += 1
                y += 1
            }
        }
        return steps
    }
}
