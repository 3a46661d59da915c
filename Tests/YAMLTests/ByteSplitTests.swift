import Diagnostics
import ProcessRunner
import Testing

/// `String.parts(separatedBy:)` against the standard library's split of the UTF-8 view.
@Suite struct ByteSplitTests {
    @Test func partsAreThoseOfTheUTF8Split() {
        let seed = SeededRandom.runSeed()
        print("ByteSplitTests seed: \(seed) (set GITOPSC_SEED to replay)")
        var random = SeededRandom(seed: seed)
        let alphabet: [String] = ["/", "/", ".", "a", "bc", "é", "\u{301}", "🙂", "\r\n", " ", "x"]
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()
            for separator in [UInt8(ascii: "/"), UInt8(ascii: ".")] {
                for omitting in [true, false] {
                    let expected = text.utf8.split(separator: separator, omittingEmptySubsequences: omitting).map { String(Substring($0)) }
                    let parts = text.parts(separatedBy: separator, omittingEmpty: omitting)
                    #expect(parts == expected, "seed \(seed): '\(text)' \(separator) \(omitting)")
                }
            }
        }
        #expect("".parts(separatedBy: UInt8(ascii: "/"), omittingEmpty: false) == [""])
        #expect("a//b/".parts(separatedBy: UInt8(ascii: "/")) == ["a", "b"])
    }
}
