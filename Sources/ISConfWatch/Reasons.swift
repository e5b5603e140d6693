/// Why a file is checked, logged as `reason`.
enum CheckReason: String, Sendable {
    /// The first check of everything, before READY=1.
    case start
    /// Events on the file or a folder on its way settled.
    case change
    /// The `--interval` re-check of everything, for changes inotify cannot see.
    case interval
    /// SIGHUP: the paths discovered again, everything checked.
    case reload

    /// Drift already reported with the same rules is reported again, except by the periodic
    /// re-check: a report-only daemon would otherwise repeat the same warning every interval.
    var reportsKnownDriftAgain: Bool { self != .interval }
}

/// Why the loop stops, logged as `reason`.
enum StopReason: Equatable, CustomStringConvertible {
    /// The service group shut down (its graceful shutdown sent `ControlMessage.stop`).
    case shutdown
    /// SIGTERM or SIGINT, read from the signal descriptor.
    case signal(Int32)

    var description: String {
        switch self {
        case .shutdown: "shutdown"
        case .signal(let number): SignalDescriptor.name(number)
        }
    }
}
