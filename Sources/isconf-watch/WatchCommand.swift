import ArgumentParser
import ISConfCommandLine
import ISConfCore
import ISConfDomain
import ISConfWatch
import Logging

/// The daemon, in an executable of its own so that the server libraries it links (NIO,
/// service-lifecycle, prometheus, log) cost nothing to the commands people run most;
/// `isconf watch ARGS…` executes it.
@main
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "isconf-watch",
        abstract: "Keep mutual SSL enabled: watch the files and correct drift within milliseconds (also run as `isconf watch`).",
        discussion: """
            Checks everything at start, then reacts to every save (in place, rename over, delete and \
            re-create, a folder replaced) after --debounce-ms of quiet. A broken rule is corrected as \
            `isconf enable` would (verified, atomic, backed up, under the same lock): on IS 5.9+ in \
            deployment.toml, while drift in the XML generated from it is only logged; with --report-only \
            nothing is written. A file that does not parse is reported and left alone until it changes. Logs \
            one line per event on standard error. Speaks sd_notify when NOTIFY_SOCKET is set. SIGTERM/SIGINT \
            stop it (exit 0); SIGHUP re-discovers the paths and re-checks everything. Exit codes: 0 stopped by \
            a signal, 2 could not start, 64 usage error.
            """,
        version: isconfVersion
    )

    @Argument(help: "IS_HOMEs, folders of IS_HOMEs, or single files.")
    var paths: [String]

    @Flag(name: .customLong("report-only"), help: "Log and count drift; never write.")
    var reportOnly = false

    @Option(name: .customLong("debounce-ms"), help: "Quiet time after the last change of a burst before checking (milliseconds).")
    var debounceMilliseconds: UInt64 = 100

    @Option(help: "Re-check everything this often, for changes inotify cannot see (seconds; 0 turns it off).")
    var interval: UInt64 = 300

    @Option(
        name: .customLong("on-change"),
        help: ArgumentHelp(
            "Command to run after a correction, e.g. \"systemctl restart wso2is\"; split into words, no shell.",
            discussion: "Its environment has ISCONF_FILE, ISCONF_RULES and ISCONF_HOME (one per line when several)."))
    var onChange: String?

    @Flag(name: .customLong("on-change-shell"), help: "Run --on-change through /bin/sh -c.")
    var onChangeShell = false

    @Option(
        name: .customLong("on-change-min-interval"),
        help: "Least time between two runs of --on-change (seconds); corrections in between are gathered into one run.")
    var onChangeMinInterval: UInt64 = 60

    @Option(name: .customLong("metrics-listen"), help: "Serve /metrics and /healthz on HOST:PORT, [IPv6]:PORT or PORT (on 127.0.0.1); off unless given.")
    var metricsListen: String?

    @Option(name: .customLong("log-format"), help: "Log lines as key=value text or as JSON objects.")
    var logFormat: LogFormat = .text

    @Option(name: .customLong("log-level"), help: "The least severe level logged.")
    var logLevel: LogLevel = .info

    @OptionGroup var fix: FixOptions

    func validate() throws {
        if onChangeShell, onChange == nil { throw ValidationError("--on-change-shell needs --on-change") }
        do {
            _ = try makeConfiguration()
        } catch {
            throw ValidationError(error.description)
        }
    }

    func makeConfiguration() throws(InputError) -> WatchConfiguration {
        var configuration = WatchConfiguration(paths: paths)
        configuration.reportOnly = reportOnly
        configuration.debounceMilliseconds = debounceMilliseconds
        configuration.intervalSeconds = interval == 0 ? nil : interval
        configuration.onChange = try onChange.map { commandLine throws(InputError) in try OnChangeCommand(commandLine, shell: onChangeShell) }
        configuration.onChangeMinIntervalSeconds = onChangeMinInterval
        configuration.metricsListen = try metricsListen.map { text throws(InputError) in try ListenAddress(parsing: text) }
        configuration.options = try fix.enableOptions()
        configuration.tomcat = fix.tomcat
        configuration.backup = fix.backup
        try configuration.validate()
        return configuration
    }

    func run() throws {
        let configuration = try makeConfiguration()
        let format = logFormat.handlerFormat
        let level = logLevel.level
        let logger = Logger(label: "isconf.watch") { _ in LineLogHandler(format: format, level: level) }
        do {
            try WatchDaemon.run(configuration, version: isconfVersion, logger: logger, environment: ProcessEnvironment.current())
        } catch {
            Terminal.write("isconf: error: \(DisplayText.message("\(error)"))\n", to: 2)
            throw ExitCode(2)
        }
    }
}

enum LogFormat: String, ArgumentChoice {
    case text, json

    var handlerFormat: LineLogHandler.Format { self == .json ? .json : .text }
}

enum LogLevel: String, ArgumentChoice {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue)! }
}
