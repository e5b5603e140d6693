import ISConfCommandLine
import ArgumentParser
import ISConfDomain

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Named explicitly: deriving it from the type name costs a reflection pass at every start.
        commandName: "lint",
        abstract: "Report what stops mutual SSL from working, with file:line:col.",
        discussion: """
            Each PATH is an IS_HOME, a folder (walked for IS_HOMEs, deployment.toml, catalina-server.xml and \
            authenticators.xml: a config repository), or a file given directly. Many paths are linted in \
            parallel; the report keeps their order, and text prints each as soon as it and those before it are done.
            """
    )

    @Argument(help: "IS_HOMEs, folders to walk, or single files.")
    var paths: [String]

    @Option(help: "Output format: text, json, sarif or gitlab (GitLab Code Quality).")
    var format: OutputFormat = .text

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding is at or above this severity: error, warning or never.")
    var failOn: FailOn = .error

    @Option(help: "Read client-auth values as Tomcat 7 (IS ≤ 5.8) or 9 (IS 5.9+) does, instead of deciding from the IS_HOME.")
    var tomcat: TomcatGeneration?

    @Option(name: .customLong("is-version"),
            help: "The Identity Server release the files are for (e.g. 7.3.0): its defaults and Tomcat where the files do not tell, as for a deployment.toml without its IS pack.")
    var isVersion: String?

    func validate() throws {
        if let isVersion, let problem = IdentityServerRelease.problem(with: isVersion) {
            throw ValidationError("--is-version: \(problem)")
        }
    }

    func run() throws {
        let discovery = Discovery.discover(paths, configRepositories: true)
        let skippedNotes = discovery.skipped.map { "isconf: note: \($0.displayed)\n" }.joined()
        let text = TextFormatter(colour: Terminal.wantsColour(fileDescriptor: 1))
        // Text says what it passed over and could not read before it starts; JSON and SARIF carry both.
        if format == .text { Terminal.write(skippedNotes + discovery.errors.map { "isconf: error: \($0.displayed)\n" }.joined(), to: 2) }
        let stream = LintStream(text: format == .text ? text : nil, targets: discovery.targets)
        var report = Linter.lint(discovery.targets, tomcat: tomcat, isVersion: isVersion, observer: stream.observer)
        stream.finish()
        report.errors.insert(contentsOf: discovery.errors, at: 0)
        // Every file linted (deployment.toml too) and any other a finding names, so the summary's count
        // is never below the number of files the findings are in.
        let fileCount = Set(discovery.targets.flatMap { target in target.files.map(\.path) + [target.facts.deploymentToml].compactMap { $0 } }
                            + report.findings.map(\.file)).count

        switch format {
        case .text:
            Terminal.write(text.summaryLine(report, fileCount: fileCount), to: 1)
        case .json:
            Terminal.write(JSONFormatter().format(report, skipped: discovery.skipped, fileCount: fileCount), to: 1)
        case .sarif:
            Terminal.write(SARIFFormatter().format(report, skipped: discovery.skipped), to: 1)
        case .gitlab:
            // Code Quality has no place for what was passed over: the job log has it.
            Terminal.write(skippedNotes, to: 2)
            Terminal.write(GitLabFormatter(currentDirectory: GitLabFormatter.workingDirectory()).format(report), to: 1)
        }

        if report.hasInputFailures { throw ExitCode(2) }
        if let threshold = failOn.severity, report.findings.contains(where: { $0.severity >= threshold }) {
            throw ExitCode(1)
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, gitlab
}

enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case error, warning, never

    var severity: Severity? {
        switch self {
        case .error: .error
        case .warning: .warning
        case .never: nil
        }
    }
}
