import Foundation
import ProcessRunner
import Testing
@testable import YAML

/// The number and timestamp forms are scanned by hand; the regular expressions go-yaml states
/// them with (run by NSRegularExpression here, in the tests only) are the oracle.
@Suite struct ScalarFormTests {
    static let base60 = try! NSRegularExpression(pattern: #"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$"#)
    static let timestamp = try! NSRegularExpression(
        pattern: #"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2}))|( [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?))?$"#)

    static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// A run of digits, of a length in `usual` four times in five, else of 0 to one more.
    static func digits(_ usual: ClosedRange<Int>, using random: inout SeededRandom) -> String {
        let count = Int.random(in: 0..<5, using: &random) > 0 ? Int.random(in: usual, using: &random) : Int.random(in: 0...usual.upperBound + 1, using: &random)
        return (0..<count).map { _ in String(Int.random(in: 0...9, using: &random)) }.joined()
    }

    /// The text with, one time in four, one character put in, dropped or replaced by one of
    /// `noise`: near misses of the form.
    static func mutated(_ text: String, _ noise: [Character], using random: inout SeededRandom) -> String {
        var characters = Array(text)
        guard Int.random(in: 0..<4, using: &random) == 0 else { return text }
        let index = Int.random(in: 0...characters.count, using: &random)
        switch Int.random(in: 0..<3, using: &random) {
        case 0: characters.insert(noise.randomElement(using: &random)!, at: index)
        case 1 where index < characters.count: characters.remove(at: index)
        default: if index < characters.count { characters[index] = noise.randomElement(using: &random)! }
        }
        return String(characters)
    }

    @Test func base60FloatsAreRecognisedAsGoYAMLsPatternDoes() {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        var forms = 0
        for _ in 0..<20_000 {
            var text = ["", "+", "-"].randomElement(using: &random)! + Self.digits(1...3, using: &random)
            text += Bool.random(using: &random) ? "_" + Self.digits(0...2, using: &random) : ""
            for _ in 0..<Int.random(in: 0...3, using: &random) { text += ":" + Self.digits(1...2, using: &random) }
            text += Bool.random(using: &random) ? "." + Self.digits(0...2, using: &random) + (Bool.random(using: &random) ? "_" : "") : ""
            text = Self.mutated(text, [":", ".", "_", "+", "-", "5", "6", "9", "a", " "], using: &random)
            let expected = Self.matches(Self.base60, text)
            forms += expected ? 1 : 0
            #expect(ScalarType.isBase60Float(text) == expected, "'\(text)' (seed \(seed))")
        }
        // The generator must reach the form often, or the comparison says little.
        #expect(forms > 500, "only \(forms) base 60 floats generated (seed \(seed))")
        for text in ["190:20:30", "190:20:30.15", "-1:5", "+12_3:59.", "1:60", "1:123", "1:", ":1", "1::2", "1:2:3_"] {
            #expect(ScalarType.isBase60Float(text) == Self.matches(Self.base60, text), "'\(text)'")
        }
    }

    @Test func timestampFormsAreRecognisedAsGoYAMLsPatternDoes() {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        var forms = 0
        for _ in 0..<20_000 {
            func time(_ random: inout SeededRandom) -> String {
                (0..<3).map { _ in Self.digits(1...2, using: &random) }.joined(separator: ":")
                    + (Bool.random(using: &random) ? "." + Self.digits(1...3, using: &random) : "")
            }
            var text = (0..<3).map { Self.digits($0 == 0 ? 4...4 : 1...2, using: &random) }.joined(separator: "-")
            switch Int.random(in: 0..<3, using: &random) {
            case 0: break
            case 1: text += " " + time(&random)
            default:
                text += ["T", "t"].randomElement(using: &random)! + time(&random)
                text += ["Z", "", "+05:00", "-5:00", "+0500", "-12:30"].randomElement(using: &random)!
            }
            text = Self.mutated(text, ["-", ":", ".", "T", "t", " ", "Z", "+", "z", "1"], using: &random)
            guard text.utf8.count >= 5 else { continue }
            let expected = Self.matches(Self.timestamp, text)
            forms += expected ? 1 : 0
            #expect(ScalarType.hasTimestampForm(text) == expected, "'\(text)' (seed \(seed))")
        }
        #expect(forms > 500, "only \(forms) timestamps generated (seed \(seed))")
        for text in ["2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "2002-12-14", "2002-1-4", "2002-12-14T1:2:3Z",
                     "2002-12-14T1:2:3", "2002-12-14 1:2:3Z", "2002-12-14T1:2:3.Z", "2002-12-14T01:02:03+5:00", "2002-123-1"] {
            #expect(ScalarType.hasTimestampForm(text) == Self.matches(Self.timestamp, text), "'\(text)'")
        }
    }
}

@Suite struct ByteSearchTests {
    /// `contains` finds a needle's first byte with `memchr` and compares the rest in place; it
    /// must agree with a naive search over the UTF-8 bytes, for small (inline) strings, long
    /// ones, needles of one to five bytes, and a match at the very end or cut off by it.
    @Test func agreesWithANaiveSearchOfTheBytes() {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let pieces = ["$", "{", "${", "a", "é", ":", "/", "://", "?ref=", "$$", "}", String(repeating: "x", count: 20)]
        let needles: [StaticString] = ["$", "${", "://", "?ref=", "é"]
        var found = Array(repeating: 0, count: needles.count)
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...8, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let bytes = Array(text.utf8)
            for (index, needle) in needles.enumerated() {
                let wanted = Array(UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount))
                let naive = bytes.count >= wanted.count && (0...(bytes.count - wanted.count)).contains { Array(bytes[$0..<($0 + wanted.count)]) == wanted }
                if naive { found[index] += 1 }
                #expect(ScalarType.contains(text, needle) == naive, "seed \(seed) (GITOPSC_SEED=\(seed) to replay): \(needle) in \(text.debugDescription)")
            }
        }
        for (index, count) in found.enumerated() {
            #expect(count > 250 && count < 4_750, "seed \(seed): \(count) of 5000 texts hold \(needles[index]); the generator should make both kinds")
        }
    }
}

@Suite struct PackedWordsTests {
    /// A keyword table answers as comparing the text with each keyword would: on keywords,
    /// their near misses (case, a byte more or less, NUL, Kelvin sign, combining marks) and
    /// texts longer than a packed word holds.
    @Test func membershipAgreesWithStringComparison() {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let keywords = ["", "~", "null", "Null", "NULL", "y", "yes", "no", "On", "off", "true", "FALSE", ".inf", "-.Inf", ".nan"]
        let table = PackedWords(keywords)
        let noise = ["", "\u{0}", "e", "E", "\u{301}", "\u{212A}", ".", "s", "longer-text"]
        var hits = 0
        for _ in 0..<5_000 {
            var text = keywords.randomElement(using: &random)!
            if random.next() % 2 == 0 {
                text = random.next() % 2 == 0 ? noise.randomElement(using: &random)! + text : text + noise.randomElement(using: &random)!
            }
            if random.next() % 4 == 0 { text = text.uppercased() }
            let expected = keywords.contains(text)
            if expected { hits += 1 }
            #expect((PackedWords.pack(text).map(table.contains) ?? false) == expected, "seed \(seed) (GITOPSC_SEED=\(seed) to replay): \(text.debugDescription)")
        }
        #expect(hits > 1_000 && hits < 4_000, "seed \(seed): \(hits) of 5000 texts are keywords; the generator should make both kinds")
    }
}
