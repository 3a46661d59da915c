#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

/// The type of a scalar value.
///
/// kustomize reads YAML with go-yaml v3 (YAML 1.2 core schema, plus 1.1 octals such as
/// `0644`) and writes its output with go-yaml v2 (YAML 1.1: `yes`, `on`, `y` are booleans).
/// Both rule sets are reproduced here, because they decide which strings need quotes.
public enum ScalarType: Sendable, Hashable {
    case string
    case int
    case float
    case bool
    case null
    case binary

    /// The type of a scalar with this text, style and tag (what `Scalar.type` holds).
    static func resolve(_ value: String, style: ScalarStyle, tag: String?) -> ScalarType {
        if let tag {
            switch tag {
            case "tag:yaml.org,2002:str", "!!str": return .string
            case "tag:yaml.org,2002:int", "!!int": return .int
            case "tag:yaml.org,2002:float", "!!float": return .float
            case "tag:yaml.org,2002:bool", "!!bool": return .bool
            case "tag:yaml.org,2002:null", "!!null": return .null
            case "tag:yaml.org,2002:binary", "!!binary": return .binary
            case "!": return .string
            default: break
            }
        }
        guard style == .plain else { return .string }
        return resolvePlain(value)
    }

    /// The short tag go-yaml names the type with in its errors (`!!int`).
    public var shortTag: String {
        switch self {
        case .string: return "!!str"
        case .int: return "!!int"
        case .float: return "!!float"
        case .bool: return "!!bool"
        case .null: return "!!null"
        case .binary: return "!!binary"
        }
    }

    /// The long tag of the type (`tag:yaml.org,2002:int`).
    public var longTag: String {
        "tag:yaml.org,2002:" + shortTag.dropFirst(2)
    }

