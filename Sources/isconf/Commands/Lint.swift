import ISConfCommandLine
import ArgumentParser
import ISConfDomain

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Named explicitly: deriving it from the type name costs a reflection pass at every start.
        commandName: "lint",
        abstract: "Report what stops mutual SSL from working, with file:line:col.",
        discussion: """
            Each PATH is an IS_HOME, a folder holding IS_HOMEs (two levels deep), or a catalina-server.xml or \
            authenticators.xml given directly. Many paths are linted in parallel; the report keeps their order.
            """
    )

    @Argument(help: "IS_HOMEs, folders of IS_HOMEs, or single files.")
    var paths: [String]

    @Option(help: "Output format: text, json or sarif.")
    var format: OutputFormat = .text

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding is at or above this severity: error, warning or never.")
    var failOn: FailOn = .error

    @Option(help: "Read client-auth values as Tomcat 7 (IS 5.8 and older) or 9 (IS 5.9+) does, instead of deciding from the IS_HOME.")
    var tomcat: TomcatGeneration?

    func run() throws {
        let discovery = Discovery.discover(paths)
        var report = Linter.lint(discovery.targets, tomcat: tomcat)
        report.errors.insert(contentsOf: discovery.errors, at: 0)
        // Every file linted (deployment.toml too) and any other a finding names, so the summary's count
        // is never below the number of files the findings are in.
        let fileCount = Set(discovery.targets.flatMap { target in target.files.map(\.path) + [target.facts.deploymentToml].compactMap { $0 } }
                            + report.findings.map(\.file)).count

        let output: String
        switch format {
        case .text:
            output = TextFormatter(colour: Terminal.wantsColour(fileDescriptor: 1)).format(report, fileCount: fileCount)
            var diagnostics = ""
            for skipped in discovery.skipped { diagnostics += "isconf: note: \(skipped.displayed)\n" }
            for error in report.errors { diagnostics += "isconf: error: \(error.displayed)\n" }
            Terminal.write(diagnostics, to: 2)
        case .json:
            output = JSONFormatter().format(report, skipped: discovery.skipped, fileCount: fileCount)
        case .sarif:
            output = SARIFFormatter().format(report, skipped: discovery.skipped)
        }
        Terminal.write(output, to: 1)

        if report.hasInputFailures { throw ExitCode(2) }
        if let threshold = failOn.severity, report.findings.contains(where: { $0.severity >= threshold }) {
            throw ExitCode(1)
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif
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
