import Foundation
import ISConfCore
import ISConfTestSupport
import Testing

@testable import ISConfTOML

/// TOML's official compliance suite (toml-lang/toml-test, the files listed for TOML 1.0.0, read from
/// ../shared/toml-test): every valid document must read to exactly the tree of its tagged JSON, and
/// every invalid one must be refused with a positioned error. At the pinned commit: 210 valid and 499
/// invalid documents, all passed.
@Suite(.enabled(if: TOMLTestSuite.available, TOMLTestSuite.skipReason))
struct ComplianceTests {
    @Test func everyValidDocumentReadsToItsExpectedTree() throws {
        let names = try TOMLTestSuite.listed(under: "valid/")
        #expect(names.count == 210, "files-toml-1.0.0 lists \(names.count) valid documents")
        var failures = 0
        for name in names {
            let bytes = try TOMLTestSuite.bytes(name)
            let expected = try JSONSerialization.jsonObject(with: Data(try TOMLTestSuite.bytes(String(name.dropLast(5)) + ".json")))
            do {
                let parsed = try TOMLDocument.parse(SourceFile(path: name, bytes: bytes))
                if let mismatch = TaggedJSON.mismatch(parsed.root, expected, at: []) {
                    failures += 1
                    Issue.record("\(name): \(mismatch)")
                }
            } catch {
                failures += 1
                Issue.record("\(name) refused: \(error)")
            }
        }
        print("toml-test 1.0.0: \(names.count - failures) of \(names.count) valid documents read to the expected tree")
    }

    @Test func everyInvalidDocumentIsRefusedWithAPosition() throws {
        let names = try TOMLTestSuite.listed(under: "invalid/")
        #expect(names.count == 499, "files-toml-1.0.0 lists \(names.count) invalid documents")
        var failures = 0
        for name in names {
            guard let error = parseError(try TOMLTestSuite.bytes(name), path: name) else {
                failures += 1
                Issue.record("\(name) accepted")
                continue
            }
            if error.position == nil || error.description.contains("\n") {
                failures += 1
                Issue.record("\(name): not one positioned line: \(error.description)")
            }
        }
        print("toml-test 1.0.0: \(names.count - failures) of \(names.count) invalid documents refused with a position")
    }

