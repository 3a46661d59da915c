import Foundation

/// A small deterministic generator (SplitMix64), so that every run makes the same cases and a
/// failing one can be reproduced from its seed.
public struct SeededRandom: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// The seed of a property run: `GITOPSC_SEED` when set (to replay a failure), else a
    /// fresh one, which the test prints.
    public static func runSeed() -> UInt64 {
        ProcessInfo.processInfo.environment["GITOPSC_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
