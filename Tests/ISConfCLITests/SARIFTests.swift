import Foundation
import ISConfDomain
import ISConfTestSupport
import Testing

@Suite struct SARIFTests {
    static let schemaAvailable = FileManager.default.fileExists(atPath: CLI.schema.path)

    /// Validates with Python's jsonschema (installed by `make setup`) against the schema in ../shared.
    func validate(_ sarif: String) throws -> String {
        let scratch = try Scratch()
        let file = try scratch.write("out.sarif", sarif)
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            log = json.load(open(sys.argv[2]))
            errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(log), key=str)
            print("\\n".join(e.message for e in errors[:5]) or "valid")
            """
        let result = try ExternalProgram.run("/usr/bin/env", ["python3", "-c", script, CLI.schema.path, file])
        return (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(.enabled(if: schemaAvailable, "../shared/schemas/sarif-schema-2.1.0.json is absent"))
    func validatesAgainstTheSchemaWithFindingsErrorsAndSkips() throws {
        let scratch = try Scratch()
        let broken = try scratch.write("broken/catalina-server.xml", "<Server><Service></Server>")
        let template = try scratch.write("t/catalina-server.xml.j2", "<Server {{ x }}>")
        let result = try CLI.run(["lint", "--format", "sarif", CLI.sample, broken, template, scratch.path + "/missing dir"])
        #expect(result.status == 2)
        #expect(try validate(result.stdout) == "valid")
        #expect(try validate(try CLI.run(["lint", "--format", "sarif", CLI.sample]).stdout) == "valid")
    }

    @Test func structureAndStableFingerprints() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let before = try CLI.run(["lint", "--format", "sarif", home])
        // Shift every line down: fingerprints must not move with the lines.
        let path = home + "/repository/conf/tomcat/catalina-server.xml"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        try (original.replacingOccurrences(of: "<Server ", with: "\n\n\n<Server ")).write(toFile: path, atomically: true, encoding: .utf8)
        let after = try CLI.run(["lint", "--format", "sarif", home])

        func results(_ text: String) throws -> [[String: Any]] {
            let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(log["version"] as? String == "2.1.0")
            let run = try #require((log["runs"] as? [[String: Any]])?.first)
            let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
            #expect(driver["name"] as? String == "isconf")
            #expect((driver["rules"] as? [[String: Any]])?.count == Linter.rules.count)
            return try #require(run["results"] as? [[String: Any]])
        }
        let first = try results(before.stdout)
        let second = try results(after.stdout)
        #expect(first.count == 2)
        #expect(first.map { $0["ruleId"] as? String } == ["client-auth-want", "mutual-ssl-authenticator"])
        let prints = { (items: [[String: Any]]) in items.map { ($0["partialFingerprints"] as? [String: String])?["isconf/v1"] } }
        #expect(prints(first) == prints(second))
        #expect(Set(prints(first).compactMap { $0 }).count == 2)
        func line(_ item: [String: Any]) -> Int? {
            (((item["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])?["startLine"] as? Int
        }
        #expect(line(first[0]).map { $0 + 3 } == line(second[0]))
    }
}
