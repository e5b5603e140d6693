import Foundation
import ISConfCore
import ISConfTestSupport
import Testing

@testable import ISConfTOML

/// isconf's decoder against Python's tomllib, an independent TOML 1.0 decoder, over thousands of
/// documents: mutations of toml-test's valid documents (when ../shared/toml-test is there) and of
/// samples here, and generated documents whose headers, dotted keys and values collide on purpose.
/// Both must accept or both refuse each one, and read the same tree when they accept.
@Suite(.enabled(if: PythonTOML.available, PythonTOML.skipReason))
struct DifferentialTests {
    static let samples = [
        ScannerTests.everything,
        "[a.b.c]\nx = 1\n[a]\ny.z = 2\n[[a.list]]\nk = 'v'\n[[a.list]]\nk = \"w\\u00e9\"\n",
        "t = { a = 1, b.c = [1, 2.5, 'x'], d = { e = 1979-05-27 } }\n[x]\np = 0x1F\nq = -0.0\nr = 1e-3\n",
        "s = '''\nline\n'''\nm = \"\"\"a \\\n   b\"\"\"\nd = 1979-05-27 07:32:00.123456-07:00\nt = 07:32:00\n",
    ]

    @Test func tomllibAgreesOnGeneratedAndMutatedDocuments() throws {
        var random = SplitMix64(seed: 0x150C0F)
        var seeds = Self.samples.map { Array($0.utf8) }
        if TOMLTestSuite.available {
            seeds += try TOMLTestSuite.listed(under: "valid/").map(TOMLTestSuite.bytes)
        }
        let documents =
            (0..<2000).map { _ in Mutator.mutate(seeds[random.below(seeds.count)], &random) }
            + (0..<1000).map { _ in Mutator.generate(&random) }
        let oracle = try PythonTOML.loadMany(documents)

        var bothAccept = 0
        var bothRefuse = 0
        var beyond64Bits = 0
        var leapSecondOrYearZero = 0
        for (document, theirs) in zip(documents, oracle) {
            let shown = String(decoding: document.prefix(400), as: UTF8.self).debugDescription
            let ours = Result { () throws(InputError) in try TOMLDocument.parse(SourceFile(path: "mutated.toml", bytes: document)).root }
            switch (ours, theirs) {
            case (.success(let mine), .success(let tree)):
                bothAccept += 1
                #expect(mine.truncatedToMicroseconds == tree, "trees differ for \(shown): at \(mine.truncatedToMicroseconds.firstDifference(from: tree) ?? [])")
            case (.failure(let error), .success):
                Issue.record("only isconf refuses \(shown): \(error.description)")
            case (.success(let mine), .failure(let error)):
                // Known and deliberate: tomllib (Python's datetime) has no second 60 and no year 0,
                // which RFC 3339 and TOML 1.0 allow.
                if error.description.contains("date"), mine.description.contains(":60") || mine.description.contains("0000-") {
                    leapSecondOrYearZero += 1
                } else {
                    Issue.record("only tomllib refuses \(shown): \(error.description)")
                }
            case (.failure(let error), .failure(let reason)):
                // tomllib reads integers of any size; TOML 1.0 asks for 64 bits and an error beyond.
                if reason.description.contains("beyond 64 bits") {
                    #expect(error.message.contains("out of range"), "\(shown): \(error.description)")
                    beyond64Bits += 1
                } else {
                    bothRefuse += 1
                }
            }
        }
        print(
            "tomllib differential: \(documents.count) documents, \(bothAccept) read alike by both, \(bothRefuse) refused by both, "
                + "\(beyond64Bits) integers beyond 64 bits, \(leapSecondOrYearZero) leap seconds or year 0 (tomllib cannot)")
        // The mix must exercise both sides, or the comparison proves little.
        #expect(bothAccept > 500 && bothRefuse > 500)
    }
}

enum Mutator {
    /// Pieces of TOML syntax to splice in: brackets, quotes, separators, and whole statements that
    /// redefine what the seeds define.
    static let fragments = [
        "[", "]", "[[", "]]", "=", ".", "\"", "'", "{", "}", ",", "\n", "#", " ", "a", "a.b = 1\n", "[a]\n",
        "[[a]]\n", "[a.b]\n", "x = {y = 1}\n", "0", "_", "e", "-", ":", "T", "\\", "\"\"\"", "'''", "\r\n", "\t",
        "1979-05-27", "inf", "nan", "+", "0x", "\\u0000", "9223372036854775808", "é",
    ].map { Array($0.utf8) }

    /// One to three edits: a fragment inserted, bytes deleted, a line duplicated or two swapped, a byte replaced.
    static func mutate(_ seed: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        for _ in 0...random.below(3) {
            let at = random.below(bytes.count + 1)
            switch random.below(5) {
            case 0:
                bytes.insert(contentsOf: fragments[random.below(fragments.count)], at: at)
            case 1:
                bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.below(8)))
            case 2, 3:
                var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
                let first = random.below(lines.count)
                let second = random.below(lines.count)
                if bytes.isEmpty { continue }
                if random.below(2) == 0 { lines.insert(lines[first], at: second) } else { lines.swapAt(first, second) }
                bytes = Array(lines.joined(separator: [0x0A]))
            default:
                if at < bytes.count { bytes[at] = UInt8(0x20 + random.below(0x5F)) }
            }
        }
        return bytes
    }

    /// A few headers and key/values over the names a, b, c: most collide in some way.
    static func generate(_ random: inout SplitMix64) -> [UInt8] {
        let values = [
            "1", "'s'", "[]", "[1, 2]", "{}", "{ x = 1 }", "{ a.b = 1, a.c = 2 }", "[{ x = 1 }]", "true",
            "1979-05-27T07:32:00Z", "-0x1", "1_000", "0.1e-1",
        ]
        var lines: [String] = []
        for _ in 0...random.below(8) {
            let path = (0...random.below(3)).map { _ in ["a", "b", "c"][random.below(3)] }.joined(separator: ".")
            switch random.below(10) {
            case 0, 1: lines.append("[\(path)]")
            case 2: lines.append("[[\(path)]]")
            default: lines.append("\(path) = \(values[random.below(values.count)])")
            }
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }
}

extension TOMLValue {
    /// Date-times with at most six digits of fraction, as tomllib (Python's datetime) keeps them.
    var truncatedToMicroseconds: TOMLValue {
        switch self {
        case .dateTime(let text):
            guard var fields = DateTimeFields(ArraySlice(text.utf8)), let time = fields.time else { return self }
            fields.time?.nanosecond = time.nanosecond / 1000 * 1000
            return .dateTime(fields.text)
        case .array(let items): return .array(items.map(\.truncatedToMicroseconds))
        case .table(let members): return .table(members.mapValues(\.truncatedToMicroseconds))
        default: return self
        }
    }
}
