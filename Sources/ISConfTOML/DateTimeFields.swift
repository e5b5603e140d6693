/// A TOML date, time or date-time broken into its fields. Its `text` is the one form
/// `TOMLValue.dateTime` holds, whoever read the value: `T` between date and time, the fraction to
/// the nanosecond (further digits are dropped) without trailing zeros, and `Z` for a zero offset.
struct DateTimeFields: Equatable {
    struct Date: Equatable { var year, month, day: Int }
    struct Time: Equatable { var hour, minute, second, nanosecond: Int }

    var date: Date?
    var time: Time?
    /// Minutes east of UTC, for offset date-times only.
    var offsetMinutes: Int?

    init(date: Date?, time: Time?, offsetMinutes: Int?) {
        self.date = date
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    /// Reads an offset or local date-time, a local date or a local time as TOML 1.0 writes them
    /// (RFC 3339, with a space allowed between date and time); nil for anything else.
    init?(_ bytes: ArraySlice<UInt8>) {
        var index = bytes.startIndex
        let end = bytes.endIndex
        func take(_ characters: String) -> Bool {
            guard index < end, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        func number(_ width: Int) -> Int? {
            guard index + width <= end else { return nil }
            var value = 0
            for byte in bytes[index..<index + width] {
                guard isDigit(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += width
            return value
        }

        if bytes.count >= 5, bytes[index + 4] == UInt8(ascii: "-") {
            guard let year = number(4), take("-"), let month = number(2), take("-"), let day = number(2),
                (1...12).contains(month), (1...DateTimeFields.days(inMonth: month, of: year)).contains(day)
            else { return nil }
            date = Date(year: year, month: month, day: day)
            if index == end { return }
            guard take("Tt ") else { return nil }
        }
        guard let hour = number(2), take(":"), let minute = number(2), take(":"), let second = number(2),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        var nanosecond = 0
        if take(".") {
            var digits = 0
            while index < end, isDigit(bytes[index]) {
                if digits < 9 { nanosecond = nanosecond * 10 + Int(bytes[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 9) { nanosecond *= 10 }
        }
        time = Time(hour: hour, minute: minute, second: second, nanosecond: nanosecond)
        if index < end {
            guard date != nil else { return nil }
            if take("Zz") {
                offsetMinutes = 0
            } else {
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                guard take("+-"), let hours = number(2), take(":"), let minutes = number(2), hours < 24, minutes < 60
                else { return nil }
                offsetMinutes = sign * (hours * 60 + minutes)
            }
        }
        guard index == end else { return nil }
    }

    var text: String {
        var out = ""
        if let date {
            out += padded(date.year, 4) + "-" + padded(date.month, 2) + "-" + padded(date.day, 2)
        }
        if let time {
            if date != nil { out += "T" }
            out += padded(time.hour, 2) + ":" + padded(time.minute, 2) + ":" + padded(time.second, 2)
            if time.nanosecond > 0 {
                var fraction = padded(time.nanosecond, 9)
                while fraction.hasSuffix("0") { fraction.removeLast() }
                out += "." + fraction
            }
        }
        if let offsetMinutes {
            if offsetMinutes == 0 {
                out += "Z"
            } else {
                let size = abs(offsetMinutes)
                out += (offsetMinutes < 0 ? "-" : "+") + padded(size / 60, 2) + ":" + padded(size % 60, 2)
            }
        }
        return out
    }

    private static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

private func padded(_ number: Int, _ width: Int) -> String {
    let digits = String(number)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

@inline(__always)
func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
