/// go-yaml's timestamps (`2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`
/// or a space and no zone; the date and time must exist, as `time.Parse` checks) and Go's
/// `time.Time` JSON text for them (RFC 3339, nanoseconds without trailing zeros).
public enum GoTimestamp {
    public static func rfc3339(_ text: String) -> String? {
        guard let first = text.utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"), ScalarType.hasTimestampForm(text) else { return nil }
        let bytes = Array(text.utf8)
        var position = 0
        func number(maxDigits: Int) -> Int? {
            var value = 0, count = 0
            while position < bytes.count, count < maxDigits, bytes[position] >= 48, bytes[position] <= 57 {
                value = value * 10 + Int(bytes[position] - 48)
                position += 1
                count += 1
            }
            return count > 0 ? value : nil
        }
        func skip(_ byte: Character) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: byte.unicodeScalars.first!) else { return false }
            position += 1
            return true
        }
        guard let year = number(maxDigits: 4), skip("-"), let month = number(maxDigits: 2), skip("-"), let day = number(maxDigits: 2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction = ""
        var zone = "Z"
        if position < bytes.count {
            let separator = bytes[position]
            position += 1
            guard let h = number(maxDigits: 2), skip(":"), let m = number(maxDigits: 2), skip(":"), let s = number(maxDigits: 2),
                  h < 24, m < 60, s < 60 else { return nil }
            (hour, minute, second) = (h, m, s)
            if skip(".") {
                let start = position
                while position < bytes.count, bytes[position] >= 48, bytes[position] <= 57 { position += 1 }
                fraction = String(decoding: bytes[start..<min(position, start + 9)], as: UTF8.self)
                while fraction.hasSuffix("0") { fraction.removeLast() }
            }
            if separator != UInt8(ascii: " "), position < bytes.count {
                if bytes[position] == UInt8(ascii: "Z") {
                    position += 1
                } else {
                    let sign = bytes[position] == UInt8(ascii: "-") ? "-" : "+"
                    position += 1
                    guard let zh = number(maxDigits: 2), skip(":"), let zm = number(maxDigits: 2), zh < 24, zm < 60 else { return nil }
                    zone = zh == 0 && zm == 0 ? "Z" : sign + pad(zh) + ":" + pad(zm)
                }
            }
        }
        guard position == bytes.count else { return nil }
        let seconds = pad(second) + (fraction.isEmpty ? "" : "." + fraction)
        return String(repeating: "0", count: 4 - String(year).count) + String(year) + "-" + pad(month) + "-" + pad(day)
            + "T" + pad(hour) + ":" + pad(minute) + ":" + seconds + zone
    }

    private static func pad(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
