extension String {
    /// The parts between the `separator` bytes, cut and decoded in the string's contiguous
    /// UTF-8. The separator is ASCII, so it never sits inside a multi-byte character and the
    /// parts are the same as `utf8.split(separator:)`'s, many times faster: that walks the
    /// UTF-8 view index by index (5,000 instructions for an output path, asked for every file
    /// written; every built-in field spec is split at every build).
    public func parts(separatedBy separator: UInt8, omittingEmpty: Bool = true) -> [String] {
        precondition(separator < 0x80, "a separator is an ASCII byte")
        var text = self
        return text.withUTF8 { bytes in
            var parts: [String] = []
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == separator {
                if !(omittingEmpty && index == start) {
                    parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                }
                start = index + 1
            }
            return parts
        }
    }
}
