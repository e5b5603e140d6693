import Foundation
import ISConfTestSupport
import Testing

/// `isconf lint` on a config repository: deployment.toml files without their IS pack, folders walked for
/// the files isconf knows, and the product defaults assumed or named with --is-version.
@Suite struct ConfigRepositoryCommandTests {
    static func corpus(_ name: String) throws -> String {
        try String(contentsOfFile: Corpus.path(name), encoding: .utf8)
    }

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    /// Errors in the text output, by rule id.
    static func errorRules(_ text: String) -> [String] {
        lines(text).filter { $0.contains(": error: ") }.compactMap { line in
            line.split(separator: "[").last.map { String($0.dropLast()) }
        }
    }

    /// WSO2's stock deployment.toml has no [transport] key: IS renders certificateVerification "want" from its
    /// defaults. Without an IS pack isconf must not read it by the kernel's "false".
    @Test(.enabled(if: Corpus.available, Corpus.skipReason), arguments: ["5.9.0", "7.3.0"])
    func aStockDeploymentTomlAloneRaisesNoFalseError(version: String) throws {
        let scratch = try Scratch()
        let toml = try scratch.write("env/deployment.toml", try Self.corpus("deployment.toml@product-is-v\(version)"))
        let alone = try CLI.run(["lint", toml])
        #expect(alone.status == 1, "\(alone.stdout)\(alone.stderr)")
        #expect(alone.stderr.isEmpty, "\(alone.stderr)")
        // The one error is true of a stock IS: the authenticator is off by default.
        #expect(Self.errorRules(alone.stdout) == ["toml-mutual-ssl-authenticator"], "\(alone.stdout)")
        #expect(!alone.stdout.contains("[toml-certificate-verification]"), "\(alone.stdout)")
        let note = try #require(Self.lines(alone.stdout).first { $0.hasSuffix("[toml-defaults]") })
        #expect(note.hasPrefix(toml + ": note: deployment.toml leaves certificateVerification, enable"), "\(note)")
        #expect(
            note.contains(
                "isconf assumed WSO2 Identity Server's defaults, those every release from 5.9.0 has (no IS version given; the file has [super_admin], [user_store], [database.identity_db])"
            ), "\(note)")
        #expect(alone.stdout.contains("    hint: pass --is-version"), "\(alone.stdout)")

