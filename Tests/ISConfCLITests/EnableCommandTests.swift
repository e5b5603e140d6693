import Foundation
import ISConfTestSupport
import Testing

@Suite struct EnableCommandTests {
    static let catalina = "repository/conf/tomcat/catalina-server.xml"
    static let authenticators = "repository/conf/security/authenticators.xml"

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func backupRuns(_ home: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: home + "/backup/isconf")) ?? []).sorted()
    }

    func leftovers(_ directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []).filter { $0.contains(".isconf-") && $0.hasSuffix(".tmp") }
    }

    @Test func enablesTheSampleOnceThenDoesNothing() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let originalCatalina = try bytes(home + "/" + Self.catalina)
        let first = try CLI.run(["enable", home])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("catalina-server.xml: set clientAuth=\"want\" on Connector[port=9443]"))
        #expect(first.stdout.contains("authenticators.xml: uncomment MutualSSLAuthenticator"))
        #expect(first.stdout.contains("mutual SSL enabled: 2 files changed"))
        #expect(try CLI.run(["lint", home]).status == 0)

        let runs = backupRuns(home)
        #expect(runs.count == 1)
        #expect(try bytes(home + "/backup/isconf/\(runs[0])/" + Self.catalina) == originalCatalina)

        let afterFirst = (try bytes(home + "/" + Self.catalina), try bytes(home + "/" + Self.authenticators))
        let second = try CLI.run(["enable", home])
        #expect(second.status == 0)
        #expect(second.stdout.hasSuffix("already compliant: nothing to change\n"))
        #expect(try bytes(home + "/" + Self.catalina) == afterFirst.0)
        #expect(try bytes(home + "/" + Self.authenticators) == afterFirst.1)
        #expect(backupRuns(home).count == 1, "no backup when nothing is written")
        #expect(leftovers(home).isEmpty)
    }

    @Test func checkAndDiffChangeNothing() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let before = try bytes(home + "/" + Self.catalina)
        let check = try CLI.run(["enable", "--check", "--diff", home])
        #expect(check.status == 1)
        #expect(check.stdout.contains("would set clientAuth=\"want\""))
        #expect(check.stdout.contains("-                   clientAuth=\"false\"\n+                   clientAuth=\"want\"\n"))
        #expect(check.stdout.contains("--- a/repository/conf/tomcat/catalina-server.xml\n+++ b/repository/conf/tomcat/catalina-server.xml\n"))
        #expect(try bytes(home + "/" + Self.catalina) == before)
        #expect(backupRuns(home).isEmpty)
        #expect(try CLI.run(["enable", home]).status == 0)
        #expect(try CLI.run(["enable", "--check", home]).status == 0)
    }

    @Test func diffMasksPasswords() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        try scratch.write(
            "home/" + Self.catalina,
            """
            <Server><Service>
              <Connector port="9443" SSLEnabled="true"
                         keystorePass="Hunter2-secret"
                         clientAuth="false"
                         truststorePass="Other-secret"/>
            </Service></Server>
            """)
        for format in ["text", "json"] {
            let result = try CLI.run(["enable", "--check", "--diff", "--format", format, home])
            #expect(result.status == 1)
            #expect(result.stdout.contains("keystorePass=\\\"********\\\"") || result.stdout.contains("keystorePass=\"********\""))
            #expect(!result.stdout.contains("secret"), "\(result.stdout)")
        }
    }

    @Test func jsonOutput() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let result = try CLI.run(["enable", "--format", "json", "--diff", home])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["changed"] as? Bool == true)
        let files = try #require(object["files"] as? [[String: Any]])
        #expect(files.count == 2)
        #expect(files[0]["rules_fixed"] as? [String] == ["client-auth-want"])
        #expect(files[1]["rules_fixed"] as? [String] == ["mutual-ssl-authenticator"])
        #expect((files[0]["diff"] as? String)?.contains("+                   clientAuth=\"want\"") == true)
        #expect((files[0]["backup"] as? String)?.contains("/backup/isconf/") == true)
        let again = try #require(try JSONSerialization.jsonObject(with: Data(try CLI.run(["enable", "--format", "json", home]).stdout.utf8)) as? [String: Any])
        #expect(again["changed"] as? Bool == false)
    }

    @Test func keepsModeOwnerAndTheLastTenBackups() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let path = home + "/" + Self.catalina
        let original = try bytes(path)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        if geteuid() == 0 { try FileManager.default.setAttributes([.ownerAccountID: 65534, .groupOwnerAccountID: 65534], ofItemAtPath: path) }
        for _ in 0..<12 {
            try original.write(to: URL(fileURLWithPath: path))
            #expect(try CLI.run(["enable", home]).status == 0)
            usleep(2000)
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect(attributes[.posixPermissions] as? Int == 0o640)
        if geteuid() == 0 { #expect(attributes[.ownerAccountID] as? Int == 65534) }
        let runs = backupRuns(home)
        #expect(runs.count == 10)
        let backup = home + "/backup/isconf/\(runs.last!)/" + Self.catalina
        #expect(try bytes(backup) == original)
        #expect(try FileManager.default.attributesOfItem(atPath: backup)[.posixPermissions] as? Int == 0o640)
        #expect(try FileManager.default.attributesOfItem(atPath: home + "/backup/isconf/\(runs.last!)")[.posixPermissions] as? Int == 0o700)
    }

    @Test func backupDirAndNoBackup() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        #expect(try CLI.run(["enable", "--backup-dir", scratch.path + "/bk", home]).status == 0)
        let runs = try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/bk")
        #expect(runs.count == 1)
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/bk/\(runs[0])/" + Self.authenticators))
        let other = try scratch.copySample(as: "other")
        #expect(try CLI.run(["enable", "--no-backup", other]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: other + "/backup"))
        #expect(try CLI.run(["enable", "--no-backup", "--backup-dir", "x", other]).status == 64)
    }

    /// IS 5.9+ renders the XML from deployment.toml at every start: enable edits deployment.toml there,
    /// and the XML only with --force-xml.
    @Test func deploymentTomlHomesGetTheTOMLEditedUnlessForced() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let toml = try scratch.write("home/repository/conf/deployment.toml", "[server]\nhostname = \"localhost\"\n")
        let before = (try bytes(home + "/" + Self.catalina), try bytes(home + "/" + Self.authenticators))
        let result = try CLI.run(["enable", home])
        #expect(result.status == 0, "\(result.stderr)")
        // An Identity Server's defaults already give certificateVerification "want": only the authenticator is added.
        #expect(result.stdout.hasPrefix(toml + ": add [admin_console.authenticator.mutual_ssl_authenticator] enable = true\n"), "\(result.stdout)")
        #expect(String(decoding: try bytes(toml), as: UTF8.self).hasSuffix("\n[admin_console.authenticator.mutual_ssl_authenticator]\nenable = true\n"))
        #expect(try bytes(home + "/" + Self.catalina) == before.0 && bytes(home + "/" + Self.authenticators) == before.1)

        let tomlBefore = try bytes(toml)
        #expect(try CLI.run(["enable", "--force-xml", home]).status == 0)
        #expect(try bytes(home + "/" + Self.catalina) != before.0)
        #expect(try bytes(toml) == tomlBefore)
    }

    @Test func aSymlinkedFileIsEditedAtItsTarget() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let link = home + "/" + Self.catalina
        let target = scratch.path + "/real-catalina.xml"
        try FileManager.default.moveItem(atPath: link, toPath: target)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(try CLI.run(["enable", home]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(String(decoding: try bytes(target), as: UTF8.self).contains("clientAuth=\"want\""))
        #expect(leftovers(scratch.path).isEmpty)
    }

    @Test func readOnlyAndMalformedFilesAreLeftAlone() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let path = home + "/" + Self.catalina
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        let before = (try bytes(path), try bytes(home + "/" + Self.authenticators))
        let readOnly = try CLI.run(["enable", home])
        #expect(readOnly.status == 2)
        #expect(readOnly.stderr.contains("read-only"))
        #expect(try bytes(path) == before.0)

        // The second file read-only: refused before the first is written, and the output says so.
        let second = try scratch.copySample(as: "second")
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: second + "/" + Self.authenticators)
        let firstBefore = try bytes(second + "/" + Self.catalina)
        let refused = try CLI.run(["enable", second])
        #expect(refused.status == 2)
        #expect(try bytes(second + "/" + Self.catalina) == firstBefore, "nothing is written when a later file cannot be")
        #expect(!refused.stdout.contains("mutual SSL enabled"), "\(refused.stdout)")
        #expect(refused.stdout.contains("catalina-server.xml: not changed"))

        let broken = try scratch.copySample(as: "broken")
        try scratch.write("broken/" + Self.authenticators, "<Authenticators><Authenticator></Authenticators>")
        let catalinaBefore = try bytes(broken + "/" + Self.catalina)
        let malformed = try CLI.run(["enable", broken])
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("authenticators.xml:1:"))
        #expect(try bytes(broken + "/" + Self.catalina) == catalinaBefore, "nothing is written when any file of the home fails")
        #expect(leftovers(scratch.path).isEmpty)
    }

    @Test func usage() throws {
        #expect(try CLI.run(["enable", "--whitelist", "nope", CLI.sample]).status == 64)
        #expect(try CLI.run(["enable", "--username-header", "a b", CLI.sample]).status == 64)
        #expect(try CLI.run(["enable"]).status == 64)
    }

    @Test func whitelistOption() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        // SHA-1 (the sample's authenticator 5.3.3 compares SHA-1) of the client CA in the sample's trust store.
        let thumbprint = "B2:4A:D8:D6:22:56:07:03:80:1B:8B:A5:C1:A5:24:82:BB:B0:AE:83"
        #expect(try CLI.run(["enable", "--whitelist", thumbprint, "--username-header", "X-User", home]).status == 0)
        let text = String(decoding: try bytes(home + "/" + Self.authenticators), as: UTF8.self)
        #expect(text.contains("<Parameter name=\"WhiteList\">b24ad8d622560703801b8ba5c1a52482bbb0ae83</Parameter>"))
        #expect(text.contains("<Parameter name=\"WhiteListEnabled\">true</Parameter>"))
        #expect(text.contains("<Parameter name=\"UsernameHeader\">X-User</Parameter>"))
        #expect(try CLI.run(["lint", "--fail-on", "warning", home]).status == 0)
    }
}