    /// The comparison itself must be able to fail.
    @Test func theComparisonTellsTreesApart() throws {
        let expected = try JSONSerialization.jsonObject(
            with: Data(
                #"""
                {"a": {"type": "integer", "value": "1"}, "d": {"type": "datetime", "value": "1987-07-05T17:45:56.600+00:00"},
                 "f": [{"type": "float", "value": "nan"}, {"type": "float", "value": "-0.0"}]}
                """#.utf8))
        let tree: TOMLValue = .table(["a": .integer(1), "d": .dateTime("1987-07-05T17:45:56.6Z"), "f": .array([.float(.nan), .float(-0.0)])])
        #expect(TaggedJSON.mismatch(tree, expected, at: []) == nil)
        #expect(
            TaggedJSON.mismatch(
                .table(["a": .integer(2), "d": .dateTime("1987-07-05T17:45:56.6Z"), "f": .array([.float(.nan), .float(-0.0)])]),
                expected, at: []) != nil)
        #expect(
            TaggedJSON.mismatch(
                .table(["a": .integer(1), "d": .dateTime("1987-07-05T17:45:56.6"), "f": .array([.float(.nan), .float(-0.0)])]),
                expected, at: []) != nil)
        #expect(
            TaggedJSON.mismatch(
                .table(["a": .integer(1), "d": .dateTime("1987-07-05T17:45:56.6Z"), "f": .array([.float(.nan), .float(0.0)])]),
                expected, at: []) != nil)
        #expect(
            TaggedJSON.mismatch(
                .table(["a": .string("1"), "d": .dateTime("1987-07-05T17:45:56.6Z"), "f": .array([.float(.nan), .float(-0.0)])]),
                expected, at: []) != nil)
    }
}

enum TOMLTestSuite {
    /// TOML's own test suite, beside the package like the corpus.
    static let directory = PackagePaths.shared.appendingPathComponent("toml-test").path
    static let available = FileManager.default.fileExists(atPath: directory + "/files-toml-1.0.0")
    static let skipReason: Comment = "../shared/toml-test is absent: the compliance tests need TOML's test suite beside the package"

    /// The `.toml` files files-toml-1.0.0 lists under `folder`.
    static func listed(under folder: String) throws -> [String] {
        String(decoding: try bytes("files-toml-1.0.0"), as: UTF8.self)
            .split(separator: "\n").map(String.init)
            .filter { $0.hasPrefix(folder) && $0.hasSuffix(".toml") }
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: directory + "/" + name])
        }
        return Array(data)
    }
}

/// toml-test's tagged JSON: leaves `{"type": T, "value": V}`, tables objects, arrays arrays.
enum TaggedJSON {
    /// Where and how `value` differs from `json`; nil when it is the same tree. Integers compare
    /// exactly, floats by value (and sign; NaN equals NaN), date-times in one normal form and of the
    /// same kind (offset, local date-time, date, time).
    static func mismatch(_ value: TOMLValue, _ json: Any, at path: [String]) -> String? {
        let place = path.isEmpty ? "the document" : path.joined(separator: ".")
        if let leaf = json as? [String: Any], leaf.count == 2, let type = leaf["type"] as? String, let text = leaf["value"] as? String {
            return leafMismatch(value, type: type, text: text).map { "\(place): \($0)" }
        }
        switch (value, json) {
        case (.table(let members), let object as [String: Any]):
            if Set(members.keys) != Set(object.keys) {
                return "\(place): keys \(members.keys.sorted()), expected \(object.keys.sorted())"
            }
            for key in members.keys.sorted() {
                if let deeper = mismatch(members[key]!, object[key]!, at: path + [key]) { return deeper }
            }
            return nil
        case (.array(let items), let array as [Any]):
            if items.count != array.count { return "\(place): \(items.count) items, expected \(array.count)" }
            for (position, item) in items.enumerated() {
                if let deeper = mismatch(item, array[position], at: path + ["[\(position)]"]) { return deeper }
            }
            return nil
        default:
            return "\(place): \(value), expected \(json)"
        }
    }

    private static func leafMismatch(_ value: TOMLValue, type: String, text: String) -> String? {
        switch (type, value) {
        case ("string", .string(let string)):
            return string.utf8.elementsEqual(text.utf8) ? nil : "\(value.description), expected \(TOMLValue.quoted(text))"
        case ("integer", .integer(let number)):
            return Int64(text) == number ? nil : "\(number), expected \(text)"
        case ("float", .float(let number)):
            let expected: Double? =
                switch text {
                case "nan", "+nan", "-nan": .nan
                case "inf", "+inf": .infinity
                case "-inf": -.infinity
                default: Double(text)
                }
            guard let expected else { return "expected float \(text) does not read" }
            if expected.isNaN { return number.isNaN ? nil : "\(number), expected nan" }
            return number == expected && number.sign == expected.sign ? nil : "\(number), expected \(text)"
        case ("bool", .boolean(let flag)):
            return String(flag) == text ? nil : "\(flag), expected \(text)"
        case ("datetime", .dateTime(let written)), ("datetime-local", .dateTime(let written)),
            ("date-local", .dateTime(let written)), ("time-local", .dateTime(let written)):
            guard let expected = DateTimeFields(ArraySlice(text.utf8)) else { return "expected \(type) \(text) does not read" }
            guard let ours = DateTimeFields(ArraySlice(written.utf8)) else { return "\(written) is not a date-time" }
            let kind =
                switch (ours.date != nil, ours.time != nil, ours.offsetMinutes != nil) {
                case (true, true, true): "datetime"
                case (true, true, false): "datetime-local"
                case (true, false, _): "date-local"
                default: "time-local"
                }
            return kind == type && ours == expected ? nil : "\(kind) \(written), expected \(type) \(text)"
        default:
            return "\(value.typeName) \(value), expected \(type) \(text)"
        }
    }
}
