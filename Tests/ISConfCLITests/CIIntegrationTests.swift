import Foundation
import ISConfTestSupport
import Testing

/// The CI integration files: the pre-commit hook, run by real pre-commit (from PyPI, in .venv-precommit,
/// which `make test` creates) on real commits, and the GitHub Actions and GitLab CI examples, whose
/// isconf command lines are run as written and must write the reports the upload steps read.
@Suite struct CIIntegrationTests {
    static let preCommit = CLI.packageRoot.appendingPathComponent(".venv-precommit/bin/pre-commit").path
    static let preCommitAvailable =
        FileManager.default.isExecutableFile(atPath: preCommit)
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/git")
    static let ciSamples = CLI.packageRoot.appendingPathComponent("conf-samples/ci")

    /// PATH with the built isconf first, as an installed one would be.
    static var pathWithIsconf: String {
        CLI.binary.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    }

    static func git(_ arguments: [String], in directory: String) throws -> CLI.Result {
        try CLI.run(
            [
                "-c", "user.name=isconf test", "-c", "user.email=test@example.invalid", "-c", "init.defaultBranch=main",
                "-c", "commit.gpgsign=false",
            ] + arguments,
            environment: ["PATH": pathWithIsconf, "PRE_COMMIT_HOME": (directory as NSString).deletingLastPathComponent + "/cache"],
            executable: "/usr/bin/git", currentDirectory: directory)
    }

    @Test(.enabled(if: preCommitAvailable, "needs .venv-precommit (make test creates it) and git"))
    func preCommitHookFailsABrokenCommitAndPassesAFixedOne() throws {
        let scratch = try Scratch()
        // The hook repository: this checkout's .pre-commit-hooks.yaml, committed, as pre-commit clones it.
        let hooks = scratch.path + "/hooks"
        try scratch.write(
            "hooks/.pre-commit-hooks.yaml", try String(contentsOf: CLI.packageRoot.appendingPathComponent(".pre-commit-hooks.yaml"), encoding: .utf8))
        #expect(try Self.git(["init", "-q"], in: hooks).status == 0)
        #expect(try Self.git(["add", "."], in: hooks).status == 0)
        #expect(try Self.git(["commit", "-q", "-m", "hooks"], in: hooks).status == 0)
        let revision = try Self.git(["rev-parse", "HEAD"], in: hooks).stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let work = scratch.path + "/work"
        try scratch.write(
            "work/.pre-commit-config.yaml",
            """
            repos:
              - repo: \(hooks)
                rev: \(revision)
                hooks:
                  - id: isconf-lint
                    args: [--is-version, "7.3.0"]
            """)
        let off = "[super_admin]\nusername = \"admin\"\n\n[user_store]\ntype = \"database_unique_id\"\n"
        try scratch.write("work/environments/prod/deployment.toml", off)
        try scratch.write("work/README.md", "# config\n")
        #expect(try Self.git(["init", "-q"], in: work).status == 0)
        let install = try CLI.run(
            ["install"], environment: ["PRE_COMMIT_HOME": scratch.path + "/cache"],
            executable: Self.preCommit, currentDirectory: work)
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")

        #expect(try Self.git(["add", "."], in: work).status == 0)
        let broken = try Self.git(["commit", "-m", "prod"], in: work)
        let brokenOutput = broken.stdout + broken.stderr
        #expect(broken.status != 0, "\(brokenOutput)")
        #expect(brokenOutput.contains("isconf lint") && brokenOutput.contains("Failed"), "\(brokenOutput)")
        #expect(
            brokenOutput.contains(
                "environments/prod/deployment.toml: error: deployment.toml does not set [admin_console.authenticator.mutual_ssl_authenticator] enable, and the default of IS 7.3.0 (kernel 4.12.34) is false"
            ), "\(brokenOutput)")
        #expect(try Self.git(["rev-parse", "--verify", "-q", "HEAD"], in: work).status != 0, "nothing was committed")

        try scratch.write("work/environments/prod/deployment.toml", off + "\n[admin_console.authenticator.mutual_ssl_authenticator]\nenable = true\n")
        #expect(try Self.git(["add", "."], in: work).status == 0)
        let fixed = try Self.git(["commit", "-m", "prod"], in: work)
        #expect(fixed.status == 0, "\(fixed.stdout)\(fixed.stderr)")
        #expect((fixed.stdout + fixed.stderr).contains("Passed"), "\(fixed.stdout)\(fixed.stderr)")

