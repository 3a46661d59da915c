import Testing
@testable import Diff

@Suite struct ValueHashTests {
    /// The reference vectors of the SipHash paper (appendix A, and vectors.h): key 00..0f.
    @Test func sipHashReferenceVectors() {
        let hash = ValueHash(k0: 0x0706_0504_0302_0100, k1: 0x0f0e_0d0c_0b0a_0908)
        #expect(hash.sipHash([]) == 0x726f_db47_dd0e_0e31)
        #expect(hash.sipHash(Array(0...14)) == 0xa129_ca61_49be_45e5)
        #expect(hash.sipHash(Array(0...7)) == 0x93f5_f579_9a93_2462)
    }

    @Test func equalValuesGiveEqualTokensWithinARun() {
        #expect(ValueHash.run.token("s3cr3t-password") == ValueHash.run.token("s3cr3t-password"))
        #expect(ValueHash.run.token("s3cr3t-password").wholeMatch(of: /hash:[0-9a-f]{16}/) != nil)
    }

    /// Values one character apart share no visible structure: no common prefix beyond chance.
    @Test func valuesDifferingInOneCharacterGiveUnrelatedTokens() {
        let hash = ValueHash.random()
        var sharedPrefix = 0
        for last in "abcdefghijklmnopqrstuvwxyz0123456789" {
            let one = hash.token("password-\(last)"), other = hash.token("password-\(last)!")
            let neighbour = hash.token("password-" + String(UnicodeScalar(last.asciiValue! + 1)))
            #expect(one != other && one != neighbour)
            sharedPrefix += zip(one.dropFirst(5), neighbour.dropFirst(5)).prefix { $0 == $1 }.count
        }
        // 36 pairs of random hex strings share about 36/15 ≈ 2.4 leading digits in all.
        #expect(sharedPrefix < 20, "tokens of neighbouring values share \(sharedPrefix) leading digits")
    }

    @Test func twoRunsGiveDifferentTokensForTheSameValue() {
        let first = ValueHash.random(), second = ValueHash.random()
        #expect(first.token("hunter2") != second.token("hunter2"))
    }
}
