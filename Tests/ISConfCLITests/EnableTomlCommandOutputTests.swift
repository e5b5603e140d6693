import Foundation
import ISConfTestSupport
import Testing

/// `isconf enable` on deployment.toml as a command: what it prints, and the files it will not touch.
extension EnableTomlCommandTests {
    @Test func checkEnableThenNothingInText() throws {
        let scratch = try Scratch()
        let home = scratch.path + "/home"
        try FileManager.default.copyItem(atPath: Self.sample, toPath: home)
        let path = home + "/" + Self.toml
        let before = Self.bytes(path)

        let check = try CLI.run(["enable", "--check", home])
        #expect(check.status == 1)
        #expect(
            check.stdout == """
                \(path): would remove [transport.https.properties] clientAuth = "want", which conflicts with the SSLHostConfig's certificateVerification
                \(path): would set [admin_console.authenticator.mutual_ssl_authenticator] enable = true (was "true")
                1 file would change (run without --check to apply)

                """)
        #expect(Self.bytes(path) == before)

        let first = try CLI.run(["enable", home])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(
            first.stdout.hasSuffix(
                "mutual SSL enabled: 1 file changed; it takes effect at the next start of the server, which renders catalina-server.xml and authenticators.xml from deployment.toml\n"
            ),
            "\(first.stdout)")
        let runs = try FileManager.default.contentsOfDirectory(atPath: home + "/backup/isconf")
        #expect(runs.count == 1 && first.stdout.contains("backup: \(home)/backup/isconf/\(runs[0])/\n"))

        let second = try CLI.run(["enable", home])
        #expect(second.stdout == "\(path): already compliant\nalready compliant: nothing to change\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: home + "/backup/isconf").count == 1, "no backup when nothing is written")
        #expect(try CLI.run(["enable", "--check", home]).status == 0)
    }

    @Test func jsonSaysTheChangeTakesEffectAtTheNextStart() throws {
        let scratch = try Scratch()
        let home = try Self.home(Array(Self.deploymentToml("").utf8), in: scratch)
        let object = try Self.json(try CLI.run(["enable", "--format", "json", home]))
        #expect(object["changed"] as? Bool == true)
        #expect(object["restart_required"] as? Bool == true)
        #expect(
            (object["message"] as? String)?.hasSuffix(
                "it takes effect at the next start of the server, which renders catalina-server.xml and authenticators.xml from deployment.toml") == true)
        let again = try Self.json(try CLI.run(["enable", "--format", "json", home]))
        #expect(again["restart_required"] as? Bool == false)
        #expect(again["message"] as? String == "already compliant: nothing to change")
    }

    @Test func theDiffMasksPasswords() throws {
        let scratch = try Scratch()
        let home = try Self.home(
            Array(
                Self.deploymentToml(
                    """
                    [keystore.primary]
                    password = "Hunter2-secret"
                    "key_password" = 'Other-secret'
                    [admin_console.authenticator.mutual_ssl_authenticator]
                    enable = false
                    [truststore]
                    #password = "Commented-secret"
                    password = "Third-secret"
                    """
                ).utf8), in: scratch)
        for format in ["text", "json"] {
            let result = try CLI.run(["enable", "--check", "--diff", "--format", format, home])
            #expect(result.status == 1)
            let diff: String
            if format == "json" {
                let files = try #require(try Self.json(result)["files"] as? [[String: Any]])
                diff = try #require(files.first?["diff"] as? String)
            } else {
                diff = result.stdout
            }
            #expect(diff.contains("--- a/repository/conf/deployment.toml\n+++ b/repository/conf/deployment.toml\n"), "\(diff)")
            #expect(diff.contains("-enable = false\n+enable = true\n"), "\(diff)")
            #expect(
                diff.contains(" password = \"********\"\n") && diff.contains(" \"key_password\" = '********'\n")
                    && diff.contains(" #password = \"********\"\n"), "\(diff)")
            #expect(!result.stdout.contains("secret"), "\(result.stdout)")
        }
    }

    @Test func malformedTOMLIsRefusedAndLeftAsItIs() throws {
        let scratch = try Scratch()
        let toml = Array("[server]\nhostname = \"localhost\"\n[server]\nnode_ip = 1\n".utf8)
        let home = try Self.home(toml, in: scratch)
        for arguments in [["enable"], ["enable", "--check"], ["enable", "--format", "json"]] {
            let result = try CLI.run(arguments + [home])
            #expect(result.status == 2, "\(arguments)")
            if arguments.count == 1 {
                #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
                #expect(result.stderr.hasPrefix("isconf: error: \(home)/\(Self.toml):3:"), "\(result.stderr)")
                #expect(result.stderr.hasSuffix("; not changed\n"))
            }
        }
        #expect(Self.bytes(home + "/" + Self.toml) == toml)
        #expect(!FileManager.default.fileExists(atPath: home + "/backup"))
    }

    @Test func aReadOnlyDeploymentTomlIsLeftAsItIs() throws {
        let scratch = try Scratch()
        let home = try Self.home(Array(Self.deploymentToml("").utf8), in: scratch)
        let path = home + "/" + Self.toml
        let before = Self.bytes(path)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        let result = try CLI.run(["enable", home])
        #expect(result.status == 2)
        #expect(result.stderr.contains("read-only"), "\(result.stderr)")
        #expect(result.stdout.contains("not changed") && !result.stdout.contains("mutual SSL enabled"), "\(result.stdout)")
        #expect(Self.bytes(path) == before)
    }

    /// A user's save that lands while `enable` waits for the folder lock is kept: enable plans again on it.
    @Test func anEditDuringTheLockIsNotLost() throws {
        let scratch = try Scratch()
        let home = try Self.home(Array(Self.deploymentToml("").utf8), in: scratch)
        let folder = home + "/repository/conf"
        let lock = open(folder, O_RDONLY | O_DIRECTORY)
        try #require(lock >= 0)
        defer { close(lock) }
        #expect(flock(lock, LOCK_EX) == 0)

        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["enable", "--no-backup", home]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(500_000)  // enable has planned by now and waits for the lock
        let path = folder + "/deployment.toml"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        try original.replacingOccurrences(of: "hostname = \"localhost\"", with: "hostname = \"is.example.com\"")
            .write(toFile: path, atomically: false, encoding: .utf8)
        flock(lock, LOCK_UN)
        process.waitUntilExit()

        #expect(process.terminationStatus == 0)
        let comparison = try PythonTOML.compare(
            before: Array(original.utf8), after: Self.bytes(path),
            [.set(["server", "hostname"], "is.example.com"), .set(Self.authenticator + ["enable"], true)])
        #expect(comparison.mismatch == nil, "the user's edit is kept, and enable's change is made on top of it")
    }
}
