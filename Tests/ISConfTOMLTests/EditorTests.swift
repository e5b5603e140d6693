import ISConfCore
import ISConfTOML
import ISConfTestSupport
import Testing

/// The lines an edit took out and put in: everything before and after them is byte-identical.
struct LineDiff: Equatable, CustomStringConvertible {
    var removed: [String]
    var added: [String]
    var description: String { "-\(removed) +\(added)" }

    init(removed: [String] = [], added: [String] = []) {
        self.removed = removed
        self.added = added
    }

    init(_ before: [UInt8], _ after: [UInt8]) {
        func lines(_ bytes: [UInt8]) -> [String] {
            var lines: [String] = []
            var start = 0
            for (offset, byte) in bytes.enumerated() where byte == 0x0A {
                lines.append(String(decoding: bytes[start...offset], as: UTF8.self))
                start = offset + 1
            }
            if start < bytes.count { lines.append(String(decoding: bytes[start...], as: UTF8.self)) }
            return lines
        }
        let (old, new) = (lines(before), lines(after))
        var prefix = 0
        while prefix < min(old.count, new.count), old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < min(old.count, new.count) - prefix, old[old.count - 1 - suffix] == new[new.count - 1 - suffix] { suffix += 1 }
        self.init(removed: Array(old[prefix..<old.count - suffix]), added: Array(new[prefix..<new.count - suffix]))
    }
}

/// Applies `changes`, and checks the result every way there is: `verify`, idempotence, and Python's
/// tomllib (the edited file reads as the original with exactly these changes, nothing else differs).
func edited(_ original: String, _ changes: [TOMLChange], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    try edited(Array(original.utf8), changes, sourceLocation: sourceLocation)
}

func edited(_ original: [UInt8], _ changes: [TOMLChange], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let document = try TOMLDocument.parse(SourceFile(path: "deployment.toml", bytes: original))
    let bytes = try TOMLEditor.apply(changes, to: document)
    let verified = try TOMLEditor.verify(bytes, original: document, changes: changes)
    #expect(try TOMLEditor.apply(changes, to: verified) == bytes, "not idempotent", sourceLocation: sourceLocation)
    if PythonTOML.available {
        var expected = try PythonTOML.load(original)
        for change in changes {
            switch change {
            case .set(let path, let value): expected = expected.replacing(path[...], with: value)
            case .remove(let path): expected = expected.replacing(path[...], with: nil)
            }
        }
        // An empty table renders nothing, and a removal may take an emptied table's header with it.
        #expect(
            try PythonTOML.load(bytes).prunedOfEmptyTables == expected.prunedOfEmptyTables, "tomllib reads something else",
            sourceLocation: sourceLocation)
    }
    return String(decoding: bytes, as: UTF8.self)
}

func diff(_ original: String, _ changes: [TOMLChange], sourceLocation: SourceLocation = #_sourceLocation) throws -> LineDiff {
    LineDiff(Array(original.utf8), Array(try edited(original, changes, sourceLocation: sourceLocation).utf8))
}

func editError(_ original: String, _ changes: [TOMLChange]) throws -> InputError? {
    let document = try TOMLDocument.parse(SourceFile(path: "deployment.toml", bytes: Array(original.utf8)))
    do {
        _ = try TOMLEditor.apply(changes, to: document)
        return nil
    } catch {
        let typed: InputError = error
        return typed
    }
}

extension TOMLValue {
    /// The value without tables that hold nothing (at any depth, once their emptied children are gone).
    var prunedOfEmptyTables: TOMLValue {
        guard case .table(let members) = self else { return self }
        return .table(
            members.compactMapValues { member in
                let pruned = member.prunedOfEmptyTables
                return pruned == .table([:]) ? nil : pruned
            })
    }

