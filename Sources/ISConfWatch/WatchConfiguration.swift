import ISConfCore
import ISConfDomain

/// What `isconf watch` was asked to do.
public struct WatchConfiguration: Sendable {
    public var paths: [String]
    /// Log and count drift, never write.
    public var reportOnly = false
    /// Quiet time after the last event of a burst before the file is checked.
    public var debounceMilliseconds: UInt64 = 100
    /// Full re-check period, for events inotify cannot see (network file systems); nil disables it.
    public var intervalSeconds: UInt64? = 300
    public var onChange: OnChangeCommand?
    /// The least time between two starts of the `--on-change` command; corrections in between are
    /// gathered into the next run.
    public var onChangeMinIntervalSeconds: UInt64 = 60
    public var options = EnableOptions()
    public var tomcat: TomcatGeneration?
    public var backup: BackupPolicy = .isHome
    public var metricsListen: ListenAddress?

    public init(paths: [String]) {
        self.paths = paths
    }

    /// What each numeric option accepts. The loop works in nanoseconds of a 64-bit clock, so an
    /// unbounded value would overflow it; nobody means a debounce over a minute or an interval over a year.
    public static let debounceMillisecondsRange: ClosedRange<UInt64> = 0...60_000
    public static let intervalSecondsRange: ClosedRange<UInt64> = 1...31_536_000
    public static let onChangeMinIntervalSecondsRange: ClosedRange<UInt64> = 0...31_536_000

    /// Refuses a value out of its range, naming the option, before the daemon starts (a usage error).
    public func validate() throws(InputError) {
        func check(_ value: UInt64, _ range: ClosedRange<UInt64>, _ option: String, _ unit: String) throws(InputError) {
            guard range.contains(value) else {
                throw InputError(path: option, .invalidArgument, "\(value) is out of range: give \(range.lowerBound) to \(range.upperBound) \(unit)")
            }
        }
        try check(debounceMilliseconds, Self.debounceMillisecondsRange, "--debounce-ms", "milliseconds")
        if let intervalSeconds { try check(intervalSeconds, Self.intervalSecondsRange, "--interval", "seconds (0 turns it off)") }
        try check(onChangeMinIntervalSeconds, Self.onChangeMinIntervalSecondsRange, "--on-change-min-interval", "seconds")
    }
}

/// `--metrics-listen`: HOST:PORT, [IPv6]:PORT, or a bare PORT on 127.0.0.1.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init(parsing text: String) throws(InputError) {
        let invalid = InputError(path: "--metrics-listen", .invalidArgument, "\"\(text)\" is not HOST:PORT, [IPv6]:PORT or PORT")
        var host = "127.0.0.1"
        var portText = Substring(text)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { throw invalid }
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = text[text.index(close, offsetBy: 2)...]
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
            if host.contains(":") || host.isEmpty { throw invalid }
        }
        guard let port = Int(portText), (0...65535).contains(port) else { throw invalid }
        self.init(host: host, port: port)
    }

    public var isLoopback: Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
