import ISConfDomain
import ISConfCore

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
        let invalid = InputError(path: "--metrics-listen", message: "\"\(text)\" is not HOST:PORT, [IPv6]:PORT or PORT")
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
