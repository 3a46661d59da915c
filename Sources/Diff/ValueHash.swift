/// The short stand-in shown for a Secret value: FNV-1a (64-bit) of the value's UTF-8 text,
/// folded to 32 bits and written as 8 hex digits.
///
/// It is not a cryptographic hash and does not need to be: it only tells a reader whether a
/// value changed, and it is stable across runs and machines. Its 32 bits hide nothing from
/// a guess-and-check attack on a weak secret, which no short hash of any kind would.
enum ValueHash {
    static func short(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let folded = UInt32(truncatingIfNeeded: hash >> 32) ^ UInt32(truncatingIfNeeded: hash)
        let hex = String(folded, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
