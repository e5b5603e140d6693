import Foundation
import ISConfCore
import ISConfTOML
import ISConfTestSupport
import Testing

@testable import ISConfDomain

/// The config mapper's data: reading its JSON as Gson does, and choosing between a home's files and isconf's tables.
@Suite struct DeploymentMapperDataTests {
    private func json(_ text: String) throws(InputError) -> TOMLValue {
        try MapperJSON.parse(SourceFile(path: "default.json", bytes: Array(text.utf8)))
    }

    @Test func readsJSONTheWayGsonHandsItToTheMapper() throws {
        let value = try json(#"{"a.b": "x\u00e9\ud83d\ude00\n", "n": 5, "t": true, "f": false, "z": null, "l": [1, "s"], "o": {"p": {}}}"#)
        #expect(
            value
                == .table([
                    "a.b": .string("xé😀\n"), "n": .float(5), "t": .boolean(true), "f": .boolean(false),
                    "l": .array([.float(1), .string("s")]), "o": .table(["p": .table([:])]),
                ]))
    }

    @Test(arguments: [
        (#"{"a": tru}"#, 1, 7),
        ("{\n  \"a\": \"x\",\n}", 3, 1),
        ("{\"a\": \"unterminated", 1, 7),
        ("{} {}", 1, 4),
        ("", 1, 1),
    ])
    func malformedJSONIsReportedWithLineAndColumn(text: String, line: Int, column: Int) {
        let error = #expect(throws: InputError.self) { try json(text) }
        #expect(error?.position == SourcePosition(line: line, column: column), "\(String(describing: error))")
        #expect(error?.kind == .malformed)
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: InputError.self) { try json(text) }
    }

    @Test func kernelVersionsCompareNumerically() {
        #expect(BuiltInMapperData.atLeast("4.10.9", [4, 10]))
        #expect(!BuiltInMapperData.atLeast("4.9.0", [4, 10]))
        #expect(BuiltInMapperData.atLeast("4.6.1", [4, 6, 1]))
        #expect(!BuiltInMapperData.atLeast("4.6.0", [4, 6, 1]))
        #expect(BuiltInMapperData.atLeast("4.12.34-SNAPSHOT", [4, 6, 1]))
    }

    @Test func builtInTablesFollowTheProductAndKernel() {
        let certificateVerification = DeploymentKey.certificateVerification.rawValue
        let sha256 = DeploymentKey.enableSHA256.rawValue
        let is73 = BuiltInMapperData.defaults(for: .identityServer(kernel: "4.12.34"))
        #expect(is73[certificateVerification] == .string("want"))
        #expect(is73[sha256] == .boolean(true))
        #expect(is73[DeploymentKey.authenticatorEnabled.rawValue] == .boolean(false))
        let is59 = BuiltInMapperData.defaults(for: .identityServer(kernel: "4.5.1"))
        #expect(is59[certificateVerification] == .string("want"))
        #expect(is59[sha256] == nil)
        #expect(BuiltInMapperData.defaults(for: .kernel("4.12.34"))[certificateVerification] == .string("false"))
        #expect(BuiltInMapperData.defaults(for: .kernel(nil))[certificateVerification] == .string("false"))
        #expect(DefaultsSource.identityServer(kernel: "4.12.34").description == "the default of IS 7.3.0 (kernel 4.12.34)")
    }

    @Test func discoveryRecordsTheMapperFilesOfAnIS59Home() throws {
        let home = try Scratch()
        try home.write("repository/conf/tomcat/catalina-server.xml", "<Server/>")
        try home.write("repository/resources/conf/default.json", "{}")
        try home.write("repository/resources/conf/validator.json", "{}")
        #expect(Discovery.home(home.path).facts.mapperFiles == MapperFiles(), "no deployment.toml: the mapper never runs")
        try home.write("repository/conf/deployment.toml", "")
        let files = Discovery.home(home.path).facts.mapperFiles
        #expect(files.defaults == home.path + "/repository/resources/conf/default.json")
        #expect(files.keyMappings == nil)
        #expect(files.validator == home.path + "/repository/resources/conf/validator.json")
    }

