@testable import Compiler
import FoundationEssentials
import ProcessRunner
import Testing

@Suite struct OwnershipManifestTests {
    /// The manifest's bytes are those Foundation's `JSONEncoder` wrote before gitopsc wrote
    /// them itself, so that committed manifests do not change: compared on generated
    /// manifests, with names from the allowed alphabet and odd folder names (quotes,
    /// backslashes, control characters, non-ASCII).
    @Test func manifestsAreWhatJSONEncoderWrites() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let name = Array("abcxyz019._-")
        let odd = ["\"", "\\", "\t", "\n", "\r", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", "é", "日", "/", " ", "\u{1F600}"]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        for round in 0..<300 {
            func word() -> String {
                String((0..<Int.random(in: 1...8, using: &random)).map { _ in name.randomElement(using: &random)! })
            }
            let folder = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                Bool.random(using: &random) ? odd.randomElement(using: &random)! : word()
            }.joined()
            let environments = (0..<Int.random(in: 0...5, using: &random)).map { _ in word() + "/" + word() }
            let paths = environments.flatMap { environment in
                (0..<Int.random(in: 0...4, using: &random)).map { _ in "\(folder)/\(environment)/\(word())/manifest.yaml" }
            }
            let manifest = OwnershipManifest(paths: paths, environments: environments)
            let expected = String(decoding: try encoder.encode(manifest), as: UTF8.self) + "\n"
            #expect(manifest.json == expected, "seed \(seed) (GITOPSC_SEED=\(seed) to replay), round \(round)")
        }
    }
}

@Suite struct SortedPathsTests {
    /// Merging sorted lists gives the sorted concatenation, whether the lists lie apart (the
    /// tree's environments) or overlap (then everything is sorted).
    @Test func mergedListsAreTheSortedConcatenation() {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let words = ["a", "a-b", "a/x", "a.b", "b", ".gitopsc", "a/", "ab", "z", "é"]
        for round in 0..<500 {
            let lists = (0..<Int.random(in: 0...5, using: &random)).map { _ in
                Set((0..<Int.random(in: 0...4, using: &random)).map { _ in
                    (0..<Int.random(in: 1...3, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(separator: "/")
                }).sorted()
            }
            #expect(RenderedLayout.sortedPaths(lists) == lists.joined().sorted(), "seed \(seed) (GITOPSC_SEED=\(seed) to replay), round \(round)")
        }
    }
}
