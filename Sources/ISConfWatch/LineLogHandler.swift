import ISConfDomain
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// One line per event on standard error (or another descriptor), as text (`key=value`) or JSON, for journald, kubectl logs
/// and log shippers. Values come from the daemon's own metadata, which never holds secrets.
public struct LineLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable {
        case text, json
    }

    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    private let format: Format
    private let output: Int32

    public init(format: Format, level: Logger.Level, fileDescriptor: Int32 = 2) {
        self.format = format
        self.logLevel = level
        self.output = fileDescriptor
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let fields = all.sorted { (Self.rank($0.key), $0.key) < (Self.rank($1.key), $1.key) }
        var line: String
        switch format {
        case .text:
            line = "\(Self.timestamp()) \(event.level) \(event.message)"
            for (key, value) in fields { line += " \(key)=\(Self.textValue(value))" }
        case .json:
            let record: [(String, JSON)] = [
                ("time", .string(Self.timestamp())), ("level", .string("\(event.level)")),
                ("message", .string(event.message.description)),
            ]
            line = JSON.object(record + fields.map { ($0.key, Self.jsonValue($0.value)) }).renderedCompact()
        }
        line += "\n"
        // One write(2) per line, so lines from different threads never interleave.
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(output, raw.baseAddress! + offset, raw.count - offset)
                if written < 0, errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }

    /// What a reader scans for comes first: which file, what was wrong, what was done; then the rest by name.
    private static let leadingKeys = ["file", "rules", "changes", "action", "error", "reason", "took_ms"]

    private static func rank(_ key: String) -> Int { leadingKeys.firstIndex(of: key) ?? leadingKeys.count }

    /// UTC, milliseconds, RFC 3339.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = Int(now.tv_nsec / 1_000_000)
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }

    private static func textValue(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string):
            let plain = !string.isEmpty && string.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\"" && $0 != "\\" && $0.value != 0x7F }
            return plain ? string : JSON.string(string).renderedCompact()
        case .stringConvertible(let convertible):
            return textValue(.string(convertible.description))
        case .array(let values):
            return values.map { textValue($0) }.joined(separator: ",")
        case .dictionary(let dictionary):
            return dictionary.sorted { $0.key < $1.key }.map { "\($0.key):\(textValue($0.value))" }.joined(separator: ",")
        }
    }

    private static func jsonValue(_ value: Logger.Metadata.Value) -> JSON {
        switch value {
        case .string(let string):
            return .string(string)
        case .stringConvertible(let convertible):
            if let number = convertible as? Int { return .int(number) }
            if let number = convertible as? Double { return .number(number) }
            return .string(convertible.description)
        case .array(let values):
            return .array(values.map(jsonValue))
        case .dictionary(let dictionary):
            return .object(dictionary.sorted { $0.key < $1.key }.map { ($0.key, jsonValue($0.value)) })
        }
    }
}
