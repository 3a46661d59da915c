import Testing
import ProcessRunner
@testable import YAML

/// Go's integer syntax read from bytes, against Swift's own parse of the same syntax (the
/// `Character` and `UInt64(_:radix:)` reading gitopsc used before, kept here as the
/// reference) on generated texts, and against values `strconv` gives.
@Suite struct GoIntegerTests {
    /// `strconv.ParseUint(s, 0, 64)` through Swift's radix parser: the prefix cut by
    /// characters, a sign refused (Swift would take one).
    static func referenceUnsigned(_ text: Substring) -> UInt64? {
        var digits = text
        var radix = 10
        if digits.count > 1, digits.first == "0" {
            switch digits.dropFirst().first! {
            case "x", "X": radix = 16; digits = digits.dropFirst(2)
            case "o", "O": radix = 8; digits = digits.dropFirst(2)
            case "b", "B": radix = 2; digits = digits.dropFirst(2)
            default: radix = 8; digits = digits.dropFirst()
            }
        }
        guard let first = digits.first, first != "+", first != "-" else { return nil }
        return UInt64(digits, radix: radix)
    }

    static func referenceSigned(_ text: String) -> Int64? {
        var rest = Substring(text)
        let negative = rest.first == "-"
        if negative || rest.first == "+" { rest = rest.dropFirst() }
        guard let magnitude = referenceUnsigned(rest) else { return nil }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    @Test func valuesStrconvGives() {
        let cases: [(String, Int64?)] = [
            ("0", 0), ("-0", 0), ("+7", 7), ("010", 8), ("0x1F", 31), ("0X1f", 31), ("0o17", 15), ("0b101", 5), ("-0x10", -16),
            ("08", nil), ("0x", nil), ("0b2", nil), ("+", nil), ("", nil), ("--1", nil), ("+-1", nil), ("0x-1", nil), ("1_000", nil),
            ("1e3", nil), (" 1", nil), ("١", nil), ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min),
            ("9223372036854775808", nil), ("0xFFFFFFFFFFFFFFFF", nil),
        ]
        for (text, value) in cases {
            #expect(ScalarType.parseGoInteger(text) == value, "\(text)")
        }
        #expect(ScalarType.parseGoUnsigned("18446744073709551615") == UInt64.max)
        #expect(ScalarType.parseGoUnsigned("18446744073709551616") == nil)
        #expect(ScalarType.parseGoUnsigned("+1") == nil)
        #expect(ScalarType.parseGoUnsigned("0xFFFFFFFFFFFFFFFF") == UInt64.max)
    }

    @Test func generatedTextsReadAsTheReferenceReadsThem() {
        let seed = SeededRandom.runSeed()
        print("GoIntegerTests seed: \(seed) (set GITOPSC_SEED to replay)")
        var random = SeededRandom(seed: seed)
        let alphabet: [String] = ["0", "1", "7", "8", "9", "a", "f", "F", "g", "z", "x", "X", "o", "O", "b", "B", "+", "-", "_", ".", " ", "é", "\u{301}", "٣"]
        for _ in 0..<20_000 {
            var text = (0..<Int.random(in: 0...8, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()
            // Long runs of digits, around the 64-bit limits.
            if Bool.random(using: &random) {
                text += String(repeating: ["9", "1", "f", "7"].randomElement(using: &random)!, count: Int.random(in: 0...24, using: &random))
            }
            #expect(ScalarType.parseGoInteger(text) == Self.referenceSigned(text), "seed \(seed): '\(text)'")
            #expect(ScalarType.parseGoUnsigned(text) == Self.referenceUnsigned(Substring(text)), "seed \(seed): '\(text)'")
        }
    }
}
