import Diagnostics
import YAML

/// What kustomize's trips through JSON do to values. kustomize writes every object it outputs
/// through `encoding/json` (and every object a JSON 6902 patch changes, before and after the
/// patch), so a value JSON cannot hold fails the build, a YAML timestamp becomes Go's
/// RFC 3339 text, a folded block scalar goes through go-yaml's writer (`GoFolding`), and
/// numbers, booleans and nulls come back in their canonical spelling.
enum JSONRoundTrip {
    /// An object as kustomize writes it out: timestamps as strings, and an error for `.inf`
    /// and `.nan`. Returns nil when nothing changes (the common case, without a copy).
    static func output(_ node: Node) throws(Diagnostic) -> Node? {
        try rewritten(node, canonical: false)
    }

    /// An object after a JSON 6902 patch: the output rules, and every scalar in the
    /// spelling JSON gives it (`0777` is `511`, `1.50` is `1.5`, `True` is `true`).
    static func patched(_ node: Node) throws(Diagnostic) -> Node {
        try rewritten(node, canonical: true) ?? node
    }

    private static func rewritten(_ node: Node, canonical: Bool) throws(Diagnostic) -> Node? {
        switch node.content {
        case .scalar(let scalar):
            return try self.scalar(scalar, canonical: canonical, at: node.mark).map { Node(.scalar($0), mark: node.mark) }
        case .mapping(var entries):
            var changed = false
            for index in entries.indices {
                if let value = try rewritten(entries[index].value, canonical: canonical) {
                    entries[index].value = value
                    changed = true
                }
            }
            return changed ? Node(.mapping(entries), mark: node.mark) : nil
        case .sequence(var items):
            var changed = false
            for index in items.indices {
                if let item = try rewritten(items[index], canonical: canonical) {
                    items[index] = item
                    changed = true
                }
            }
            return changed ? Node(.sequence(items), mark: node.mark) : nil
        }
    }

    private static func scalar(_ scalar: Scalar, canonical: Bool, at mark: Mark) throws(Diagnostic) -> Scalar? {
        let type = ScalarType.of(scalar)
        let untagged = scalar.tag == nil || scalar.tag == UntypedScalar.tag
        if !untagged, scalar.style == .plain, [.int, .float, .bool, .null].contains(type) {
            // A value whose text is not of its tag's type (a replacement wrote it): go-yaml's
            // decoding error, which ends kustomize's build.
            let read = ScalarType.resolvePlain(scalar.value)
            guard read == type || (type == .float && read == .int) else {
                throw Diagnostic.error(
                    "kustomize.replacement",
                    "cannot decode \(read.shortTag) `\(scalar.value)` as a \(type.shortTag): a replacement wrote this text into a field of that type",
                    at: mark.location)
            }
        }
        switch type {
        case .float:
            guard let value = ScalarType.parseFloat(scalar.value) else { return nil }
            guard value.isFinite else {
                throw Diagnostic.error(
                    "kustomize.json",
                    "'\(scalar.value)' is \(value.isNaN ? "NaN" : "an infinite number"), which JSON cannot hold (kustomize fails with \"json: unsupported value\"); quote it to keep it a string",
                    at: mark.location)
            }
            guard canonical else { return nil }
            let text = GoJSON.float(value)
            return text == scalar.value && scalar.style == .plain && untagged ? nil : Scalar(text)
        case .string:
            if scalar.style == .folded {
                return Scalar(GoFolding.roundTrip(scalar.value), style: .doubleQuoted)
            }
            guard scalar.style == .plain, untagged, let text = Timestamp.rfc3339(scalar.value) else { return nil }
            return Scalar(text, style: .doubleQuoted)
        case .int, .bool, .null:
            guard canonical else { return nil }
            let text = ScalarType.canonical(scalar.value, as: type)
            return text == scalar.value && scalar.style == .plain && untagged ? nil : Scalar(text)
        case .binary:
            return nil
        }
    }
}

/// go-yaml v3's timestamps (`2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`
/// or a space and no zone) and Go's `time.Time` JSON text for them (RFC 3339, nanoseconds
/// without trailing zeros).
enum Timestamp {
    static func rfc3339(_ text: String) -> String? {
        guard let first = text.utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"), ScalarType.isTimestamp(text) else { return nil }
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
