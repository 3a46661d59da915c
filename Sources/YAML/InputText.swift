import Diagnostics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of YAML input before libyaml reads them: UTF-8 checked with the position of the
/// first bad byte, byte order marks removed where kustomize removes them, and byte offsets
/// turned into line and column (libyaml's reader reports offsets, not marks).
enum InputText {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    static func decode(_ bytes: [UInt8], file: String) throws(Diagnostic) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        let (offset, problem) = firstInvalidSequence(bytes)
        throw Diagnostic.error("yaml.encoding", "invalid UTF-8: \(problem)", at: location(ofByte: offset, in: bytes, file: file))
    }

    /// Where the first ill-formed sequence starts and what is wrong with it (Unicode's table
    /// of well-formed UTF-8, which also refuses overlong forms and surrogates).
    static func firstInvalidSequence(_ bytes: [UInt8]) -> (offset: Int, problem: String) {
        func hex(_ byte: UInt8) -> String {
            "0x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            // The number of continuation bytes, and the range the first one must be in.
            let count: Int
            var first: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0x00...0x7F: count = 0
            case 0xC2...0xDF: count = 1
            case 0xE0: count = 2; first = 0xA0...0xBF
            case 0xED: count = 2; first = 0x80...0x9F
            case 0xE1...0xEF: count = 2
            case 0xF0: count = 3; first = 0x90...0xBF
            case 0xF4: count = 3; first = 0x80...0x8F
            case 0xF1...0xF3: count = 3
            default: return (index, "byte \(hex(lead)) cannot start a character")
            }
            var position = 1
            while position <= count {
                guard index + position < bytes.count else { return (index, "a character is cut short") }
                let byte = bytes[index + position]
                guard (position == 1 ? first : 0x80...0xBF).contains(byte) else {
                    return (index, "byte \(hex(byte)) cannot follow \(hex(lead))")
                }
                position += 1
            }
            index += count + 1
        }
        return (bytes.count, "")
    }

    /// The bytes without a byte order mark where kustomize drops one: at the start of the
    /// input and at the start of a document after a `---` line (kustomize splits the stream
    /// there and reads each part on its own). Anywhere else it is a character of the text.
    static func withoutByteOrderMarks(_ bytes: [UInt8]) -> [UInt8] {
        // Most inputs have no 0xEF byte at all: `memchr` finds that out at memory speed.
        guard bytes.withUnsafeBytes({ $0.baseAddress.flatMap { memchr($0, 0xEF, bytes.count) } }) != nil else { return bytes }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if isByteOrderMark(at: index, in: bytes), index == 0 || followsSeparatorLine(index, in: bytes) {
                index += 3
                continue
            }
            result.append(bytes[index])
            index += 1
        }
        return result
    }

    private static func isByteOrderMark(at index: Int, in bytes: [UInt8]) -> Bool {
        index + 3 <= bytes.count && bytes[index] == 0xEF && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF
    }

    /// Whether the line before `index` is exactly `---`, and `index` starts a line.
    private static func followsSeparatorLine(_ index: Int, in bytes: [UInt8]) -> Bool {
        var end = index
        guard end > 0, bytes[end - 1] == UInt8(ascii: "\n") else { return false }
        end -= 1
        if end > 0, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        guard end >= 3, bytes[(end - 3)..<end].elementsEqual("---".utf8) else { return false }
        return end == 3 || bytes[end - 4] == UInt8(ascii: "\n")
    }

    /// The line and column (1-based, columns in characters as libyaml counts them) of a byte.
    static func location(ofByte offset: Int, in bytes: [UInt8], file: String) -> SourceLocation {
        var line = 1
        var column = 1
        var index = 0
        let end = min(offset, bytes.count)
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && (index + 1 >= bytes.count || bytes[index + 1] != UInt8(ascii: "\n"))) {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 && byte != UInt8(ascii: "\r") {
                column += 1
            }
            index += 1
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    /// The first byte of the character at a 0-based line and column, if there is one.
    static func byte(atLine line: Int, column: Int, in bytes: [UInt8]) -> UInt8? {
        var index = 0
        var remaining = line
        while remaining > 0, index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") || (bytes[index] == UInt8(ascii: "\r") && (index + 1 >= bytes.count || bytes[index + 1] != UInt8(ascii: "\n"))) {
                remaining -= 1
            }
            index += 1
        }
        var characters = 0
        while index < bytes.count {
            if bytes[index] & 0xC0 != 0x80 {
                if characters == column { return bytes[index] }
                characters += 1
            }
            index += 1
        }
        return nil
    }
}