    /// Whether a non-digit first byte leaves the text a chance of being one of the YAML 1.1
    /// or 1.2 keywords (null, bool, .inf, .nan: five bytes at most) or a signed or dotted
    /// number: the cheap test before comparing with each.
    static func couldBeKeyword(_ text: String, first: UInt8) -> Bool {
        switch first {
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."): return true
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "y"), UInt8(ascii: "Y"),
             UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"):
            return text.utf8.count <= 5
        default: return false
        }
    }

    // The keywords of go-yaml v3 (kustomize's reader) and v2 (its writer's quoting).
    static let v3Nulls = PackedWords(["", "~", "null", "Null", "NULL"])
    static let v3Bools = PackedWords(["true", "True", "TRUE", "false", "False", "FALSE"])
    static let infinitiesAndNaNs = PackedWords([
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN",
    ])
    static let v2Keywords = PackedWords([
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN",
    ])

    /// go-yaml v3's resolution of an untagged plain scalar (kustomize's reader).
    public static func resolvePlain(_ text: String) -> ScalarType {
        guard let first = text.utf8.first else { return .null }
        if !isDigit(first), !couldBeKeyword(text, first: first) { return .string }
        if let keyword = PackedWords.pack(text) {
            if v3Nulls.contains(keyword) { return .null }
            if v3Bools.contains(keyword) { return .bool }
            if infinitiesAndNaNs.contains(keyword) { return .float }
        }
        if first == UInt8(ascii: ".") {
            return isFiniteDecimalFloat(text) ? .float : .string
        }
        guard isDigit(first) || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") else {
            return .string
        }
        if isTimestamp(text) { return .string }
        let plain = withoutUnderscores(text)
        if isGoInteger(plain) { return .int }
        if isFiniteDecimalFloat(plain) { return .float }
        return .string
    }

    /// Whether the text's UTF-8 holds the needle's: its first byte found with `memchr` over
    /// the string's own bytes, the rest compared in place. Many times faster than iterating
    /// the UTF-8 view, and than String's `contains(_:)` of a string, which runs the regex
    /// engine's searcher (20,000 instructions a call); every emitted scalar is asked.
    public static func contains(_ text: String, _ needle: StaticString) -> Bool {
        precondition(needle.hasPointerRepresentation && needle.utf8CodeUnitCount > 0, "a needle is a non-empty literal")
        let first = needle.utf8Start.pointee
        let rest = needle.utf8Start + 1
        let restCount = needle.utf8CodeUnitCount - 1
        var text = text
        return text.withUTF8 { bytes in
            guard var start = bytes.baseAddress else { return false }
            let end = start + bytes.count
            // A match starts early enough for the rest of the needle to fit.
            while end - start > restCount, let found = memchr(start, Int32(first), end - start - restCount) {
                let position = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
                if restCount == 0 || memcmp(position + 1, rest, restCount) == 0 { return true }
                start = position + 1
            }
            return false
        }
    }

    /// go-yaml ignores `_` in numbers; most scalars have none, so skip the copy then.
    static func withoutUnderscores(_ text: String) -> String {
        contains(text, "_") ? String(text.filter { $0 != "_" }) : text
    }

    /// go-yaml v2's resolution of a plain scalar: used to decide whether a string must be
    /// quoted in kustomize's output so that it still reads as a string.
    public static func v2NeedsQuotes(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return true }
        // Most strings are words that start with no sign, digit or dot and are no keyword.
        if !isDigit(first), !couldBeKeyword(text, first: first) { return false }
        if let keyword = PackedWords.pack(text), v2Keywords.contains(keyword) { return true }
        if first == UInt8(ascii: ".") {
            return isFiniteDecimalFloat(text)
        }
        guard isDigit(first) || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") else {
            return false
        }
        if isTimestamp(text) { return true }
        let plain = withoutUnderscores(text)
        if isGoInteger(plain) || isFiniteDecimalFloat(plain) { return true }
        if plain.hasPrefix("0b") || plain.hasPrefix("-0b") { return true }
        return isBase60Float(text)
    }

    /// A normalized text for comparing typed values (`0x10` and `16` are the same int).
    public static func canonical(_ text: String, as type: ScalarType) -> String {
        switch type {
        case .int:
            let plain = withoutUnderscores(text)
            return goIntegerText(plain) ?? plain
        case .float:
            return parseFloat(text).map { "\($0)" } ?? text
        case .bool:
            return text.lowercased()
        case .null:
            return "null"
        case .string, .binary:
            return text
        }
    }

    /// The value of a float scalar, including YAML's `.inf` and `.nan` spellings.
    public static func parseFloat(_ text: String) -> Double? {
        switch text.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: return Double(withoutUnderscores(text))
        }
    }

    // MARK: Go number syntax

    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    /// `strconv.ParseInt(s, 0, 64)` (and ParseUint): optional sign, then decimal, `0x`, `0o`,
    /// `0b`, or a leading `0` for octal.
    public static func parseGoInteger(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes -> Int64? in
            let negative = bytes.first == UInt8(ascii: "-")
            let signed = negative || bytes.first == UInt8(ascii: "+")
            guard let magnitude = goMagnitude(bytes[(signed ? 1 : 0)...]) else { return nil }
            if negative {
                return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
            }
            return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
        }
    }

    /// Whether go-yaml reads the text as an int: `strconv.ParseInt`, or else `ParseUint`, so
    /// that values up to 2^64 - 1 are ints too.
    static func isGoInteger(_ text: String) -> Bool {
        parseGoInteger(text) != nil || parseGoUnsigned(text) != nil
    }

    /// The decimal text of an int scalar's value, as kustomize writes it.
    static func goIntegerText(_ text: String) -> String? {
        parseGoInteger(text).map(String.init) ?? parseGoUnsigned(text).map(String.init)
    }

    /// `strconv.ParseUint(s, 0, 64)`, which takes no sign: the values above `Int64.max`
    /// that `parseGoInteger` refuses.
    static func parseGoUnsigned(_ text: String) -> UInt64? {
        var text = text
        return text.withUTF8 { goMagnitude($0[...]) }
    }

    /// The unsigned value of Go integer bytes with base prefix 0 (no sign): decimal, `0x`,
    /// `0o`, `0b`, or a leading `0` for octal, with at least one digit after the prefix; nil
    /// for any other byte (a sign, `_`, a non-ASCII byte) or a value above `UInt64.max`. Read
    /// byte by byte: every plain scalar that starts with a digit is asked, at every emit.
    private static func goMagnitude(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> UInt64? {
        var digits = bytes
        var radix: UInt64 = 10
        if digits.count > 1, digits.first == UInt8(ascii: "0") {
            switch digits[digits.startIndex + 1] {
            case UInt8(ascii: "x"), UInt8(ascii: "X"): radix = 16; digits = digits.dropFirst(2)
            case UInt8(ascii: "o"), UInt8(ascii: "O"): radix = 8; digits = digits.dropFirst(2)
            case UInt8(ascii: "b"), UInt8(ascii: "B"): radix = 2; digits = digits.dropFirst(2)
            default: radix = 8; digits = digits.dropFirst()
            }
        }
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = UInt64(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit = UInt64(byte - UInt8(ascii: "A")) + 10
            default: return nil
            }
            guard digit < radix else { return nil }
            let (shifted, overflowed) = value.multipliedReportingOverflow(by: radix)
            let (sum, carried) = shifted.addingReportingOverflow(digit)
            guard !overflowed && !carried else { return nil }
            value = sum
        }
        return value
    }

    /// A decimal float that `strconv.ParseFloat` accepts: out-of-range values such as
    /// `1e400` are an error to Go, so go-yaml reads them as strings.
    static func isFiniteDecimalFloat(_ text: String) -> Bool {
        isDecimalFloat(text) && (Double(text)?.isFinite ?? false)
    }

    /// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
    static func isDecimalFloat(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            bytes = bytes.dropFirst()
        }
        func digits() -> Int {
            var count = 0
            while let c = bytes.first, isDigit(c) {
                bytes = bytes.dropFirst()
                count += 1
            }
            return count
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        } else {
            guard digits() > 0 else { return false }
            if bytes.first == UInt8(ascii: ".") {
                bytes = bytes.dropFirst()
                _ = digits()
            }
        }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                bytes = bytes.dropFirst()
            }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }

    /// go-yaml's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`, by hand:
    /// a scalar is typed on every read, and compiling the pattern each time cost more than
    /// the rest of the typing.
    static func isBase60Float(_ text: String) -> Bool {
        var scanner = DigitScanner(text)
        scanner.skip { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
        guard scanner.skip(isDigit) else { return false }
        scanner.skipAll { isDigit($0) || $0 == UInt8(ascii: "_") }
        var sexagesimalGroups = 0
        while scanner.skip({ $0 == UInt8(ascii: ":") }) {
            // `[0-5]?[0-9]`: one digit, or two when the first is at most 5.
            guard let first = scanner.peek else { return false }
            let count = scanner.digitRun()
            guard count == 1 || (count == 2 && first <= UInt8(ascii: "5")) else { return false }
            sexagesimalGroups += 1
        }
        if scanner.skip({ $0 == UInt8(ascii: ".") }) {
            scanner.skipAll { isDigit($0) || $0 == UInt8(ascii: "_") }
        }
        return sexagesimalGroups > 0 && scanner.atEnd
    }

    /// A timestamp go-yaml reads as one: one of its forms, with a date and time that exist
    /// (`2023-02-29` is a string).
    public static func isTimestamp(_ text: String) -> Bool {
        GoTimestamp.rfc3339(text) != nil
    }

    /// The timestamp forms go-yaml accepts: `2006-1-2T15:4:5.999999999Z07:00`,
    /// `2006-1-2t15:4:5.999999999Z07:00`, `2006-1-2 15:4:5.999999999`, `2006-1-2`; that is
    /// `[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}` then optionally `[Tt]` + time + (`Z` or `[-+]hh:mm`),
    /// or ` ` + time, where time is `h:m:s(\.[0-9]+)?` with one or two digits each.
    static func hasTimestampForm(_ text: String) -> Bool {
        var scanner = DigitScanner(text)
        guard scanner.digits(min: 4, max: 4), scanner.skip({ $0 == UInt8(ascii: "-") }),
              scanner.digits(min: 1, max: 2), scanner.skip({ $0 == UInt8(ascii: "-") }),
              scanner.digits(min: 1, max: 2) else { return false }
        if scanner.atEnd { return true }
        func time() -> Bool {
            guard scanner.digits(min: 1, max: 2), scanner.skip({ $0 == UInt8(ascii: ":") }),
                  scanner.digits(min: 1, max: 2), scanner.skip({ $0 == UInt8(ascii: ":") }),
                  scanner.digits(min: 1, max: 2) else { return false }
            if scanner.skip({ $0 == UInt8(ascii: ".") }) {
                return scanner.digits(min: 1, max: .max)
            }
            return true
        }
        if scanner.skip({ $0 == UInt8(ascii: " ") }) {
            return time() && scanner.atEnd
        }
        guard scanner.skip({ $0 == UInt8(ascii: "T") || $0 == UInt8(ascii: "t") }), time() else { return false }
        if scanner.skip({ $0 == UInt8(ascii: "Z") }) { return scanner.atEnd }
        guard scanner.skip({ $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }),
              scanner.digits(min: 2, max: 2), scanner.skip({ $0 == UInt8(ascii: ":") }),
              scanner.digits(min: 2, max: 2) else { return false }
        return scanner.atEnd
    }
}

