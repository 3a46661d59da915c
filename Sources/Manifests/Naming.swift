/// Kubernetes-safe names and label values derived from environment and component names.
///
/// Environment names are paths (`production/east-1`), so they need mapping before they can
/// name an object or label it. Both mappings are deterministic; text too long for its field is
/// cut and suffixed with a hash of the whole text, so that two long names stay distinct.
public enum KubernetesNames {
    /// A DNS-1123 name: lowercased, every character other than `a-z` and `0-9` becomes `-`
    /// (so `production/east-1` gives `production-east-1`), no `-` at either end, at most
    /// `limit` characters (253 for most objects, 63 where the name is also a DNS label).
    public static func name(_ text: String, limit: Int = 253) -> String {
        let mapped = mappedASCII(text) { byte in
            let lower = isUpperASCII(byte) ? byte | 0x20 : byte
            return isLowerAlphanumericASCII(lower) ? lower : UInt8(ascii: "-")
        } ?? String(text.lowercased().map { isLowerAlphanumeric($0) ? $0 : "-" })
        return fitted(mapped, original: text, limit: limit, separator: "-")
    }

    /// A label value: `/` becomes `.` (so `production/east-1` gives `production.east-1`),
    /// any other character outside `A-Za-z0-9._-` becomes `-`, alphanumeric at both ends,
    /// at most 63 characters.
    public static func labelValue(_ text: String) -> String {
        let mapped = mappedASCII(text) { byte in
            if byte == UInt8(ascii: "/") { return UInt8(ascii: ".") }
            return isLabelByte(byte) ? byte : UInt8(ascii: "-")
        } ?? String(text.map { character -> Character in
            if character == "/" { return "." }
            return isAlphanumeric(character) || character == "." || character == "_" || character == "-" ? character : "-"
        })
        return fitted(mapped, original: text, limit: 63, separator: "-")
    }

    /// Whether `text` is a valid label value as the API server checks it.
    public static func isValidLabelValue(_ text: String) -> Bool {
        text.isEmpty || (text.utf8.count <= 63 && isLabelSegment(text.utf8[...]))
    }

    /// Whether `text` is a valid label or annotation key: an optional DNS-subdomain prefix and
    /// `/`, then a name of at most 63 characters. Every allowed character is ASCII, so the
    /// bytes decide (a non-ASCII byte fails as its character would).
    public static func isValidLabelKey(_ text: String) -> Bool {
        let parts = text.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard let name = parts.last, parts.count <= 2, !name.isEmpty, name.count <= 63, isLabelSegment(name) else { return false }
        guard parts.count == 2 else { return true }
        let prefix = parts[0]
        return !prefix.isEmpty && prefix.count <= 253 && prefix.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && $0.count <= 63 && $0.allSatisfy { isLowerAlphanumericASCII($0) || $0 == UInt8(ascii: "-") }
                && isLowerAlphanumericASCII($0.first!) && isLowerAlphanumericASCII($0.last!)
        }
    }

    private static func isLabelSegment(_ bytes: Substring.UTF8View) -> Bool {
        guard let first = bytes.first, let last = bytes.last, isAlphanumericASCII(first), isAlphanumericASCII(last) else { return false }
        return bytes.allSatisfy(isLabelByte)
    }

    private static func isLabelByte(_ byte: UInt8) -> Bool {
        isAlphanumericASCII(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// The text with each byte mapped, when it is ASCII without a carriage return (so that
    /// each character is one byte; `\r\n` is one character); nil otherwise.
    private static func mappedASCII(_ text: String, _ map: (UInt8) -> UInt8) -> String? {
        guard isPlainASCII(text) else { return nil }
        // Byte by byte from the text's storage into the new string's: every Application's
        // name and labels are made here.
        var text = text
        return text.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: bytes.count) { buffer in
                for index in bytes.indices { buffer[index] = map(bytes[index]) }
                return bytes.count
            }
        }
    }

    /// ASCII without a carriage return (which joins a following line feed into one
    /// character): each byte is one character, so bytes can be mapped, trimmed and counted.
    private static func isPlainASCII(_ text: some StringProtocol) -> Bool {
        let plain = { (byte: UInt8) in byte < 0x80 && byte != UInt8(ascii: "\r") }
        // In place when the bytes are contiguous (every name): a byte at a time through the
        // view cost more than the rest of making a name.
        return text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(plain) } ?? text.utf8.allSatisfy(plain)
    }

    /// Trims non-alphanumerics from both ends; over `limit`, keeps a prefix and appends a hash
    /// of the original text. An empty result (nothing usable in the text) is the hash alone.
    private static func fitted(_ mapped: String, original: String, limit: Int, separator: Character) -> String {
        let plain = isPlainASCII(mapped)
        let trimmed = trimmedToAlphanumerics(Substring(mapped), plainASCII: plain)
        if !trimmed.isEmpty && (plain ? trimmed.utf8.count : trimmed.count) <= limit { return String(trimmed) }
        let hash = fnv1a(original)
        let head = trimmedToAlphanumerics(trimmed.prefix(limit - hash.count - 1), plainASCII: plain)
        return head.isEmpty ? hash : "\(head)\(separator)\(hash)"
    }

    private static func trimmedToAlphanumerics(_ text: Substring, plainASCII: Bool) -> Substring {
        if plainASCII {
            let bytes = text.utf8
            guard let start = bytes.firstIndex(where: isAlphanumericASCII), let end = bytes.lastIndex(where: isAlphanumericASCII) else {
                return ""
            }
            return text[start...end]
        }
        guard let start = text.firstIndex(where: isAlphanumeric), let end = text.lastIndex(where: isAlphanumeric) else {
            return ""
        }
        return text[start...end]
    }

    /// 32-bit FNV-1a as 8 hex digits: stable across runs and platforms, unlike `Hasher`.
    private static func fnv1a(_ text: String) -> String {
        var hash: UInt32 = 0x811c_9dc5
        for byte in text.utf8 {
            hash = (hash ^ UInt32(byte)) &* 0x0100_0193
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    // ASCII only: a range of Characters would also admit combined forms such as `á`.
    private static func isLowerAlphanumeric(_ character: Character) -> Bool {
        character.asciiValue.map(isLowerAlphanumericASCII) ?? false
    }

    private static func isAlphanumeric(_ character: Character) -> Bool {
        character.asciiValue.map(isAlphanumericASCII) ?? false
    }

    private static func isLowerAlphanumericASCII(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isUpperASCII(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isAlphanumericASCII(_ byte: UInt8) -> Bool {
        isLowerAlphanumericASCII(byte) || isUpperASCII(byte)
    }
}
