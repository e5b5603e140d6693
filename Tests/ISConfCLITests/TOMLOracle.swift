import Foundation
import ISConfTestSupport
import Testing

/// Python's tomllib and difflib, independent of isconf's own TOML reader and diff: whether an edited
/// deployment.toml holds exactly the original's values with the expected changes made (each value with
/// its TOML type), and which lines the edit removed and added.
enum PythonTOML {
    enum Expected {
        case set([String], Any)
        case remove([String])
    }

    struct Comparison {
        /// Nil when the values are as expected.
        var mismatch: String?
        var removed: [String]
        var added: [String]
    }

    static let available: Bool = (try? run(["-c", "import tomllib"]).status) == 0
    static let skipReason: Comment = "python3 with tomllib (Python 3.11+) is not installed"

    /// Empty tables are dropped on both sides: the config mapper reads only leaves. Lines keep a CR.
    private static let script = """
        import difflib, json, sys, tomllib
        def tag(value):
            if isinstance(value, dict):
                return {key: tag(item) for key, item in value.items()}
            if isinstance(value, list):
                return ["array", [tag(item) for item in value]]
            return [type(value).__name__, value if isinstance(value, (str, bool, int, float)) else str(value)]
        def prune(table):
            for key in list(table):
                if isinstance(table[key], dict):
                    prune(table[key])
                    if not table[key]:
                        del table[key]
            return table
        with open(sys.argv[1], "rb") as f: old = f.read()
        with open(sys.argv[2], "rb") as f: new = f.read()
        before, after = tomllib.loads(old.decode()), tomllib.loads(new.decode())
        for change in json.loads(sys.argv[3]):
            node = before
            for part in change[1][:-1]:
                node = node.setdefault(part, {})
            if change[0] == "set":
                node[change[1][-1]] = change[2]
            else:
                node.pop(change[1][-1], None)
        expected, actual = prune(tag(before)), prune(tag(after))
        lines = lambda data: data.decode().split("\\n")[:-1] if data.endswith(b"\\n") else data.decode().split("\\n")
        diff = list(difflib.unified_diff(lines(old), lines(new), n=0, lineterm=""))[2:]
        print(json.dumps({
            "mismatch": None if expected == actual else "expected " + json.dumps(expected) + "\\nactual   " + json.dumps(actual),
            "removed": [line[1:] for line in diff if line.startswith("-")],
            "added": [line[1:] for line in diff if line.startswith("+")],
        }))
        """

    static func compare(before: [UInt8], after: [UInt8], _ changes: [Expected]) throws -> Comparison {
        let folder = try Scratch()
        let beforePath = try folder.write("before.toml", before)
        let afterPath = try folder.write("after.toml", after)
        let encoded: [[Any]] = changes.map {
            switch $0 {
            case .set(let path, let value): ["set", path, value]
            case .remove(let path): ["remove", path]
            }
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: encoded), as: UTF8.self)
        let result = try run(["-c", script, beforePath, afterPath, json])
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any],
            "python3: \(result.output)")
        return Comparison(
            mismatch: object["mismatch"] as? String, removed: object["removed"] as? [String] ?? [],
            added: object["added"] as? [String] ?? [])
    }

    private static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try ExternalProgram.run("/usr/bin/env", ["python3"] + arguments)
        return (result.status, result.stdout + result.stderr)
    }
}
