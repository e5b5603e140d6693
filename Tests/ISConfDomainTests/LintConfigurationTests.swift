import Foundation
import ISConfCore
import ISConfDomain
import ISConfTestSupport
import Testing

/// `.isconf.toml`: where it is found, what each key does, and the one-line errors of a bad one.
@Suite struct LintConfigurationTests {
    @Test func everyKeyIsRead() throws {
        let folder = try Scratch()
        let path = try folder.write(
            "repo/.isconf.toml",
            """
            is-version = "7.3.0"
            ignore = ["default-store-password", "whitelist"]

            [severity]
            whitelist-thumbprint = "warning"
            toml-defaults = 'error'

            [stores]
            check = false

            [stores.paths]
            "repository/resources/security/client-truststore.jks" = "/secrets/prod/client-truststore.jks"
            "repository/resources/security/wso2carbon.jks" = "stores/wso2carbon.jks"

            [certificate-expiry]
            warn-days = 60
            """)
        let options = try LintConfiguration.load(path)
        #expect(options.isVersion == "7.3.0")
        #expect(options.ignoredRules == ["default-store-password": "listed in ignore in \(path)", "whitelist": "listed in ignore in \(path)"])
        #expect(options.severities == ["whitelist-thumbprint": .warning, "toml-defaults": .error])
        #expect(options.checksStores == false)
        #expect(
            options.storePaths == [
                "repository/resources/security/client-truststore.jks": "/secrets/prod/client-truststore.jks",
                // Relative to the configuration file's folder.
                "repository/resources/security/wso2carbon.jks": folder.path + "/repo/stores/wso2carbon.jks",
            ])
        #expect(options.expiryWarningDays == 60)
        #expect(options.tomcat == nil)
    }

    @Test func anEmptyFileKeepsTheDefaults() throws {
        let folder = try Scratch()
        let options = try LintConfiguration.load(try folder.write(".isconf.toml", "# nothing yet\n[severity]\n"))
        #expect(options.checksStores && options.ignoredRules.isEmpty && options.severities.isEmpty && options.isVersion == nil)
        #expect(options.expiryWarningDays == LintOptions.defaultExpiryWarningDays)
    }

    /// Each bad file, and the error's position and words.
    static let badFiles: [(String, String, String)] = [
        ("colour = \"red\"\n", "1:1", "unknown key colour"),
        ("[stores]\ncheck = false\nchek = true\n", "3:1", "unknown key stores.chek"),
        ("[output]\n", "1:1", "unknown table [output]"),
        ("[[severity]]\n", "1:1", "[[severity]] must be a single table"),
        ("ignore = [\"whitelist\", \"client-auth\"]\n", "1:24", "unknown rule 'client-auth'"),
        ("ignore = [\"xml-malformed\"]\n", "1:11", "xml-malformed cannot be ignored"),
        ("ignore = \"whitelist\"\n", "1:1", "ignore must be an array of rule ids, not a string"),
        ("ignore = [1]\n", "1:10", "ignore must hold rule ids (strings), not an integer"),
        ("[severity]\nwhitelst = \"error\"\n", "2:1", "unknown rule 'whitelst' in [severity]"),
        ("[severity]\nwhitelist = \"off\"\n", "2:13", "must be note, warning or error, not \"off\""),
        ("[severity]\nwhitelist = 2\n", "2:1", "severity.whitelist must be a string: note, warning or error, not an integer"),
        ("[severity]\ntoml-malformed = \"note\"\n", "2:1", "toml-malformed cannot change severity"),
        ("severity = \"error\"\n", "1:1", "severity must be a table, not a string"),
        ("[stores]\ncheck = \"no\"\n", "2:1", "stores.check must be a boolean, not a string"),
        ("[stores.paths]\n\"a.jks\" = 5\n", "2:1", "stores.paths.a.jks must be a string: the path of the store, not an integer"),
        ("is-version = 7.3\n", "1:1", "is-version must be a string, not a float"),
        ("is-version = \"seven\"\n", "1:14", "is-version: 'seven' is not an IS version of the form X.Y.Z"),
        ("is-version = \"7.9.0\"\n", "1:14", "is-version: '7.9.0' is not an Identity Server release isconf knows"),
        ("[certificate-expiry]\nwarn-days = \"30\"\n", "2:1", "must be a whole number of days, not a string"),
        ("[certificate-expiry]\nwarn-days = -1\n", "2:13", "must be from 0 to 3650 days, not -1"),
        ("ignore = [\"whitelist\"\n", "2:1", "invalid TOML"),
        ("[stores]\ncheck = false\n[stores]\n", "3:1", "invalid TOML"),
    ]

    @Test("bad configuration", arguments: badFiles.indices)
    func badConfigurationsAreOneLineErrorsWithTheirPosition(index: Int) throws {
        let (text, position, words) = Self.badFiles[index]
        let folder = try Scratch()
        let path = try folder.write(".isconf.toml", text)
        do {
            _ = try LintConfiguration.load(path)
            Issue.record("\(text) should be refused")
        } catch {
            #expect(error.path == path)
            #expect(error.kind == (words == "invalid TOML" ? .malformed : .invalidArgument), "\(text): \(error)")
            #expect(error.position.map { "\($0.line):\($0.column)" } == position, "\(text): \(error)")
            #expect(error.message.contains(words), "\(text): \(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func foundUpwardsUpToTheRepositoryRoot() throws {
        let folder = try Scratch()
        try FileManager.default.createDirectory(atPath: folder.path + "/repo/.git", withIntermediateDirectories: true)
        try folder.write("repo/.isconf.toml", "")
        try folder.write("repo/fleet/prod/.isconf.toml", "")
        try folder.write("repo/fleet/test/home/x", "")
        // Above the repository: not reached from inside it.
        try folder.write(".isconf.toml", "")
        try folder.write("other/deep/x", "")
        var cache: [String: String?] = [:]
        #expect(LintConfiguration.find(from: folder.path + "/repo/fleet/test/home", cache: &cache) == folder.path + "/repo/.isconf.toml")
        #expect(LintConfiguration.find(from: folder.path + "/repo/fleet/prod", cache: &cache) == folder.path + "/repo/fleet/prod/.isconf.toml")
        #expect(LintConfiguration.find(from: folder.path + "/repo/fleet/test/./home/../home", cache: &cache) == folder.path + "/repo/.isconf.toml")
        #expect(LintConfiguration.find(from: folder.path + "/other/deep", cache: &cache) == folder.path + "/.isconf.toml")
        // A .git file (a worktree's) marks a root too; without a configuration in it, there is none.
        try folder.write("worktree/.git", "gitdir: elsewhere\n")
        try folder.write("worktree/home/x", "")
        var fresh: [String: String?] = [:]
        #expect(LintConfiguration.find(from: folder.path + "/worktree/home", cache: &fresh) == nil)
    }
}