/// A cursor over a scalar's bytes for the number and timestamp forms above. A run of digits
/// is taken whole, as the patterns' greedy `[0-9]{m,n}` followed by a non-digit takes it.
struct DigitScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var atEnd: Bool { index == bytes.count }
    var peek: UInt8? { peek(at: 0) }

    func peek(at offset: Int) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    /// Takes one byte that `matches`, if the next one does.
    @discardableResult
    mutating func skip(_ matches: (UInt8) -> Bool) -> Bool {
        guard let byte = peek, matches(byte) else { return false }
        index += 1
        return true
    }

    mutating func skipAll(_ matches: (UInt8) -> Bool) {
        while skip(matches) {}
    }

    /// Takes the run of digits ahead and returns its length.
    mutating func digitRun() -> Int {
        let start = index
        skipAll(ScalarType.isDigit)
        return index - start
    }

    /// Takes the run of digits ahead; true when its length is within `min...max`.
    mutating func digits(min: Int, max: Int) -> Bool {
        (min...max).contains(digitRun())
    }
}

/// Short ASCII words, each packed with its length into one integer: whether a scalar is a
/// keyword is one set lookup instead of a string comparison per keyword, and most scalars
/// are asked. (No keyword has a canonically equivalent spelling, so bytes decide as
/// `String` equality would.)
struct PackedWords: Sendable {
    private let words: Set<UInt64>

    init(_ list: [String]) {
        words = Set(list.map { PackedWords.pack($0)! })
    }

    func contains(_ packed: UInt64) -> Bool {
        words.contains(packed)
    }

    /// The text's length and bytes in one integer; nil for texts of more than 7 bytes,
    /// which are no keyword.
    static func pack(_ text: String) -> UInt64? {
        let bytes = text.utf8
        guard bytes.count <= 7 else { return nil }
        var packed = UInt64(bytes.count) << 56
        for (offset, byte) in bytes.enumerated() {
            packed |= UInt64(byte) << (8 * offset)
        }
        return packed
    }
}
