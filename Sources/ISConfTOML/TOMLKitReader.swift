internal import TOMLKit

/// TOMLKit (toml++) as isconf's reference for what a document means.
enum TOMLKitReader {
    struct Failure: Error {
        var message: String
        /// 1-based; toml++ counts columns in characters.
        var line: Int
        var column: Int
    }

    /// The document as a `.table`. The bytes must hold no NUL: toml++ reads a C string.
    static func read(_ bytes: [UInt8]) -> Result<ISConfTOML.TOMLValue, Failure> {
        do {
            return .success(convert(try TOMLTable(string: String(decoding: bytes, as: UTF8.self))))
        } catch let error as TOMLParseError {
            // "Error while parsing key-value pair: cannot redefine existing integer 'a'"
            var message = error.description
            if message.hasPrefix("Error while") { message = "error while" + message.dropFirst("Error while".count) }
            return .failure(Failure(message: message, line: max(1, error.source.begin.line), column: max(1, error.source.begin.column)))
        } catch {
            return .failure(Failure(message: "\(error)", line: 1, column: 1))
        }
    }

    private static func convert(_ node: any TOMLValueConvertible) -> ISConfTOML.TOMLValue {
        switch node.type {
        case .table:
            var members: [String: ISConfTOML.TOMLValue] = [:]
            for (key, value) in node.table! { members[key] = convert(value) }
            return .table(members)
        case .array:
            return .array(node.array!.map { convert($0) })
        case .string:
            return .string(node.string!)
        case .int:
            return .integer(Int64(node.int!))
        case .double:
            return .float(node.double!)
        case .bool:
            return .boolean(node.bool!)
        case .date:
            return .dateTime(DateTimeFields(date: fields(node.date!), time: nil, offsetMinutes: nil).text)
        case .time:
            return .dateTime(DateTimeFields(date: nil, time: fields(node.time!), offsetMinutes: nil).text)
        case .dateTime:
            let dateTime = node.dateTime!
            return .dateTime(DateTimeFields(date: fields(dateTime.date), time: fields(dateTime.time),
                                            offsetMinutes: dateTime.offset?.offset).text)
        }
    }

    private static func fields(_ date: TOMLDate) -> DateTimeFields.Date {
        .init(year: date.year, month: date.month, day: date.day)
    }

    private static func fields(_ time: TOMLTime) -> DateTimeFields.Time {
        .init(hour: time.hour, minute: time.minute, second: time.second, nanosecond: time.nanoSecond)
    }
}
