import Foundation
import ISConfTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 17, class 1: a path the user names is written only as a new regular file, or an existing
/// regular file replaced on request; never a link, a device, a FIFO, a folder, or the store being read.
@Suite(.enabled(if: Keytool.available, Keytool.missing))
struct OutputPathTests {
    static let catalina = "repository/conf/tomcat/catalina-server.xml"

    func export(_ store: String, to file: String, force: Bool = false) throws -> CLI.Result {
        try CLI.run(
            [
                "truststore", "export", "--alias", "wso2carbon", "--keystore", store, "--storepass", Keytool.password,
                "--file", file, "--pem",
            ] + (force ? ["--force"] : []))
    }

    @Test func exportRefusesWhatIsNotANewOrReplaceableFile() throws {
        let scratch = try Scratch()
        let store = try Keytool.store(scratch, "wso2carbon.p12", type: "pkcs12")
        let storeBytes = try Keytool.bytes(store)

        // A new file: written. Again: refused without --force, replaced with it.
        let out = scratch.path + "/server.pem"
        #expect(try export(store, to: out).status == 0)
        try "unrelated".write(toFile: out, atomically: false, encoding: .utf8)
        let existing = try export(store, to: out)
        #expect(existing.status == 2)
        #expect(existing.stderr.contains("already exists; not written (--force replaces it)"), "\(existing.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "unrelated")
        #expect(try export(store, to: out, force: true).status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("-----BEGIN CERTIFICATE-----"))

        // A symlink (even with --force): refused, the link and its target untouched.
        let target = try scratch.write("target.txt", "target")
        let symbolicLink = scratch.path + "/link.pem"
        try FileManager.default.createSymbolicLink(atPath: symbolicLink, withDestinationPath: target)
        let linked = try export(store, to: symbolicLink, force: true)
        #expect(linked.status == 2)
        #expect(linked.stderr.contains("a symbolic link is already there"), "\(linked.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: symbolicLink) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "target")

        // A FIFO (no hang), a device, a folder.
        let fifo = scratch.path + "/fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        for (path, what) in [(fifo, "a FIFO"), ("/dev/null", "a character device"), (scratch.path, "a directory")] {
            let result = try export(store, to: path, force: true)
            #expect(result.status == 2, "\(what)")
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(what), "\(what): \(result.stderr)")
        }

        // The store itself, by its name, through a symlink's target, or a hard link: never.
        let hardLink = scratch.path + "/hard-link.p12"
        #expect(link(store, hardLink) == 0)
        for path in [store, hardLink] {
            let result = try export(store, to: path, force: true)
            #expect(result.status == 2)
            #expect(result.stderr.contains("is the key store being read"), "\(result.stderr)")
        }
        #expect(try Keytool.bytes(store) == storeBytes)
    }

    @Test func backupDirMustBeAFolder() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let catalina = try Data(contentsOf: URL(fileURLWithPath: home + "/" + OutputPathTests.catalina))
        let notAFolder = try scratch.write("backups", "a file")
        let result = try CLI.run(["enable", "--backup-dir", notAFolder, home])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot create the backup folder: a file is in the way"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: home + "/" + OutputPathTests.catalina)) == catalina)
        #expect(try String(contentsOfFile: notAFolder, encoding: .utf8) == "a file")
    }

    @Test func aTrustStoreOutsideTheHomeNeedsConfirmation() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let store = try Keytool.store(scratch, "shared/cacerts.p12", type: "pkcs12")
        try scratch.write(
            "home/" + OutputPathTests.catalina,
            """
            <Server port="8005" shutdown="SHUTDOWN">
              <Service name="Catalina">
                <Connector port="9443" SSLEnabled="true" scheme="https">
                  <SSLHostConfig certificateVerification="want" truststoreFile="\(store)"
                                 truststorePassword="\(Keytool.password)" truststoreType="PKCS12">
                    <Certificate certificateKeystoreFile="${carbon.home}/repository/resources/security/wso2carbon.jks"
                                 certificateKeystorePassword="sample-keystore-secret"/>
                  </SSLHostConfig>
                </Connector>
              </Service>
            </Server>

            """)
        let original = try Keytool.bytes(store)
        let certificate = try Keytool.certificate(scratch, "client")
        let refused = try CLI.run(["enable", "--tomcat", "9", "--trust-client-cert", certificate, home])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("is outside the IS_HOME"), "\(refused.stderr)")
        #expect(try Keytool.bytes(store) == original)
        let confirmed = try CLI.run(["enable", "--tomcat", "9", "--trust-client-cert", certificate, "--allow-store-outside-home", home])
        #expect(confirmed.status == 0, "\(confirmed.stderr)")
        #expect(try Keytool.list(store)["client"] != nil)
    }
}
