import Diagnostics
import Foundation
import ProcessRunner
import Testing

/// gitopsc's own regular-expression engine against Swift's Regex where the two agree, and
/// against Go's documented `regexp/syntax` where they do not.
@Suite struct PatternEngineTests {
    /// Random patterns from a grammar where RE2 and Swift's Regex (unicode-scalar semantics)
    /// mean the same, with no repeated repetition so that Swift's backtracking ends.
    @Test func agreesWithSwiftRegexOnGeneratedPatterns() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        var pairs = 0
        var matched = 0
        for _ in 0..<2_000 {
            let pattern = PatternGrammar.pattern(&random)
            let oracle = try Regex(pattern).matchingSemantics(.unicodeScalar)
            let compiled = try #require(Pattern(pattern), "seed \(seed): '\(pattern)' does not compile")
            for _ in 0..<10 {
                let text = PatternGrammar.text(&random)
                let expected = (try oracle.firstMatch(in: text)) != nil
                #expect(compiled.matches(text) == expected, "seed \(seed): '\(pattern)' on '\(text)'")
                pairs += 1
                if expected { matched += 1 }
            }
        }
        #expect(pairs >= 20_000)
        #expect(matched > pairs / 10 && matched < pairs * 9 / 10, "seed \(seed): \(matched) of \(pairs) pairs match")
    }

    /// Facts from Go's `regexp/syntax` documentation (https://pkg.go.dev/regexp/syntax).
    @Test(arguments: [
        // "any character, possibly including newline (flag s=true)": not `\n` by default, but `\r`.
        (".", "\r", true), (".", "\n", false), ("(?s).", "\n", true), ("a.c", "a\u{1F600}c", true),
        // "$ at end of text (like \z not \Z) or line (flag m=true)".
        ("a$", "a\n", false), ("a$", "a", true), ("(?m)a$", "a\nb", true), ("a\\z", "a\n", false),
        // "^ at beginning of text or line (flag m=true)".
        ("(?m)^b", "a\nb", true), ("^b", "a\nb", false), ("\\Ab", "a\nb", false),
        // `\s` is "whitespace (== [\t\n\f\r ])": no vertical tab.
        ("\\s", "\u{0B}", false), ("\\s", "\u{0C}", true), ("[[:space:]]", "\u{0B}", true),
        // `\d`, `\w`, `\b` are ASCII.
        ("\\d", "\u{0663}", false), ("\\w", "é", false), ("\\bx\\b", "éxé", true), ("\\Bx", "ax", true),
        // Named groups, both spellings; flags with and without a group.
        ("(?P<first>a)b", "ab", true), ("(?<first>a)b", "ab", true), ("(?i)ABC", "xabcx", true),
        ("(?i:a)B", "Ab", false), ("a(?i)b", "aB", true), ("(?i)a(?-i)b", "AB", false),
        // `\Q...\E` is literal text.
        ("\\Q.*\\E", "a.*b", true), ("\\Q.*\\E", "ab", false), ("\\Qa.b", "axb", false),
        // Escapes: octal, hex, control letters, punctuation.
        ("\\123", "S", true), ("\\x41\\x{1F600}", "A\u{1F600}", true), ("\\t\\v", "\t\u{0B}", true), ("\\.", "a", false),
        // Unicode general categories.
        ("\\p{Lu}", "a", false), ("\\p{Lu}", "É", true), ("\\pN", "\u{0663}", true), ("\\PL", "a", false),
        ("\\p{^L}", "1", true), ("[\\p{Greek}]", "α", false),
        // Classes: POSIX names, negations, escapes, a leading `]` and a trailing `-`.
        ("[[:alpha:]]", "5", false), ("[[:^alpha:]]", "5", true), ("[^a-z]", "\n", true), ("[\\d.]", ".", true),
        ("[]a]", "]", true), ("[a-]", "-", true), ("x{,3}", "x{,3}", true), ("a{2}", "a", false),
        // Case folding is simple folding: `k` folds with the Kelvin sign, `s` with the long s.
        ("(?i)k", "\u{212A}", true), ("(?i)\u{017F}", "S", true), ("(?i)[a-z]", "Q", true), ("(?i)[^k]", "K", false),
        // Lazy and repeated forms match the same texts.
        ("a+?b", "aab", true), ("(?U)a+b", "aab", true), ("a{2,3}?", "a", false), ("(a*)*b", "aaa", false),
    ] as [(String, String, Bool)])
    func followsGoSemantics(pattern: String, text: String, matches: Bool) throws {
        if pattern == "[\\p{Greek}]" {
            // Unicode scripts are refused: Swift does not give a scalar's script.
            #expect(Pattern(pattern) == nil)
            return
        }
        let compiled = try #require(Pattern(pattern), "'\(pattern)' does not compile")
        #expect(compiled.matches(text) == matches, "'\(pattern)' on '\(text.debugDescription)'")
    }

    /// Go refuses these (`regexp/syntax`: no backreferences, lookaround, possessive or
    /// stacked repetitions, repeat counts above 1000, unknown escapes).
    @Test(arguments: [
        "x{1001}", "x{2,1}", "x{1000,1001}", "(a)\\1", "\\8", "(?=a)", "(?!a)", "(?<=a)b", "(?<!a)b", "a*+", "a**",
        "a{2}{3}", "a??+", "*a", "a|*", "(", ")", "a)", "(a", "[a", "[]", "[z-a]", "\\", "\\q", "\\C", "\\Z", "\\xZ1",
        "\\x{110000}", "\\x{}", "\\pX", "\\p{Foo}", "[[:foo:]]", "[\\b]", "(?P<x>a)(?P<x>b)", "(?P<>a)", "(?P=x)",
        "(?-)", "(?i-)", "(?x)", "(?#c)", "(((a{1000}){1000}){1000})", "\\1",
    ])
    func refusesWhatGoRefuses(pattern: String) {
        #expect(Pattern(pattern) == nil, "'\(pattern)' compiles")
    }

    @Test(arguments: ["", "()", "a|", "|a", "^*", "x{1000}", "x{0}", "a{,", "[[]", "(?i)", "(?)", "\\_", "[a-\\x{10FFFF}]", "(?i)\\W"])
    func acceptsWhatGoAccepts(pattern: String) {
        #expect(Pattern(pattern) != nil, "'\(pattern)' does not compile")
    }

    /// Any text is a pattern that compiles or not, and a compiled one matches any text,
    /// without crashing: strings of metacharacters, escapes and letters, cut anywhere.
    @Test func arbitraryPatternsNeverCrash() {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let pieces = ["(", ")", "[", "]", "{", "}", ",", "-", "^", "$", "|", "*", "+", "?", ".", "\\", "\\p", "\\x",
                      "{1", "{2,", ":]", "[:", "(?", "P<", ">", "i", "a", "1", "0", "\\Q", "\\E", "é", "\n"]
        var compiled = 0
        for _ in 0..<5_000 {
            let pattern = (0..<Int(random.next() % 12)).map { _ in PatternGrammar.pick(pieces, &random) }.joined()
            guard let made = Pattern(pattern) else { continue }
            compiled += 1
            for _ in 0..<3 { _ = made.matches(PatternGrammar.text(&random) + "\n\u{212A}é") }
        }
        #expect(compiled > 100, "seed \(seed): only \(compiled) patterns compiled")
    }

    /// A hostile pattern cannot exhaust memory or the stack: programs are capped in size and
    /// groups in depth (a pattern within both still compiles).
    @Test func sizeAndDepthAreBounded() throws {
        #expect(Pattern("(a{1000}){1000}") == nil)
        #expect(Pattern("(a{100}){100}") != nil)
        let deep = String(repeating: "(", count: 100_000) + "a" + String(repeating: ")", count: 100_000)
        #expect(Pattern(deep) == nil)
        let allowed = String(repeating: "(", count: 200) + "a" + String(repeating: ")", count: 200)
        #expect(try #require(Pattern(allowed)).matches("xa"))
    }

    /// Patterns a backtracking matcher takes exponential time on; these complete (the suite
    /// would hang otherwise).
    @Test(arguments: [
        ("(a+)+b", String(repeating: "a", count: 10_000), false),
        ("(a|aa)*c", String(repeating: "a", count: 10_000), false),
        ("(x*)*y", String(repeating: "x", count: 10_000), false),
        ("(a?){30}a{30}", String(repeating: "a", count: 10_000), true),
        ("^(a?){30}a{30}$", String(repeating: "a", count: 30), true),
        ("(.*a){20}z", String(repeating: "ab", count: 5_000), false),
        ("(a+)+b", String(repeating: "a", count: 10_000) + "b", true),
    ])
    func runsInLinearTime(pattern: String, text: String, matches: Bool) throws {
        let compiled = try #require(Pattern(pattern))
        #expect(compiled.matches(text) == matches)
    }
}

