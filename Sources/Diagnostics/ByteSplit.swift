extension String {
    /// The parts between the `separator` bytes, cut in the string's contiguous UTF-8. The
    /// separator is ASCII, so it never sits inside a multi-byte character and the parts are
    /// the same as `utf8.split(separator:)`'s, many times faster: that walks the UTF-8 view
    /// index by index (5,000 instructions for an output path, asked for every file written).
    public func parts(separatedBy separator: UInt8, omittingEmpty: Bool = true) -> [Substring] {
        precondition(separator < 0x80, "a separator is an ASCII byte")
        var text = self
        let ranges = text.withUTF8 { bytes -> [Range<Int>] in
            var ranges: [Range<Int>] = []
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == separator {
                if !(omittingEmpty && index == start) { ranges.append(start..<index) }
                start = index + 1
            }
            return ranges
        }
        let utf8 = self.utf8
        return ranges.map { range in
            let lower = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            return self[lower..<utf8.index(lower, offsetBy: range.count)]
        }
    }
}