        // A commit without any file the hook reads does not run isconf.
        try scratch.write("work/README.md", "# config\n\nmore\n")
        #expect(try Self.git(["add", "."], in: work).status == 0)
        let other = try Self.git(["commit", "-m", "readme"], in: work)
        #expect(other.status == 0)
        #expect((other.stdout + other.stderr).contains("(no files to check)Skipped"), "\(other.stdout)\(other.stderr)")
    }

    /// A small config repository whose prod deployment.toml has an error, for the CI command lines.
    static func configRepository(in scratch: Scratch) throws -> String {
        try scratch.write(
            "repo/environments/dev/deployment.toml",
            "[super_admin]\nusername = \"admin\"\n\n[admin_console.authenticator.mutual_ssl_authenticator]\nenable = true\n")
        try scratch.write("repo/environments/prod/deployment.toml", "[super_admin]\nusername = \"admin\"\n")
        try scratch.write("repo/README.md", "# config\n")
        return scratch.path + "/repo"
    }

    /// Reads a YAML file with python3 and PyYAML and prints what `script` (Python, with `document`) prints.
    static func readYAML(_ file: URL, _ script: String) throws -> String {
        let program = "import json, sys, yaml\ndocument = yaml.safe_load(open(sys.argv[1]))\n" + script
        let result = try CLI.run(["-c", program, file.path], executable: KubernetesSample.python)
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(.enabled(if: KubernetesSample.pythonYAML && SARIFTests.schemaAvailable, "needs python3 with PyYAML and the SARIF schema"))
    func gitHubActionsWorkflowUploadsTheSARIFItWrites() throws {
        let workflow = Self.ciSamples.appendingPathComponent("github-actions.yml")
        let read = try Self.readYAML(
            workflow,
            """
            steps = document["jobs"]["lint"]["steps"]
            lint = [s for s in steps if "isconf lint" in s.get("run", "")]
            upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
            print(json.dumps({"run": lint[0]["run"], "continue": lint[0].get("continue-on-error"), "file": upload[0]["with"]["sarif_file"],
                              "always": upload[0].get("if"), "permissions": document["permissions"]}))
            """)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(read.utf8)) as? [String: Any])
        let run = try #require(fields["run"] as? String)
        let file = try #require(fields["file"] as? String)
        #expect(run.contains("--format sarif") && run.hasSuffix("> \(file)"), "\(run)")
        #expect(fields["continue"] as? Bool == true && fields["always"] as? String == "always()", "the report is uploaded when lint fails")
        #expect((fields["permissions"] as? [String: String])?["security-events"] == "write")

        let scratch = try Scratch()
        let repository = try Self.configRepository(in: scratch)
        let result = try CLI.run(["-c", run], environment: ["PATH": Self.pathWithIsconf], executable: "/bin/bash", currentDirectory: repository)
        #expect(result.status == 1, "\(result.stderr)")
        let sarif = try String(contentsOfFile: repository + "/" + file, encoding: .utf8)
        #expect(try SARIFTests().validate(sarif) == "valid")
        #expect(sarif.contains("\"uri\": \"environments/prod/deployment.toml\""), "paths relative to the checkout: \(sarif.prefix(2000))")
    }

    @Test(.enabled(if: KubernetesSample.pythonYAML, "needs python3 with PyYAML"))
    func gitLabJobReportsTheCodeQualityItWrites() throws {
        let pipeline = Self.ciSamples.appendingPathComponent("gitlab-ci.yml")
        let read = try Self.readYAML(
            pipeline,
            """
            job = document["isconf"]
            lint = [line for line in job["script"] if "isconf lint" in line]
            print(json.dumps({"run": lint[0], "file": job["artifacts"]["reports"]["codequality"], "when": job["artifacts"]["when"]}))
            """)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(read.utf8)) as? [String: Any])
        let run = try #require(fields["run"] as? String)
        let file = try #require(fields["file"] as? String)
        #expect(run.contains("--format gitlab") && run.hasSuffix("> \(file)"), "\(run)")
        #expect(fields["when"] as? String == "always", "the report is kept when lint fails")

        let scratch = try Scratch()
        let repository = try Self.configRepository(in: scratch)
        let result = try CLI.run(["-c", run], environment: ["PATH": Self.pathWithIsconf], executable: "/bin/bash", currentDirectory: repository)
        #expect(result.status == 1, "\(result.stderr)")
        let issues = try CIFormatsTests.gitLabIssues(try String(contentsOfFile: repository + "/" + file, encoding: .utf8))
        #expect(
            issues.contains {
                $0["check_name"] as? String == "toml-mutual-ssl-authenticator"
                    && ($0["location"] as? [String: Any])?["path"] as? String == "environments/prod/deployment.toml"
            }, "\(issues)")
    }

    @Test(.enabled(if: KubernetesSample.pythonYAML, "needs python3 with PyYAML"))
    func preCommitHookDefinition() throws {
        let read = try Self.readYAML(
            CLI.packageRoot.appendingPathComponent(".pre-commit-hooks.yaml"),
            """
            import re
            hook = document[0]
            names = ["deployment.toml", "env/prod/deployment.toml", "repository/conf/tomcat/catalina-server.xml",
                     "authenticators.xml", "prod.toml", "catalina-server.xml.j2", "my-deployment.toml", "README.md"]
            print(json.dumps({"id": hook["id"], "entry": hook["entry"], "language": hook["language"], "serial": hook["require_serial"],
                              "matches": [n for n in names if re.search(hook["files"], n)]}))
            """)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(read.utf8)) as? [String: Any])
        #expect(fields["id"] as? String == "isconf-lint")
        #expect(fields["entry"] as? String == "isconf lint")
        #expect(fields["language"] as? String == "system")
        #expect(fields["serial"] as? Bool == true)
        #expect(
            fields["matches"] as? [String] == [
                "deployment.toml", "env/prod/deployment.toml", "repository/conf/tomcat/catalina-server.xml",
                "authenticators.xml",
            ])
    }
}