    @Test func withoutFilesTheTablesStandInAndSaySo() {
        let is73 = MapperData.load(MapperFiles(), facts: HomeFacts(root: "h", kernelVersion: "4.12.34", hasMutualSSLComponent: true))
        #expect(is73.defaultsSource == .identityServer(kernel: "4.12.34"))
        #expect(is73.validatesWhiteList)
        #expect(is73.notes.joined().contains("IS 7.3.0"))
        #expect(is73.notes.first == "the home has no repository/resources/conf/default.json")

        let kernelOnly = MapperData.load(MapperFiles(), facts: HomeFacts(root: "h", kernelVersion: "4.5.1", hasMutualSSLComponent: false))
        #expect(kernelOnly.defaultsSource == .kernel("4.5.1"))
        #expect(kernelOnly.validatesWhiteList, "the WhiteList rule is in validator.json from kernel 4.5.0")

        let unknown = MapperData.load(MapperFiles(), facts: HomeFacts(root: "h"))
        #expect(unknown.defaultsSource == .kernel(nil))
        #expect(unknown.validatesWhiteList, "every kernel with a config mapper validates the WhiteList")
        #expect(unknown.notes.joined().contains("kernel version is unknown"))
    }
}

/// The mapper's real data files, as IS packs ship them in repository/resources/conf.
@Suite(.enabled(if: Corpus.available, Corpus.skipReason))
struct DeploymentMapperCorpusTests {
    @Test(arguments: [
        "default.json@carbon-kernel-v4.5.1", "default.json@carbon-kernel-v4.12.34", "default.json@product-is-v5.9.0",
        "default.json@product-is-v7.3.0", "key-mappings.json@carbon-kernel-v4.12.34", "validator.json@carbon-kernel-v4.12.34",
    ])
    func everyCorpusFileParsesAsPythonReadsIt(name: String) throws {
        guard case .table(let members) = try MapperJSON.parse(Corpus.source(name)) else {
            Issue.record("\(name) is not an object")
            return
        }
        let reference = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Corpus.path(name)))) as? [String: Any])
        #expect(Set(members.keys) == Set(reference.keys))
    }

    @Test func aHomesOwnFilesWin() throws {
        let home = try Scratch()
        let files = try Self.writeMapperData(kernel: "4.12.34", product: "7.3.0", into: home)
        // The facts would pick the kernel table; the home's merged default.json says "want".
        let data = MapperData.load(files, facts: HomeFacts(root: home.path, kernelVersion: "4.12.34", hasMutualSSLComponent: false))
        #expect(data.defaultsSource == .homeFile(files.defaults!))
        #expect(data.defaults[DeploymentKey.certificateVerification.rawValue] == .string("want"))
        #expect(data.defaults[DeploymentKey.enableSHA256.rawValue] == .boolean(true))
        #expect(data.defaults["realm_manager.properties.isCascadeDeleteEnabled"] == .boolean(true), "nested objects are flattened")
        #expect(data.keyMappings["transport.https.properties.certificate_verification"] == [DeploymentKey.certificateVerification.rawValue])
        #expect(data.keyMappings.count == 98)
        #expect(data.validatesWhiteList)
        #expect(data.notes.isEmpty)
    }

    @Test func aBrokenFileFallsBackToTheTableWithANote() throws {
        let home = try Scratch()
        var files = try Self.writeMapperData(kernel: "4.12.34", product: "7.3.0", into: home)
        files.defaults = try home.write("repository/resources/conf/default.json", "{\"a\": }")
        let data = MapperData.load(files, facts: HomeFacts(root: home.path, kernelVersion: "4.12.34", hasMutualSSLComponent: true))
        #expect(data.defaultsSource == .identityServer(kernel: "4.12.34"))
        #expect(data.notes.first?.contains("default.json:1:7: malformed JSON") == true, "\(data.notes)")
    }

    /// repository/resources/conf as an IS pack has it: the kernel's default.json with the product's merged
    /// over it (what wso2-maven-json-merge-plugin does at build time), key-mappings.json and validator.json.
    static func writeMapperData(kernel: String, product: String?, into home: Scratch) throws -> MapperFiles {
        func object(_ name: String) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Corpus.path(name)))) as! [String: Any]
        }
        var merged = try object("default.json@carbon-kernel-v\(kernel)")
        if let product { merged.merge(try object("default.json@product-is-v\(product)")) { $1 } }
        let data = try JSONSerialization.data(withJSONObject: merged, options: [.sortedKeys, .prettyPrinted])
        let folder = "repository/resources/conf/"
        return MapperFiles(
            defaults: try home.write(folder + "default.json", String(decoding: data, as: UTF8.self)),
            keyMappings: try home.write(
                folder + "key-mappings.json", String(contentsOfFile: Corpus.path("key-mappings.json@carbon-kernel-v4.12.34"), encoding: .utf8)),
            validator: try home.write(folder + "validator.json", String(contentsOfFile: Corpus.path("validator.json@carbon-kernel-v4.12.34"), encoding: .utf8)))
    }
}
