/// What a folded block scalar (`>`) becomes when kustomize writes it with go-yaml v3 and
/// reads it back (kyaml's JSON conversion does that to every object it outputs or
/// JSON-patches). go-yaml's emitter decides whether a line break needs an extra empty line
/// by looking at the start of the whole value instead of the next line, so a value that
/// starts with a normal line gains a line break before each more-indented line that follows
/// a normal one, and a value that starts with a more-indented line loses the breaks between
/// normal lines (they read back folded into spaces).
public enum GoFolding {
    public static func roundTrip(_ value: String) -> String {
        let bytes = Array(value.utf8)
        func isBreak(_ byte: UInt8) -> Bool { byte == 10 || byte == 13 }
        func isBlank(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 }
        // The block scalar's header, as go-yaml writes it: an indentation indicator when the
        // value starts with a space or a break, and the chomping its last breaks need.
        var header = ">"
        if let first = bytes.first, isBlank(first) || isBreak(first) { header += "2" }
        if let last = bytes.last, isBreak(last) {
            if bytes.count == 1 || isBreak(bytes[bytes.count - 2]) { header += "+" }
        } else {
            header += "-"
        }
        // go-yaml's test, made once: the first character after the value's leading breaks.
        var start = 0
        while start < bytes.count, isBreak(bytes[start]) { start += 1 }
        let extraBreaks = start < bytes.count && !isBlank(bytes[start])
        var text: [UInt8] = Array("k: \(header)\n".utf8)
        var atLineStart = true
        var breaks = true
        var leadingSpaces = true
        for byte in bytes {
            if isBreak(byte) {
                if !breaks, !leadingSpaces, byte == 10, extraBreaks { text.append(10) }
                text.append(10)
                atLineStart = true
                breaks = true
            } else {
                if breaks {
                    if !atLineStart { text.append(10) }
                    text.append(contentsOf: [32, 32])
                    leadingSpaces = isBlank(byte)
                }
                text.append(byte)
                atLineStart = false
                breaks = false
            }
        }
        if text.last != 10 { text.append(10) }
        let written = String(decoding: text, as: UTF8.self)
        guard let document = try? YAMLParser.parseDocument(written, file: ""), let read = document["k"]?.scalar?.value else {
            return value
        }
        return read
    }
}
