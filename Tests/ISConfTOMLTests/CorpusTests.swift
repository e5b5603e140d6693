import ISConfCore
import ISConfTOML
import ISConfTestSupport
import Testing

/// The real deployment.toml files of IS 5.9.0 and 7.3.0.
@Suite(.enabled(if: Corpus.available, Corpus.skipReason))
struct CorpusTests {
    @Test(arguments: Corpus.deploymentTomls)
    func everySpanSlicesToItsKeyAndValue(_ name: String) throws {
        let parsed = try TOMLDocument.parse(try Corpus.source(name))
        #expect(parsed.entries.count > 20)
        for entry in parsed.entries {
            // Read alone, the value's bytes must be the same value, and the key's bytes the same key.
            let value = try document("v = " + text(entry.valueSpan, in: parsed))
            #expect(value.entry(["v"])?.value == entry.value, "\(entry.keyPath)")
            let key = try document(text(entry.keySpan, in: parsed) + " = 1")
            let written = try #require(key.entries.first).keyPath
            #expect(entry.keyPath.suffix(written.count) == written[...], "\(entry.keyPath)")
            #expect(parsed.position(of: entry.keySpan.start) == entry.position)
        }
        for header in parsed.tables {
            #expect(text(header.span, in: parsed) == "[" + header.path.joined(separator: ".") + "]")
        }
    }

    @Test(arguments: Corpus.deploymentTomls)
    func tomllibReadsTheSame(_ name: String) throws {
        try #require(PythonTOML.available, PythonTOML.skipReason)
        let parsed = try TOMLDocument.parse(try Corpus.source(name))
        #expect(try PythonTOML.load(parsed.source.bytes) == parsed.root)
    }

    @Test func knownKeysOf590() throws {
        let parsed = try TOMLDocument.parse(try Corpus.source("deployment.toml@product-is-v5.9.0"))
        let baseDN = try #require(parsed.entry(["user_store", "base_dn"]))
        #expect(baseDN.value == .string("dc=wso2,dc=org"))
        #expect(text(baseDN.valueSpan, in: parsed) == "\"dc=wso2,dc=org\"")
        #expect(baseDN.position == SourcePosition(line: 16, column: 1))
        #expect(parsed.entry(["super_admin", "create_admin_account"])?.value == .boolean(true))
        #expect(
            parsed.tables.map { $0.path.joined(separator: ".") } == [
                "server", "super_admin", "user_store", "database.identity_db", "database.shared_db", "keystore.primary",
            ])
    }

    @Test func knownKeysOf730() throws {
        let parsed = try TOMLDocument.parse(try Corpus.source("deployment.toml@product-is-v7.3.0"))
        let type = try #require(parsed.entry(["truststore", "type"]))
        #expect(text(type.keySpan, in: parsed) == "type")
        #expect(text(type.valueSpan, in: parsed) == "\"PKCS12\"")
        #expect(parsed.entry(["account_recovery", "endpoint", "auth", "hash"]) != nil)
        // Commented-out tables are not tables.
        #expect(parsed.entry(["keystore", "internal", "file_name"]) == nil)
    }
}
