import Foundation
import ISConfCore
import ISConfDomain
import ISConfTestSupport
import ISConfTrustStore
import Testing

/// keytool and openssl for the trust store tests: stores and certificates are made at test time.
enum Keytool {
    static let path = ["/usr/bin", "/usr/local/bin", "/usr/lib/jvm/default-java/bin"].map { $0 + "/keytool" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let available = path != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    static let missing: Comment = "keytool (Java 17) or openssl is not installed: trust store tests need them to make and check stores"
    static let password = "Store-Pass-42"

    @discardableResult
    static func run(_ arguments: [String]) throws -> CLI.Result {
        let result = try CLI.run(arguments, executable: path!)
        if result.status != 0 { Issue.record("keytool \(arguments.joined(separator: " ")) failed: \(result.stdout)\(result.stderr)") }
        return result
    }

    static func openssl(_ arguments: [String]) throws {
        let result = try CLI.run(arguments, executable: "/usr/bin/openssl")
        if result.status != 0 { Issue.record("openssl \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
    }

    /// A self-signed certificate in PEM.
    static func certificate(_ scratch: Scratch, _ name: String) throws -> String {
        let pem = scratch.path + "/" + name + ".pem"
        try openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", scratch.path + "/" + name + ".key", "-out", pem,
            "-subj", "/CN=\(name)/O=Client Org", "-days", "30",
        ])
        return pem
    }

    /// A store with a key pair and one trusted certificate, as IS ships them.
    static func store(_ scratch: Scratch, _ relative: String, type: String) throws -> String {
        let store = scratch.path + "/" + relative
        try FileManager.default.createDirectory(atPath: (store as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // The sample IS_HOME ships a store of its own there, with another password.
        try? FileManager.default.removeItem(atPath: store)
        try run([
            "-genkeypair", "-alias", "wso2carbon", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost, O=WSO2",
            "-validity", "365", "-keystore", store, "-storepass", password, "-keypass", password, "-storetype", type,
        ])
        try run([
            "-importcert", "-noprompt", "-alias", "existing", "-file", try certificate(scratch, "existing-\(type)"),
            "-keystore", store, "-storepass", password, "-storetype", type,
        ])
        return store
    }

    /// alias → (entry type, SHA-256 of each certificate, lowercase without colons), from `keytool -list -v`.
    static func list(_ store: String) throws -> [String: (type: String, sha256: [String])] {
        let result = try run(["-list", "-v", "-keystore", store, "-storepass", password])
        var entries: [String: (type: String, sha256: [String])] = [:]
        var alias = ""
        for line in result.stdout.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("Alias name: ") {
                alias = String(line.dropFirst(12))
                entries[alias] = ("", [])
            }
            if line.hasPrefix("Entry type: ") { entries[alias]?.type = String(line.dropFirst(12)) }
            if line.hasPrefix("SHA256: ") { entries[alias]?.sha256.append(line.dropFirst(8).replacingOccurrences(of: ":", with: "").lowercased()) }
        }
        return entries
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }
}

@Suite(.enabled(if: Keytool.available, Keytool.missing))
struct TrustStoreCommandTests {
    /// Every output of every command is checked for the password.
    func isconf(_ arguments: [String], environment: [String: String] = [:]) throws -> CLI.Result {
        let result = try CLI.run(arguments, environment: environment)
        #expect(!result.stdout.contains(Keytool.password) && !result.stderr.contains(Keytool.password), "password printed: \(arguments)")
        return result
    }

    func listed(_ store: String) throws -> [String: (type: String, sha256: [String])] {
        let result = try isconf(["truststore", "list", "--keystore", store, "--storepass", Keytool.password, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(document["integrity_verified"] as? Bool == true)
        var entries: [String: (type: String, sha256: [String])] = [:]
        for entry in document["entries"] as! [[String: Any]] {
            entries[entry["alias"] as! String] = (
                entry["type"] as! String,
                (entry["certificates"] as! [[String: Any]]).map { $0["sha256"] as! String }
            )
        }
        return entries
    }

    func expectSameListing(_ store: String, _ comment: Comment? = nil) throws {
        let ours = try listed(store)
        let keytool = try Keytool.list(store)
        #expect(ours.keys.sorted() == keytool.keys.sorted(), comment)
        for (alias, entry) in keytool {
            #expect(ours[alias]?.type == entry.type, comment)
            #expect(ours[alias]?.sha256 == entry.sha256, comment)
        }
    }

    @Test func listAgreesWithKeytool() throws {
        let scratch = try Scratch()
        try expectSameListing(try Keytool.store(scratch, "store.jks", type: "jks"), "JKS")
        try expectSameListing(try Keytool.store(scratch, "store.p12", type: "pkcs12"), "PKCS12")
        let chain = scratch.path + "/chain.p12"
        let pem = try Keytool.certificate(scratch, "server")
        try Keytool.openssl([
            "pkcs12", "-export", "-in", pem, "-inkey", scratch.path + "/server.key", "-name", "server",
            "-out", chain, "-passout", "pass:" + Keytool.password,
        ])
        try expectSameListing(chain, "openssl PKCS12")

        let text = try isconf(["truststore", "list", "--keystore", scratch.path + "/store.jks", "--storepass", Keytool.password])
        #expect(text.stdout.hasPrefix(scratch.path + "/store.jks: JKS, 2 entries, integrity verified\n"))
        #expect(text.stdout.contains("\nexisting: trustedCertEntry, created "))
        #expect(text.stdout.contains("  subject  O=Client Org, CN=existing-jks\n"))

        // Without a password: JKS is listed with a warning; PKCS#12 cannot be.
        let unverified = try isconf(["truststore", "list", "--keystore", scratch.path + "/store.jks"])
        #expect(unverified.status == 0)
        #expect(unverified.stdout.contains("integrity NOT verified"))
        #expect(unverified.stderr.contains("its integrity was not verified"))
        let locked = try isconf(["truststore", "list", "--keystore", scratch.path + "/store.p12"])
        #expect(locked.status == 2)
        #expect(locked.stderr.hasPrefix("isconf: error: \(scratch.path)/store.p12: needs the store password"))
    }

    @Test(arguments: ["jks", "pkcs12"])
    func importThenKeytoolListsIt(type: String) throws {
        let scratch = try Scratch()
        _ = try scratch.copySample(as: "home")
        let store = try Keytool.store(scratch, "home/repository/resources/security/client-truststore." + (type == "jks" ? "jks" : "p12"), type: type)
        let before = try Keytool.list(store)
        let certificate = try Keytool.certificate(scratch, "mobile-app")
        let passwordFile = try scratch.write("pass.txt", Keytool.password + "\nsecond line\n")

        let result = try isconf([
            "truststore", "import", "--alias", "Mobile-App", "--file", certificate, "--keystore", store,
            "--storepass-file", passwordFile,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("\(store): added the trusted certificate \"mobile-app\"\n"))
        #expect(result.stdout.contains("backup: \(scratch.path)/home/backup/isconf/"))
        let after = try Keytool.list(store)
        #expect(after["mobile-app"]?.type == "trustedCertEntry")
        for (alias, entry) in before { #expect(after[alias]?.sha256 == entry.sha256) }
        #expect(result.stdout.contains("  sha256  \(after["mobile-app"]!.sha256[0])\n"))
        try expectSameListing(store)

        let again = try isconf(
            [
                "truststore", "import", "--alias", "other", "--file", certificate, "--keystore", store,
                "--storepass-env", "STORE_PASSWORD",
            ], environment: ["STORE_PASSWORD": Keytool.password])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already trusts this certificate, as \"mobile-app\": nothing to change"))

        let taken = try isconf([
            "truststore", "import", "--alias", "existing", "--file", try Keytool.certificate(scratch, "another"), "--keystore", store,
            "--storepass", Keytool.password, "--no-backup",
        ])
        #expect(taken.status == 2)
        #expect(taken.stderr.contains("alias \"existing\" already holds a different certificate"))
    }

    @Test func exportWritesDERAndPEM() throws {
        let scratch = try Scratch()
        let store = try Keytool.store(scratch, "wso2carbon.p12", type: "pkcs12")
        let expected = try #require(try Keytool.list(store)["wso2carbon"]?.sha256.first)
        for (flag, name) in [(nil, "server.cer"), ("--pem", "server.pem"), ("--rfc", "server.crt")] {
            let out = scratch.path + "/" + name
            let result = try isconf(
                [
                    "truststore", "export", "--alias", "WSO2Carbon", "--keystore", store, "--storepass", Keytool.password,
                    "--file", out,
                ] + (flag.map { [$0] } ?? []))
            #expect(result.status == 0, "\(result.stderr)")
            let fingerprint = try CLI.run(
                ["x509", "-in", out, "-inform", flag == nil ? "DER" : "PEM", "-noout", "-fingerprint", "-sha256"],
                executable: "/usr/bin/openssl")
            #expect(
                fingerprint.stdout.split(separator: "=").last?.replacingOccurrences(of: ":", with: "").lowercased()
                    .trimmingCharacters(in: .whitespacesAndNewlines) == expected)
            let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
            #expect(mode == 0o644)
        }
        let missing = try isconf([
            "truststore", "export", "--alias", "nope", "--keystore", store, "--storepass", Keytool.password,
            "--file", scratch.path + "/x.cer",
        ])
        #expect(missing.status == 2)
        #expect(missing.stderr == "isconf: error: \(store): has no entry \"nope\"\n")
    }

    @Test(arguments: ["jks", "pkcs12"])
    func badStoresAreNeverWritten(type: String) throws {
        let scratch = try Scratch()
        let good = try Keytool.store(scratch, "good." + type, type: type)
        let goodBytes = try Keytool.bytes(good)
        let certificate = try Keytool.certificate(scratch, "client")
        var tampered = Array(goodBytes)
        tampered[tampered.count / 2] ^= 0x01
        let cases: [(name: String, bytes: [UInt8], password: String, message: String)] = [
            ("wrong-password", Array(goodBytes), "wrong-password-1", "store password is incorrect, or the store was tampered with"),
            ("tampered", tampered, Keytool.password, "store password is incorrect, or the store was tampered with"),
            ("truncated", Array(goodBytes.prefix(goodBytes.count - 7)), Keytool.password, "truncated"),
            ("trailing", Array(goodBytes) + [0x0A], Keytool.password, "1 unexpected bytes after"),
            ("wrong-magic", Array("<Server port=\"8005\"/>".utf8), Keytool.password, "not a key store"),
        ]
        for bad in cases {
            let path = try scratch.write(bad.name + "." + type, bad.bytes)
            for command in [
                ["list"], ["import", "--alias", "client", "--file", certificate],
                ["export", "--alias", "existing", "--file", scratch.path + "/out-\(bad.name).cer"],
            ] {
                let result = try isconf(["truststore"] + command + ["--keystore", path, "--storepass", bad.password])
                #expect(result.status == 2, "\(bad.name) \(command[0])")
                #expect(result.stderr.hasPrefix("isconf: error: \(path): ") && result.stderr.contains(bad.message), "\(bad.name): \(result.stderr)")
                #expect(!result.stderr.contains(bad.password))
                #expect(try Keytool.bytes(path) == Data(bad.bytes), "\(bad.name) changed by \(command[0])")
            }
            #expect(!FileManager.default.fileExists(atPath: scratch.path + "/out-\(bad.name).cer"))
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/.isconf-backup"))
        let huge = scratch.path + "/huge." + type
        FileManager.default.createFile(atPath: huge, contents: nil)
        try FileHandle(forWritingTo: URL(fileURLWithPath: huge)).truncate(atOffset: 9 * 1024 * 1024)
        let tooLarge = try isconf(["truststore", "list", "--keystore", huge, "--storepass", Keytool.password])
        #expect(tooLarge.status == 2)
        #expect(tooLarge.stderr == "isconf: error: \(huge): file is 9437184 bytes, over the 8 MiB limit\n")
        let absent = try isconf(["truststore", "list", "--keystore", scratch.path + "/absent.jks", "--storepass", Keytool.password])
        #expect(absent.status == 2)
        #expect(absent.stderr == "isconf: error: \(scratch.path)/absent.jks: no such file or directory\n")
    }

    @Test func legacyPKCS12GetsAClearError() throws {
        let scratch = try Scratch()
        let pem = try Keytool.certificate(scratch, "old")
        let store = scratch.path + "/legacy.p12"
        let made = try CLI.run(
            [
                "pkcs12", "-export", "-legacy", "-in", pem, "-inkey", scratch.path + "/old.key", "-out", store,
                "-passout", "pass:" + Keytool.password,
            ], executable: "/usr/bin/openssl")
        try #require(made.status == 0, "this openssl cannot write legacy PKCS#12 (-legacy), skipping: \(made.stderr)")
        let result = try isconf(["truststore", "list", "--keystore", store, "--storepass", Keytool.password])
        #expect(result.status == 2)
        #expect(result.stderr.contains("is a legacy PKCS#12 store encrypted with pbeWithSHAAnd40BitRC2-CBC"))
        #expect(result.stderr.contains("keytool -importkeystore"))
    }

    /// On a terminal with no password option, isconf asks without echo: run under a pseudo-terminal
    /// (python3's pty), answering as soon as the prompt shows.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "python3 is needed to drive a pseudo-terminal"))
    func promptsWithoutEcho() throws {
        let scratch = try Scratch()
        let store = try Keytool.store(scratch, "store.p12", type: "pkcs12")
        let driver = """
            import os, pty, select, signal, sys, time
            pid, fd = pty.fork()
            if pid == 0:
                os.execv(sys.argv[1], sys.argv[1:])
            out, sent, deadline = b"", False, time.time() + 30
            while time.time() < deadline:
                if select.select([fd], [], [], 0.2)[0]:
                    try:
                        chunk = os.read(fd, 4096)
                    except OSError:
                        break
                    if not chunk:
                        break
                    out += chunk
                    if not sent and b"Store password: " in out:
                        os.write(fd, os.environ["ANSWER"].encode() + b"\\n")
                        sent = True
            else:
                os.kill(pid, signal.SIGKILL)
            sys.stdout.write(out.decode(errors="replace"))
            sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
            """
        let result = try CLI.run(
            ["-c", driver, CLI.binary.path, "truststore", "list", "--keystore", store],
            environment: ["ANSWER": Keytool.password], executable: "/usr/bin/python3")
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.hasPrefix("Store password: "))
        #expect(result.stdout.contains("PKCS12, 2 entries, integrity verified"))
        #expect(!result.stdout.contains(Keytool.password), "the answer was echoed")
    }

    @Test func usageErrors() throws {
        let scratch = try Scratch()
        let store = try Keytool.store(scratch, "store.jks", type: "jks")
        let twoSources = try isconf(["truststore", "list", "--keystore", store, "--storepass", Keytool.password, "--storepass-env", "X"])
        #expect(twoSources.status == 64)
        #expect(twoSources.stderr.contains("give the store password one way only"))
        // A password that looks like an option is still taken as the password, and not echoed.
        let dashed = try isconf(["truststore", "list", "--keystore", store, "--storepass", "-" + Keytool.password])
        #expect(dashed.status == 2)
        #expect(dashed.stderr.contains("store password is incorrect"))
        #expect(try isconf(["truststore", "import", "--keystore", store, "--file", store]).status == 64)
        #expect(
            try isconf([
                "truststore", "import", "--alias", "a", "--file", store, "--keystore", store, "--no-backup",
                "--backup-dir", scratch.path,
            ]).status == 64)
        let wrongType = try isconf(["truststore", "list", "--keystore", store, "--storepass", Keytool.password, "--storetype", "PKCS12"])
        #expect(wrongType.status == 2)
        #expect(wrongType.stderr.contains("is a JKS store, not PKCS12"))
        let noPassword = try isconf(["truststore", "import", "--alias", "a", "--file", try Keytool.certificate(scratch, "a"), "--keystore", store])
        #expect(noPassword.status == 2)
        #expect(noPassword.stderr.contains("needs the store password to verify and rewrite the store"))
    }
}
