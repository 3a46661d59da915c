import Manifests
import ProcessRunner
import Testing

/// KubernetesNames maps ASCII text byte by byte; the character-by-character mapping (below,
/// as the rules state it) must give the same names, and validity must follow the rules.
@Suite struct NamingTests {
    static let alphabet: [Character] = Array("aZz09/._- A-") + ["é", "\r\n", "\r", "\u{301}", "ß", "\t"]

    static func characterName(_ text: String) -> String {
        String(text.lowercased().map { ($0.asciiValue.map { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) } ?? false) ? $0 : "-" })
    }

    static func characterLabel(_ text: String) -> String {
        String(text.map { character -> Character in
            if character == "/" { return "." }
            let allowed = character.asciiValue.map { $0 < 128 && (($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 || ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 95 || $0 == 45) } ?? false
            return allowed ? character : "-"
        })
    }

    @Test func asciiAndCharacterMappingsAgree() {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        for _ in 0..<5_000 {
            let text = String((0..<Int.random(in: 1...40, using: &random)).map { _ in Self.alphabet.randomElement(using: &random)! })
            // Each mapping keeps the character count, so the fitted result of the reference
            // mapping is the mapping itself whenever it needs no trimming or hash.
            let name = KubernetesNames.name(text), label = KubernetesNames.labelValue(text)
            let expectedName = Self.characterName(text), expectedLabel = Self.characterLabel(text)
            if expectedName.first.map({ $0 != "-" }) == true && expectedName.last.map({ $0 != "-" }) == true {
                #expect(name == expectedName, "'\(text.debugDescription)' (seed \(seed))")
            }
            #expect(name.count <= 253 && KubernetesNames.isValidLabelValue(String(name.prefix(63))))
            if expectedLabel.first.map({ $0 != "-" && $0 != "." && $0 != "_" }) == true
                && expectedLabel.last.map({ $0 != "-" && $0 != "." && $0 != "_" }) == true && expectedLabel.count <= 63 {
                #expect(label == expectedLabel, "'\(text.debugDescription)' (seed \(seed))")
            }
            #expect(KubernetesNames.isValidLabelValue(label), "'\(label)' from '\(text.debugDescription)' (seed \(seed))")
        }
    }

    /// Trimmed to alphanumerics at both ends, and within the limit, the mapping is the name:
    /// texts with leading and trailing separators, of every length up to past the limits.
    @Test func trimmedMappingsAreTheNamesWithinTheLimit() {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        func trimmed(_ text: String) -> String {
            let isAlphanumeric = { (character: Character) in character.asciiValue.map { ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) || ($0 >= 48 && $0 <= 57) } ?? false }
            guard let start = text.firstIndex(where: isAlphanumeric), let end = text.lastIndex(where: isAlphanumeric) else { return "" }
            return String(text[start...end])
        }
        var checked = 0
        for _ in 0..<3_000 {
            let edge = String((0..<Int.random(in: 0...3, using: &random)).map { _ in Array("-._/ ").randomElement(using: &random)! })
            let middle = String((0..<Int.random(in: 1...280, using: &random)).map { _ in Self.alphabet.randomElement(using: &random)! })
            let text = edge + middle + edge
            let expectedName = trimmed(Self.characterName(text)), expectedLabel = trimmed(Self.characterLabel(text))
            if !expectedName.isEmpty && expectedName.count <= 253 {
                checked += 1
                #expect(KubernetesNames.name(text) == expectedName, "'\(text.debugDescription)' (seed \(seed), GITOPSC_SEED=\(seed) to replay)")
            }
            if !expectedLabel.isEmpty && expectedLabel.count <= 63 {
                #expect(KubernetesNames.labelValue(text) == expectedLabel, "'\(text.debugDescription)' (seed \(seed), GITOPSC_SEED=\(seed) to replay)")
            }
        }
        #expect(checked > 1_000, "seed \(seed): only \(checked) names within the limit; the generator should make them often")
    }

    @Test(arguments: [
        ("app", true), ("app.kubernetes.io/name", true), ("example.com/a_b-c.d", true), ("/x", false), ("a/b/c", false),
        ("Example.com/x", false), ("-a", false), ("a-", false), ("é", false), ("a\u{301}", false), (String(repeating: "a", count: 63), true),
        (String(repeating: "a", count: 64), false), ("a..b/x", false), ("x/", false),
    ])
    func labelKeys(key: String, valid: Bool) {
        #expect(KubernetesNames.isValidLabelKey(key) == valid, "'\(key)'")
    }
}
