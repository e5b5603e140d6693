// Shared helpers for the ISConfTOML tests: where the corpus is, parsing shortcuts, and Python's
// tomllib as a reader independent of isconf's own.

import Foundation
import ISConfCore
import ISConfTOML
import ISConfTestSupport
import Testing

extension Corpus {
    static let deploymentTomls = ["deployment.toml@product-is-v5.9.0", "deployment.toml@product-is-v7.3.0"]

    static func source(_ name: String) throws -> SourceFile { try SourceFile.read(path: path(name)) }
}

func document(_ text: String, path: String = "test.toml") throws -> TOMLDocument {
    try TOMLDocument.parse(SourceFile(path: path, bytes: Array(text.utf8)))
}

/// The typed error `parse` throws for these bytes, or nil when it accepts them.
func parseError(_ bytes: [UInt8], path: String = "bad.toml") -> InputError? {
    do {
        _ = try TOMLDocument.parse(SourceFile(path: path, bytes: bytes))
        return nil
    } catch {
        let typed: InputError = error
        return typed
    }
}

/// The text a span covers.
func text(_ span: ByteSpan, in document: TOMLDocument) -> String {
    String(decoding: document.source.bytes[span.range], as: UTF8.self)
}

/// Python 3.11's tomllib: a third reading of the same bytes.
enum PythonTOML {
    static let available: Bool = (try? run(Array("a = 1".utf8))) != nil
    static let skipReason: Comment = "python3 with tomllib (3.11+) is not installed"

    /// Tags every value with its TOML type, and writes date-times in TOMLValue's normal form.
    /// tomllib refuses a BOM, so it is dropped first.
    private static let script =
        functions + #"""
            print(json.dumps(tagged(tomllib.loads(sys.stdin.buffer.read().decode("utf-8-sig")))))
            """#

    /// Many documents in one run: a JSON list of base64 documents in, a list of results out.
    private static let batchScript =
        functions + #"""
            def result(encoded):
                try:
                    return {"tree": tagged(tomllib.loads(base64.b64decode(encoded).decode("utf-8-sig")))}
                except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError) as error:
                    return {"error": str(error)}
            print(json.dumps([result(encoded) for encoded in json.load(sys.stdin)]))
            """#

    private static let functions = #"""
        import sys, json, tomllib, datetime, base64
        def tagged(v):
            if isinstance(v, bool): return {"t": "boolean", "v": v}
            if isinstance(v, int): return {"t": "integer", "v": str(v)}
            if isinstance(v, float): return {"t": "float", "v": repr(v)}
            if isinstance(v, str): return {"t": "string", "v": v}
            if isinstance(v, list): return {"t": "array", "v": [tagged(x) for x in v]}
            if isinstance(v, dict): return {"t": "table", "v": {k: tagged(x) for k, x in v.items()}}
            def clock(t):
                text = t.strftime("%H:%M:%S")
                if t.microsecond: text += ("." + "%06d" % t.microsecond).rstrip("0")
                return text
            if isinstance(v, datetime.datetime):
                text = "%04d-%02d-%02dT" % (v.year, v.month, v.day) + clock(v)
                if v.tzinfo is not None:
                    minutes = int(v.utcoffset().total_seconds()) // 60
                    text += "Z" if minutes == 0 else "%s%02d:%02d" % ("-" if minutes < 0 else "+", abs(minutes) // 60, abs(minutes) % 60)
                return {"t": "dateTime", "v": text}
            if isinstance(v, datetime.date): return {"t": "dateTime", "v": "%04d-%02d-%02d" % (v.year, v.month, v.day)}
            if isinstance(v, datetime.time): return {"t": "dateTime", "v": clock(v)}
            raise TypeError(type(v))

        """#

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func load(_ bytes: [UInt8]) throws -> TOMLValue {
        try value(JSONSerialization.jsonObject(with: run(bytes)))
    }

    /// Each document's tree, or tomllib's error message.
    static func loadMany(_ documents: [[UInt8]]) throws -> [Result<TOMLValue, Failure>] {
        let input = try JSONSerialization.data(withJSONObject: documents.map { Data($0).base64EncodedString() })
        guard let results = try JSONSerialization.jsonObject(with: run(Array(input), script: batchScript)) as? [[String: Any]],
            results.count == documents.count
        else {
            throw Failure(description: "tomllib: not one result per document")
        }
        return results.map { result in
            if let tree = result["tree"] { return Result { () throws(Failure) in try value(tree) } }
            return .failure(Failure(description: result["error"] as? String ?? "\(result)"))
        }
    }

    private static func run(_ bytes: [UInt8], script: String = script) throws -> Data {
        let result = try ExternalProgram.run("/usr/bin/env", ["python3", "-c", script], input: bytes)
        guard result.status == 0 else { throw Failure(description: "tomllib: " + result.stderr) }
        return result.standardOutput
    }

    private static func value(_ json: Any) throws(Failure) -> TOMLValue {
        guard let node = json as? [String: Any], let type = node["t"] as? String, let payload = node["v"] else {
            throw Failure(description: "unexpected JSON \(json)")
        }
        switch (type, payload) {
        case ("boolean", let flag as Bool): return .boolean(flag)
        case ("integer", let text as String):
            guard let number = Int64(text) else { throw Failure(description: "tomllib read an integer beyond 64 bits") }
            return .integer(number)
        case ("float", let text as String): return .float(Double(text)!)
        case ("string", let text as String): return .string(text)
        case ("dateTime", let text as String): return .dateTime(text)
        case ("array", let items as [Any]): return .array(try items.map { item throws(Failure) in try value(item) })
        case ("table", let members as [String: Any]):
            var table: [String: TOMLValue] = [:]
            for (key, member) in members { table[key] = try value(member) }
            return .table(table)
        default: throw Failure(description: "unexpected JSON \(json)")
        }
    }
}
