@testable import Environments
import ProcessRunner
import Testing

/// `SpecMerge.Positions` (a list while small, a dictionary once large) against a dictionary,
/// over seeded runs of reads, writes and removals that grow past and shrink below the point
/// where it changes.
@Suite struct MergePositionsTests {
    @Test func answersAsADictionaryDoes() {
        let seed = SeededRandom.runSeed()
        print("MergePositionsTests seed: \(seed) (set GITOPSC_SEED to replay)")
        var random = SeededRandom(seed: seed)
        for _ in 0..<300 {
            let start = Int.random(in: 0...40, using: &random)
            var positions = SpecMerge.Positions(start)
            var expected: [String: Int] = [:]
            let keys = Int.random(in: 1...60, using: &random)
            for step in 0..<Int.random(in: 0...200, using: &random) {
                let name = "k\(Int.random(in: 0..<keys, using: &random))"
                switch Int.random(in: 0..<4, using: &random) {
                case 0:
                    positions[name] = nil
                    expected[name] = nil
                case 1, 2:
                    positions[name] = step
                    expected[name] = step
                default:
                    #expect(positions[name] == expected[name], "seed \(seed): '\(name)' at step \(step)")
                }
            }
            for index in 0..<keys {
                #expect(positions["k\(index)"] == expected["k\(index)"], "seed \(seed)")
            }
        }
    }
}