/// The generated patterns and texts of `agreesWithSwiftRegexOnGeneratedPatterns`.
enum PatternGrammar {
    static let atoms = ["a", "b", "c", "A", "1", "-", ".", "[ab]", "[^a]", "[a-c1]", "\\d", "\\w", "\\.", "[[:alpha:]]"]
    static let quantifiers = ["*", "+", "?", "*?", "+?", "{2}", "{1,3}", "{0,2}", "{2,}"]

    static func pick<T>(_ items: [T], _ random: inout SeededRandom) -> T {
        items[Int(random.next() % UInt64(items.count))]
    }

    static func chance(_ percent: UInt64, _ random: inout SeededRandom) -> Bool {
        random.next() % 100 < percent
    }

    /// An atom, or a group of atoms (alternatives of plain sequences), optionally repeated
    /// once: nothing repeated holds a repetition.
    static func piece(_ random: inout SeededRandom, depth: Int) -> String {
        var piece: String
        if depth < 2, chance(25, &random) {
            let alternatives = (0..<Int(1 + random.next() % 3)).map { _ in sequence(&random, depth: depth + 1, repeats: false) }
            piece = (chance(50, &random) ? "(" : "(?:") + alternatives.joined(separator: "|") + ")"
        } else {
            piece = pick(atoms, &random)
        }
        return piece
    }

    static func sequence(_ random: inout SeededRandom, depth: Int, repeats: Bool) -> String {
        (0..<Int(1 + random.next() % 3)).map { _ in
            let item = piece(&random, depth: depth)
            // Only groups without alternation are repeated: `(a|ab)*` would backtrack
            // exponentially in the oracle.
            guard repeats, !item.contains("|"), !item.contains("*"), !item.contains("+"), !item.contains("{"),
                  !item.contains("?"), chance(45, &random) else { return item }
            return item + pick(quantifiers, &random)
        }.joined()
    }

    static func pattern(_ random: inout SeededRandom) -> String {
        var pattern = (0..<Int(1 + random.next() % 2)).map { _ in sequence(&random, depth: 0, repeats: true) }.joined(separator: "|")
        if chance(20, &random) { pattern = "^" + pattern }
        if chance(20, &random) { pattern += "$" }
        if chance(15, &random) { pattern = "(?i)" + pattern }
        return pattern
    }

    static let alphabet: [Character] = ["a", "a", "b", "b", "c", "A", "B", "1", "-", ".", "_", " "]

    static func text(_ random: inout SeededRandom) -> String {
        String((0..<Int(random.next() % 31)).map { _ in pick(alphabet, &random) })
    }
}