        let named = try CLI.run(["lint", "--is-version", version, toml])
        #expect(named.status == 1)
        #expect(Self.errorRules(named.stdout) == ["toml-mutual-ssl-authenticator"], "\(named.stdout)")
        let kernel = version == "5.9.0" ? "4.5.1" : "4.12.34"
        #expect(named.stdout.contains("isconf used its own table: the defaults of IS \(version) (kernel \(kernel)), as --is-version says"), "\(named.stdout)")
        #expect(named.stdout.contains("and the default of IS \(version) (kernel \(kernel)) is false"), "\(named.stdout)")
        #expect(
            !named.stdout.contains("hint: lint the whole IS_HOME") && !named.stdout.contains("hint: pass --is-version"),
            "nothing more to do about the defaults: \(named.stdout)")
    }

    /// The XML the config mapper rendered beside the TOML is linted with it: one target, drift between them
    /// reported, no XML rule repeating what the TOML decides, and no store checks without an IS_HOME.
    @Test(.enabled(if: Corpus.available, Corpus.skipReason))
    func aDeploymentTomlWithTheXMLRenderedBesideIt() throws {
        let scratch = try Scratch()
        let toml = try scratch.write("prod/deployment.toml", try Self.corpus("deployment.toml@product-is-v7.3.0"))
        let catalina = try scratch.write("prod/catalina-server.xml", try Self.corpus("catalina-server.xml@product-is-v7.3.0-DERIVED-rendered"))
        try scratch.write("prod/authenticators.xml", try Self.corpus("authenticators.xml@product-is-v7.3.0-DERIVED-rendered"))
        for arguments in [[scratch.path], [scratch.path + "/prod"], ["--is-version", "7.3.0", scratch.path]] {
            let result = try CLI.run(["lint"] + arguments)
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            #expect(result.stderr.isEmpty, "\(result.stderr)")
            #expect(Self.errorRules(result.stdout) == ["toml-mutual-ssl-authenticator"], "\(result.stdout)")
            #expect(!result.stdout.contains("[generated-by-deployment-toml]"), "the rendered XML agrees with the TOML: \(result.stdout)")
            #expect(
                !result.stdout.contains("[store-access]") && !result.stdout.contains("[default-store-password]"),
                "no IS_HOME: the stores are elsewhere, not missing: \(result.stdout)")
            #expect(Self.lines(result.stdout).last?.hasPrefix("1 error, 1 note in 3 files") == true, "\(result.stdout)")
        }
        // The files given one by one, in any order, are one target too.
        let given = try CLI.run(["lint", catalina, toml])
        #expect(Self.errorRules(given.stdout) == ["toml-mutual-ssl-authenticator"], "\(given.stdout)")

        // A hand edit of the rendered file is drift, at the XML.
        let original = try String(contentsOfFile: catalina, encoding: .utf8)
        try original.replacingOccurrences(of: "certificateVerification=\"want\"", with: "certificateVerification=\"false\"")
            .write(toFile: catalina, atomically: true, encoding: .utf8)
        let drifted = try CLI.run(["lint", scratch.path])
        #expect(
            drifted.stdout.contains("warning: certificateVerification on the SSLHostConfig is \"false\" here, but deployment.toml renders \"want\""),
            "\(drifted.stdout)")
        #expect(Self.errorRules(drifted.stdout) == ["toml-mutual-ssl-authenticator"], "\(drifted.stdout)")
    }

    /// IS 5.9.0's zip holds a static catalina-server.xml in the Tomcat 7 shape, which the first start
    /// replaces: beside its deployment.toml that is drift (a warning), not an error.
    @Test(.enabled(if: Corpus.available, Corpus.skipReason))
    func anIS59DeploymentTomlBesideTheZipsStaticXML() throws {
        let scratch = try Scratch()
        try scratch.write("dev/deployment.toml", try Self.corpus("deployment.toml@product-is-v5.9.0"))
        let catalina = try scratch.write("dev/catalina-server.xml", try Self.corpus("catalina-server.xml@product-is-v5.9.0"))
        let result = try CLI.run(["lint", scratch.path])
        #expect(result.status == 1)
        #expect(Self.errorRules(result.stdout) == ["toml-mutual-ssl-authenticator"], "\(result.stdout)")
        #expect(result.stdout.contains(catalina + ":"), "\(result.stdout)")
        #expect(
            result.stdout.contains("the HTTPS connector has no <SSLHostConfig> here, but deployment.toml renders one with certificateVerification=\"want\""),
            "\(result.stdout)")
    }

    /// A lone deployment.toml also reads a catalina-server.xml beside it for the product: a rendered
    /// "false" where the TOML leaves it unset is a kernel-only product's default.
    @Test func aRenderedFalseBesideTheTomlTellsAKernelOnlyProduct() throws {
        let scratch = try Scratch()
        let toml = try scratch.write("api/deployment.toml", "[server]\nhostname = \"localhost\"\n")
        try scratch.write(
            "api/catalina-server.xml",
            """
            <Server><Service><Connector port="9443" SSLEnabled="true" scheme="https">
            <SSLHostConfig certificateVerification="false"/></Connector></Service></Server>
            """)
        let result = try CLI.run(["lint", toml])
        #expect(
            result.stdout.contains(
                toml + ": error: certificateVerification is \"false\" (the Carbon kernel's default (assumed: a kernel-only product, version unknown)"),
            "\(result.stdout)")
        #expect(
            result.stdout.contains(
                "(no IS version given; the catalina-server.xml rendered beside it has certificateVerification=\"false\", the Carbon kernel's default)"),
            "\(result.stdout)")
        #expect(!result.stdout.contains("api/catalina-server.xml:"), "the XML beside it was not given: only read")

        let apiManager = try scratch.write("apim/deployment.toml", "[super_admin]\nusername = \"admin\"\n\n[apim.key_manager]\ntype = \"default\"\n")
        let apim = try CLI.run(["lint", apiManager])
        #expect(apim.stdout.contains("(assumed: WSO2 API Manager, version unknown)"), "\(apim.stdout)")
        #expect(apim.stdout.contains("the file has [apim.key_manager], as API Manager's has"), "\(apim.stdout)")
    }

    @Test func isVersionMustNameARelease() throws {
        for (value, message) in [
            ("7.3", "'7.3' is not an IS version of the form X.Y.Z, e.g. 7.3.0"),
            ("7.4.0", "'7.4.0' is not an Identity Server release isconf knows (5.1.0, "),
            ("seven", "'seven' is not an IS version"),
        ] {
            let result = try CLI.run(["lint", "--is-version", value, CLI.sample])
            #expect(result.status == 64, "\(value)")
            #expect(result.stderr.contains("--is-version: " + message), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        // IS 5.6.0 is built on kernel 4.4.32: Tomcat 7 reads "Want" as no client authentication.
        let scratch = try Scratch()
        let catalina = try scratch.write(
            "catalina-server.xml",
            """
            <Server><Service><Connector port="9443" SSLEnabled="true" scheme="https" clientAuth="Want"/></Service></Server>
            """)
        #expect(try CLI.run(["lint", "--is-version", "5.6.0", catalina]).stdout.contains("[client-auth-want]"))
        #expect(!(try CLI.run(["lint", "--is-version", "7.3.0", catalina]).stdout.contains("[client-auth-want]")))
    }

    /// A config repository: environments with their deployment.toml, and files isconf does not read
    /// (passed over without a word), a .git folder, a link back up the tree, a Helm-templated
    /// deployment.toml (a note), and other TOML files.
    @Test func aConfigRepositoryIsWalkedAndOnlyKnownFilesAreRead() throws {
        let scratch = try Scratch()
        let repository = scratch.path + "/repo"
        let stock = "[server]\nhostname = \"localhost\"\n\n[super_admin]\nusername = \"admin\"\n\n[user_store]\ntype = \"database_unique_id\"\n"
        let enabled = stock + "\n[admin_console.authenticator.mutual_ssl_authenticator]\nenable = true\n"
        try scratch.write("repo/environments/dev/deployment.toml", enabled)
        try scratch.write("repo/environments/staging/deployment.toml", stock)
        try scratch.write(
            "repo/environments/prod/deployment.toml",
            enabled + "\n[transport.https.sslHostConfig.properties]\ncertificateVerification = \"required\"\n")
        // Named otherwise, but a deployment.toml by its tables.
        try scratch.write("repo/environments/prod-eu.toml", enabled)
        try scratch.write("repo/README.md", "# config\n{{ not a template of ours }}\n")
        try scratch.write("repo/values.yaml", "wso2:\n  deployment: {}\n")
        try scratch.write("repo/default.json", "{\"transport\": {}}\n")
        try scratch.write("repo/pyproject.toml", "[project]\nname = \"tools\"\n")
        try scratch.write("repo/broken.toml", "this is = = not toml\n")
        try scratch.write("repo/.git/deployment.toml", "not even toml [")
        try scratch.write("repo/.github/catalina-server.xml", "<junk")
        try scratch.write(
            "repo/chart/confs/deployment.toml",
            "[server]\nhostname = \"{{ .Values.wso2.hostname }}\"\n{{- if .Values.wso2.mutualSSL }}\n[admin_console.authenticator.mutual_ssl_authenticator]\nenable = true\n{{- end }}\n"
        )
        try FileManager.default.createSymbolicLink(atPath: repository + "/environments/dev/loop", withDestinationPath: "..")

        let result = try CLI.run(["lint", repository])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(
            result.stderr
                == "isconf: note: \(repository)/chart/confs/deployment.toml: a template (Jinja2, Helm or ERB markup), not TOML: skipped; lint the rendered file\n"
        )
        let files = Self.lines(result.stdout).filter { !$0.hasPrefix("    ") }.dropLast()
            .compactMap { $0.split(separator: ":").first.map(String.init) }
        var order: [String] = []
        for file in files where order.last != file { order.append(file) }
        #expect(
            order
                == ["dev/deployment.toml", "prod/deployment.toml", "prod-eu.toml", "staging/deployment.toml"]
                .map { "\(repository)/environments/\($0)" }, "name order: \(result.stdout)")
        #expect(result.stdout.contains("environments/prod/deployment.toml:14:1: error: certificateVerification is \"required\""), "\(result.stdout)")
        #expect(Self.errorRules(result.stdout).sorted() == ["toml-certificate-verification", "toml-mutual-ssl-authenticator"], "\(result.stdout)")
        #expect(Self.lines(result.stdout).last?.hasPrefix("2 errors, 3 warnings, 4 notes in 4 files") == true, "\(result.stdout)")
        for passedOver in ["README.md", "values.yaml", "default.json", "pyproject.toml", "broken.toml", ".git", ".github", "loop"] {
            #expect(!result.stdout.contains(passedOver) && !result.stderr.contains(passedOver), "\(passedOver)")
        }

        let nothing = try scratch.write("empty/README.md", "nothing here\n")
        let empty = try CLI.run(["lint", (nothing as NSString).deletingLastPathComponent])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("no IS_HOME, deployment.toml, catalina-server.xml or authenticators.xml here or in its subfolders"))
    }

    /// IS_HOMEs found in a walk are linted as IS_HOMEs, at any depth of it, beside loose files.
    @Test func homesInAWalkAreLintedAsHomes() throws {
        let scratch = try Scratch()
        _ = try scratch.copySample(as: "a")
        try FileManager.default.createDirectory(atPath: scratch.path + "/fleet/eu", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CLI.sample, toPath: scratch.path + "/fleet/eu/node1")
        try scratch.write("fleet/eu/node1-overrides/deployment.toml", "[super_admin]\nusername = \"admin\"\n")
        let result = try CLI.run(["lint", "--format", "json", scratch.path])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let files = try #require(object["findings"] as? [[String: Any]]).compactMap { $0["file"] as? String }
        #expect(files.first?.hasPrefix(scratch.path + "/a/repository/conf/") == true, "\(files)")
        #expect(files.contains(scratch.path + "/fleet/eu/node1/repository/conf/tomcat/catalina-server.xml"), "\(files)")
        #expect(files.last == scratch.path + "/fleet/eu/node1-overrides/deployment.toml", "\(files)")
        #expect((object["summary"] as? [String: Any])?["files"] as? Int == 5)
    }

    /// An unreadable deployment.toml in a walk is a file isconf should read and cannot: exit 2.
    @Test func aDanglingDeploymentTomlInAWalkIsAnInputError() throws {
        let scratch = try Scratch()
        try scratch.write("repo/ok/deployment.toml", "[super_admin]\nusername = \"admin\"\n")
        try FileManager.default.createDirectory(atPath: scratch.path + "/repo/gone", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/repo/gone/deployment.toml", withDestinationPath: "/nonexistent/deployment.toml")
        let result = try CLI.run(["lint", scratch.path + "/repo"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("isconf: error: \(scratch.path)/repo/gone/deployment.toml: no such file or directory"), "\(result.stderr)")
        #expect(result.stdout.contains(scratch.path + "/repo/ok/deployment.toml"), "the readable one is still linted")
    }
}