    /// The tests' own setter: `value` at `path`, creating tables on the way; nil removes (and
    /// creates nothing).
    func replacing(_ path: ArraySlice<String>, with value: TOMLValue?) -> TOMLValue {
        guard let part = path.first, case .table(var members) = self else { return value ?? self }
        if path.count == 1 {
            members[part] = value
        } else if let member = members[part] ?? value.map({ _ in .table([:]) }) {
            members[part] = member.replacing(path.dropFirst(), with: value)
        }
        return .table(members)
    }
}

let mutualSSL: [String] = ["admin_console", "authenticator", "mutual_ssl_authenticator"]
let sslHostConfig: [String] = ["transport", "https", "sslHostConfig", "properties"]

@Suite struct EditorTests {
    @Test func keyAlreadyRightChangesNothing() throws {
        let original = "[transport.https.sslHostConfig.properties]\ncertificateVerification = 'want'   # as it should be\n"
        #expect(try edited(original, [.set(sslHostConfig + ["certificateVerification"], .string("want"))]) == original)
    }

    @Test func wrongValueOrTypeIsReplacedInPlace() throws {
        let original = """
            [admin_console.authenticator.mutual_ssl_authenticator]
            enable = "true" # the template wants a boolean
            priority = 5

            """
        #expect(
            try diff(original, [.set(mutualSSL + ["enable"], .boolean(true)), .set(mutualSSL + ["priority"], .string("5"))])
                == LineDiff(
                    removed: ["enable = \"true\" # the template wants a boolean\n", "priority = 5\n"],
                    added: ["enable = true # the template wants a boolean\n", "priority = \"5\"\n"]))
    }

    @Test func missingKeyGoesAfterTheLastKeyOfItsTable() throws {
        let original = """
            [admin_console.authenticator.mutual_ssl_authenticator]
            priority = "5"
            config.username_header = "UserName"

            # Where the user store is
            [user_store]
            type = "read_write_ldap"

            """
        #expect(
            try edited(original, [.set(mutualSSL + ["enable"], .boolean(true))]) == """
                [admin_console.authenticator.mutual_ssl_authenticator]
                priority = "5"
                config.username_header = "UserName"
                enable = true

                # Where the user store is
                [user_store]
                type = "read_write_ldap"

                """)
    }

    @Test func commentsNextToTheKeysAndAfterThemStay() throws {
        let original = """
            [server]
            hostname = "localhost"   # the host name
            # node_ip = "127.0.0.1"
            base_path = "https://$ref{server.hostname}"
            #offset = 1

            # Databases
            [database.identity_db]
            type = "h2"
            """
        #expect(try diff(original, [.set(["server", "offset"], .integer(2))]) == LineDiff(added: ["offset = 2\n"]))
        #expect(
            try edited(original, [.set(["server", "offset"], .integer(2))]).contains("base_path = \"https://$ref{server.hostname}\"\noffset = 2\n#offset = 1\n")
        )
    }

    @Test func siblingsIndentationAndSpacingAreCopied() throws {
        let original = "[truststore]\n    file_name=\"client-truststore.p12\"\n    type=\"PKCS12\"\n"
        #expect(
            try diff(original, [.set(["truststore", "password"], .string("wso2carbon"))])
                == LineDiff(added: ["    password=\"wso2carbon\"\n"]))
        let tabs = "[a]\n\tx\t=  1\n"
        #expect(try diff(tabs, [.set(["a", "y"], .integer(2))]) == LineDiff(added: ["\ty\t=  2\n"]))
    }

    @Test func tableDefinedByDottedKeysGetsADottedKey() throws {
        let original = """
            [transport]
            https.properties.port = 9443
            https.properties.proxyPort = 443
            http.properties.port = 9763

            [server]
            hostname = "localhost"

            """
        #expect(
            try diff(original, [.set(["transport", "https", "properties", "certificate_verification"], .string("want"))])
                == LineDiff(added: ["https.properties.certificate_verification = \"want\"\n"]))
        #expect(
            try edited(original, [.set(["transport", "https", "properties", "clientAuth"], .string("want"))])
                .contains("proxyPort = 443\nhttps.properties.clientAuth = \"want\"\nhttp.properties.port"))

        let inRoot = "admin_console.authenticator.mutual_ssl_authenticator.priority = \"5\"\n\n[server]\nhostname = \"h\"\n"
        #expect(
            try edited(inRoot, [.set(mutualSSL + ["enable"], .boolean(true))]) == """
                admin_console.authenticator.mutual_ssl_authenticator.priority = "5"
                admin_console.authenticator.mutual_ssl_authenticator.enable = true

                [server]
                hostname = "h"

                """)
    }

    @Test func inlineTablesKeepTheirForm() throws {
        let original = """
            [admin_console.authenticator]
            mutual_ssl_authenticator = { priority = "5", config = { username_header = "UserName" } }

            """
        #expect(
            try diff(original, [.set(mutualSSL + ["enable"], .boolean(true))])
                == LineDiff(
                    removed: ["mutual_ssl_authenticator = { priority = \"5\", config = { username_header = \"UserName\" } }\n"],
                    added: ["mutual_ssl_authenticator = { priority = \"5\", config = { username_header = \"UserName\" }, enable = true }\n"]))
        #expect(
            try edited(original, [.set(mutualSSL + ["config", "white_list_enabled"], .boolean(false))])
                .contains("config = { username_header = \"UserName\", white_list_enabled = false } }"))
        #expect(
            try edited(original, [.set(mutualSSL + ["config", "white", "list"], .array([]))])
                .contains("config = { username_header = \"UserName\", white.list = [] } }"))
        #expect(try edited("t = {a=1,b=2}\n", [.set(["t", "c"], .integer(3))]) == "t = {a=1,b=2,c=3}\n")
        #expect(try edited("t = {}\n", [.set(["t", "c"], .integer(3))]) == "t = { c = 3 }\n")
        #expect(try edited("t = {}\n", [.set(["t"], .integer(3))]) == "t = 3\n")
    }

    @Test func tableDefinedNowhereIsAppendedAsASection() throws {
        let original = "[server]\nhostname = \"localhost\"\n\n[keystore.primary]\nname = \"wso2carbon.jks\"\n"
        #expect(
            try edited(
                original,
                [
                    .set(sslHostConfig + ["certificateVerification"], .string("want")),
                    .set(mutualSSL + ["enable"], .boolean(true)),
                    .set(mutualSSL + ["priority"], .string("5")),
                ]) == original + """

                    [transport.https.sslHostConfig.properties]
                    certificateVerification = "want"

                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = true
                    priority = "5"

                    """)
        #expect(try edited("a = 1\n\n", [.set(["t", "k"], .integer(1))]) == "a = 1\n\n[t]\nk = 1\n")
        #expect(try edited("", [.set(["t", "k"], .integer(1))]) == "[t]\nk = 1\n")
        #expect(try edited("x = 1", [.set(["t", "k"], .integer(1))]) == "x = 1\n\n[t]\nk = 1\n")
        // [a.b.c] implies a.b, whose own header may still come.
        #expect(try edited("[a.b.c]\nx = 1\n", [.set(["a", "b", "y"], .integer(2))]) == "[a.b.c]\nx = 1\n\n[a.b]\ny = 2\n")
        // A sub-table of a table dotted keys define may have a header.
        #expect(try edited("[a]\nb.c = 1\n", [.set(["a", "b", "d", "e"], .integer(2))]) == "[a]\nb.c = 1\n\n[a.b.d]\ne = 2\n")
    }

    @Test func keysOutsideAnyTable() throws {
        #expect(try edited("title = \"x\"\n\n[a]\nk = 1\n", [.set(["name"], .string("n"))]) == "title = \"x\"\nname = \"n\"\n\n[a]\nk = 1\n")
        #expect(try edited("# header comment\n[a]\nk = 1\n", [.set(["name"], .string("n"))]) == "name = \"n\"\n# header comment\n[a]\nk = 1\n")
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        #expect(Array(try edited(bom + Array("[a]\n".utf8), [.set(["name"], .string("n"))]).utf8) == bom + Array("name = \"n\"\n[a]\n".utf8))
    }

    @Test func emptySectionGetsTheKeyAfterItsHeader() throws {
        #expect(try edited("[a]\n\n[b]\nx=1\n", [.set(["a", "k"], .integer(1))]) == "[a]\nk=1\n\n[b]\nx=1\n")
        #expect(try edited("x = 1\n[a] # last", [.set(["a", "k"], .integer(1))]) == "x = 1\n[a] # last\nk = 1")
    }

    @Test func crlfFilesGetCRLF() throws {
        let original = "[server]\r\nhostname = \"localhost\"\r\n\r\n[user_store]\r\ntype = \"x\"\r\n"
        #expect(try diff(original, [.set(["server", "node_ip"], .string("127.0.0.1"))]) == LineDiff(added: ["node_ip = \"127.0.0.1\"\r\n"]))
        #expect(try edited(original, [.set(["t", "k"], .boolean(true))]) == original + "\r\n[t]\r\nk = true\r\n")
    }

    @Test func fileWithoutFinalNewline() throws {
        let original = "[server]\nhostname = \"localhost\""
        #expect(try edited(original, [.set(["server", "node_ip"], .string("ip"))]) == original + "\nnode_ip = \"ip\"")
        #expect(try edited(original, [.set(["server", "hostname"], .string("h"))]) == "[server]\nhostname = \"h\"")
        #expect(try edited(original, [.remove(["server", "hostname"])]) == "", "the emptied table goes with its header")
    }

    @Test func keysThatNeedQuotes() throws {
        #expect(try edited("", [.set(["a.b", "c d", "é"], .string("x\"y"))]) == "[\"a.b\".\"c d\"]\n\"é\" = \"x\\\"y\"\n")
        let original = "[\"a.b\"]\n'c d' = 1\n"
        #expect(try edited(original, [.set(["a.b", "c d"], .integer(2))]) == "[\"a.b\"]\n'c d' = 2\n")
        #expect(try edited(original, [.set(["a.b", "e.f"], .integer(3))]) == "[\"a.b\"]\n'c d' = 1\n\"e.f\" = 3\n")
    }

    @Test func removeDeletesTheKeysLinesOnly() throws {
        let original = """
            [server]
            # the host
            hostname = "localhost" # trailing
            ports = [
              9443, # https
              9763,
            ]
            node_ip = "127.0.0.1"

            """
        #expect(try diff(original, [.remove(["server", "hostname"])]) == LineDiff(removed: ["hostname = \"localhost\" # trailing\n"]))
        #expect(try diff(original, [.remove(["server", "ports"])]) == LineDiff(removed: ["ports = [\n", "  9443, # https\n", "  9763,\n", "]\n"]))
        #expect(try edited(original, [.remove(["server", "missing"]), .remove(["nothing", "here"])]) == original)
    }

    @Test func removingTheOnlyDottedKeyOfATableRemovesTheTable() throws {
        let original = "[a]\nb.c = 1\nd = 2\n"
        let parsed = try document(original)
        let bytes = try TOMLEditor.apply([.remove(["a", "b", "c"])], to: parsed)
        #expect(String(decoding: bytes, as: UTF8.self) == "[a]\nd = 2\n")
        let verified = try TOMLEditor.verify(bytes, original: parsed, changes: [.remove(["a", "b", "c"])])
        #expect(verified.root == .table(["a": .table(["d": .integer(2)])]))
    }

    @Test func aSectionTheRemovalEmptiesGoesWithItsHeaderUnlessItHoldsAComment() throws {
        let original = """
            [server]
            hostname = "localhost"

            [transport.https.properties]
            clientAuth = "want"

            [admin_console.authenticator.mutual_ssl_authenticator]
            enable = true

            """
        let clientAuth = ["transport", "https", "properties", "clientAuth"]
        #expect(
            try diff(original, [.remove(clientAuth)])
                == LineDiff(removed: ["[transport.https.properties]\n", "clientAuth = \"want\"\n", "\n"]))
        // The last section: the blank line before it goes too, so the file does not end in one.
        #expect(
            try edited(original, [.remove(mutualSSL + ["enable"])]) == """
                [server]
                hostname = "localhost"

                [transport.https.properties]
                clientAuth = "want"

                """)
        #expect(try edited("[a]\r\nk = 1\r\n", [.remove(["a", "k"])]) == "")
        // A comment in the section, or after its header, keeps the header; so does another key.
        #expect(try edited("[a]\n# why\nk = 1\n", [.remove(["a", "k"])]) == "[a]\n# why\n")
        #expect(try edited("[a] # why\nk = 1\n", [.remove(["a", "k"])]) == "[a] # why\n")
        #expect(try edited("x = 1\n# why\n[a]\nk = 1\n", [.remove(["a", "k"])]) == "x = 1\n# why\n[a]\n")
        #expect(try edited("[a]\nk = 1\nl = 2\n", [.remove(["a", "k"])]) == "[a]\nl = 2\n")
        // A sub-table's header keeps the table alive without its own.
        #expect(try edited("[a]\nk = 1\n[a.b]\nc = 1\n", [.remove(["a", "k"])]) == "[a.b]\nc = 1\n")
    }

    @Test func refusesWhatCannotBeDoneSafely() throws {
        let aot = "[[event.listener]]\nid = \"a\"\n"
        #expect(try editError(aot, [.set(["event", "listener", "[0]", "id"], .string("b"))])?.kind == .cannotEdit)
        #expect(try editError(aot, [.set(["event", "listener", "x"], .string("b"))])?.kind == .cannotEdit)
        #expect(try editError(aot, [.remove(["event", "listener", "[0]", "id"])])?.kind == .cannotEdit)
        let inline = "t = { a = 1, b = 2 }\n"
        let inlineRemoval = try editError(inline, [.remove(["t", "a"])])
        #expect(inlineRemoval?.kind == .cannotEdit)
        #expect(inlineRemoval?.position == SourcePosition(line: 1, column: 7))
        #expect(try editError("a = \"s\"\n", [.set(["a", "b"], .integer(1))])?.kind == .cannotEdit)
        #expect(try editError("[a]\nb = 1\n", [.set(["a"], .integer(1))])?.kind == .cannotEdit)
        #expect(try editError("[a]\nb = 1\n", [.remove(["a"])])?.kind == .cannotEdit)
        #expect(try editError("a = 1\n", [.set([], .integer(1))])?.kind == .cannotEdit)
        #expect(try editError("a = 1\n", [.set(["t"], .dateTime("not a date"))])?.kind == .cannotEdit)
    }

    @Test func verifyRefusesAnythingElse() throws {
        let parsed = try document("[a]\nk = 1\nm = 2\n")
        let changes: [TOMLChange] = [.set(["a", "k"], .integer(5))]
        let good = try TOMLEditor.apply(changes, to: parsed)
        #expect(throws: InputError.self) { try TOMLEditor.verify(good, original: parsed, changes: []) }
        let tooMuch = Array("[a]\nk = 5\nm = 3\n".utf8)
        do {
            _ = try TOMLEditor.verify(tooMuch, original: parsed, changes: changes)
            Issue.record("verify accepted a change nobody asked for")
        } catch {
            #expect(error.kind == .verificationFailed)
            #expect(error.message.contains("a.m"), "names the key that differs")
        }
        do {
            _ = try TOMLEditor.verify(Array("[a]\nk = \n".utf8), original: parsed, changes: changes)
            Issue.record("verify accepted bytes that do not parse")
        } catch {
            #expect(error.kind == .verificationFailed)
            #expect(error.position == SourcePosition(line: 2, column: 5))
        }
    }
}
