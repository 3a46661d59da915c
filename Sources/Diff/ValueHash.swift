/// The stand-in shown for a Secret value: `hash:` and 16 hex digits of SipHash-2-4 of the
/// value's UTF-8 text, keyed with 128 bits from the system random generator, drawn once per
/// process.
///
/// Within one run equal values give equal tokens and different values unrelated ones, which is
/// all a reviewer of one diff needs. The key is never shown or stored, so nobody can check a
/// guess against a token, and tokens of two runs cannot be compared with each other.
struct ValueHash: Sendable {
    private let k0: UInt64
    private let k1: UInt64

    /// The key of this process.
    static let run = ValueHash.random()

    static func random() -> ValueHash {
        var generator = SystemRandomNumberGenerator()
        return ValueHash(k0: generator.next(), k1: generator.next())
    }

    init(k0: UInt64, k1: UInt64) {
        self.k0 = k0
        self.k1 = k1
    }

    func token(_ text: String) -> String {
        let hex = String(sipHash(Array(text.utf8)), radix: 16)
        return "hash:" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// SipHash-2-4 (Aumasson and Bernstein, 2012) with the key (`k0`, `k1`), both little-endian
    /// halves of the 16 key bytes.
    func sipHash(_ bytes: [UInt8]) -> UInt64 {
        var v0 = k0 ^ 0x736f_6d65_7073_6575
        var v1 = k1 ^ 0x646f_7261_6e64_6f6d
        var v2 = k0 ^ 0x6c79_6765_6e65_7261
        var v3 = k1 ^ 0x7465_6462_7974_6573
        func rounds(_ count: Int) {
            for _ in 0..<count {
                v0 &+= v1; v1 = v1.rotatedLeft(13); v1 ^= v0; v0 = v0.rotatedLeft(32)
                v2 &+= v3; v3 = v3.rotatedLeft(16); v3 ^= v2
                v0 &+= v3; v3 = v3.rotatedLeft(21); v3 ^= v0
                v2 &+= v1; v1 = v1.rotatedLeft(17); v1 ^= v2; v2 = v2.rotatedLeft(32)
            }
        }
        func absorb(_ word: UInt64) {
            v3 ^= word
            rounds(2)
            v0 ^= word
        }
        let whole = bytes.count - bytes.count % 8
        for start in stride(from: 0, to: whole, by: 8) {
            absorb(littleEndian(bytes[start..<start + 8]))
        }
        // The last word: the remaining bytes, and the length (mod 256) in the top byte.
        absorb(littleEndian(bytes[whole...]) | UInt64(truncatingIfNeeded: bytes.count) << 56)
        v2 ^= 0xff
        rounds(4)
        return v0 ^ v1 ^ v2 ^ v3
    }

    private func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var word: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            word |= UInt64(byte) << (8 * UInt64(index))
        }
        return word
    }
}

private extension UInt64 {
    func rotatedLeft(_ count: UInt64) -> UInt64 {
        self << count | self >> (64 - count)
    }
}
