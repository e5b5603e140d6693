import ArgumentParser
import ISConfCommandLine
import ISConfCore
import ISConfDomain

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Named explicitly: deriving it from the type name costs a reflection pass at every start.
        commandName: "lint",
        // Also parsed as a root of its own (see ISConf.main()), where this names it "isconf lint" and
        // `version` keeps the --version flag it has under the root.
        _superCommandName: "isconf",
        abstract: "Report what stops mutual SSL from working, with file:line:col.",
        discussion: """
            Each PATH is an IS_HOME, a folder (walked for IS_HOMEs, deployment.toml, catalina-server.xml and \
            authenticators.xml: a config repository), or a file given directly. Many paths are linted in \
            parallel; the report keeps their order, and text prints each as soon as it and those before it are done. \
            Settings come from --config, else from the nearest .isconf.toml above each IS_HOME (up to the folder \
            holding .git); findings can be suppressed in the files with <!-- isconf-ignore RULE: reason --> or \
            # isconf-ignore RULE: reason.
            """,
        version: isconfVersion
    )

    @Argument(help: "IS_HOMEs, folders to walk, or single files.")
    var paths: [String]

    @Option(help: "Output format: text, json, sarif or gitlab (GitLab Code Quality).")
    var format: OutputFormat = .text

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding is at or above this severity: error, warning, note or never.")
    var failOn: FailOn = .error

    @Option(help: "Read client-auth values as Tomcat 7 (IS 5.8 and older) or 9 (IS 5.9+) does, instead of deciding from the IS_HOME.")
    var tomcat: TomcatGeneration?

    @Option(
        name: .customLong("is-version"),
        help:
            "The Identity Server release the files are for (e.g. 7.3.0): its defaults and Tomcat where the files do not tell, as for a deployment.toml without its IS pack."
    )
    var isVersion: String?

    @Option(help: ArgumentHelp("Read this configuration file instead of the nearest .isconf.toml.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Suppress this rule's findings everywhere (repeatable).", valueName: "rule"))
    var ignore: [String] = []

    @Flag(help: "Text: print only the findings at or above --fail-on, without the summary and notes.")
    var quiet = false

    @Option(help: ArgumentHelp("Colour the text: auto (on a terminal, unless NO_COLOR is set), always or never.", valueName: "when"))
    var color: ColorChoice = .auto

    func validate() throws {
        if let isVersion, let problem = IdentityServerRelease.problem(with: isVersion) {
            throw ValidationError("--is-version: \(problem)")
        }
        for id in ignore {
            if let problem = LintConfiguration.problem(ignoring: id) { throw ValidationError("--ignore: \(problem)") }
        }
    }

    func run() throws {
        let discovery = Discovery.discover(paths, configRepositories: true)
        let targets: [(target: LintTarget, options: LintOptions)]
        do {
            targets = try withOptions(discovery.targets)
        } catch {
            // A configuration that does not read stops the run before anything is linted.
            Terminal.write("isconf: error: \(error.displayed)\n", to: 2)
            throw ExitCode(2)
        }
        // Loops, not `joined()`: its generic body costs a conformance scan at each start, for nothing.
        var skippedNotes = ""
        if !quiet { for skipped in discovery.skipped { skippedNotes += "isconf: note: \(skipped.displayed)\n" } }
        let colour = color == .always || (color == .auto && Terminal.wantsColour(fileDescriptor: 1))
        let text = TextFormatter(colour: colour, quiet: quiet, failOn: failOn.severity)
        // Text says what it passed over and could not read before it starts; JSON and SARIF carry both.
        if format == .text {
            var notes = skippedNotes
            for error in discovery.errors { notes += "isconf: error: \(error.displayed)\n" }
            Terminal.write(notes, to: 2)
        }
        let stream = LintStream(text: format == .text ? text : nil, targets: discovery.targets)
        var report = Linter.lint(targets, observer: stream.observer)
        stream.finish()
        report.errors.insert(contentsOf: discovery.errors, at: 0)
        // Every file linted (deployment.toml too) and any other a finding names, so the summary's count
        // is never below the number of files the findings are in.
        let fileCount = Set(
            discovery.targets.flatMap { target in target.files.map(\.path) + [target.facts.deploymentToml].compactMap { $0 } }
                + report.findings.map(\.file)
        ).count

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
        if let threshold = failOn.severity,
            report.findings.contains(where: { $0.suppression == nil && $0.severity >= threshold })
        {
            throw ExitCode(1)
        }
    }

    /// Each target with the options it is linted with: `--config`'s file, or the nearest .isconf.toml
    /// from the target's IS_HOME (or its file's folder) up to the repository root; then the switches,
    /// which win over the file.
    private func withOptions(_ targets: [LintTarget]) throws(InputError) -> [(target: LintTarget, options: LintOptions)] {
        var loaded: [String: LintOptions] = [:]
        var found: [String: String?] = [:]
        func options(from file: String?) throws(InputError) -> LintOptions {
            guard let file else { return LintOptions() }
            if let known = loaded[file] { return known }
            let options = try LintConfiguration.load(file)
            loaded[file] = options
            return options
        }
        var result: [(target: LintTarget, options: LintOptions)] = []
        for target in targets {
            var file = config
            if config == nil {
                let start = target.facts.root ?? target.files.first?.path ?? target.facts.deploymentToml ?? "."
                let folder = target.facts.root ?? SafeWriter.parent(of: start)
                file = LintConfiguration.find(from: folder, cache: &found)
            }
            var options = try options(from: file)
            if let tomcat { options.tomcat = tomcat }
            if let isVersion { options.isVersion = isVersion }
            for id in ignore { options.ignoredRules[id] = "--ignore on the command line" }
            result.append((target, options))
        }
        return result
    }
}

enum OutputFormat: String, ArgumentChoice {
    case text, json, sarif, gitlab
}

enum FailOn: String, ArgumentChoice {
    case error, warning, note, never

    var severity: Severity? {
        switch self {
        case .error: .error
        case .warning: .warning
        case .note: .note
        case .never: nil
        }
    }
}

enum ColorChoice: String, ArgumentChoice {
    case auto, always, never
}
