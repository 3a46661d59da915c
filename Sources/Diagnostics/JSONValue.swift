/// The one JSON writer: objects keep their members in the order given, because every JSON
/// gitopsc writes (diagnostics, the environment JSON Schema, the diff) is read by people too.
public indirect enum JSONValue: Sendable {
    case string(String)
    /// A number already in its JSON spelling (`3`, `-1.5`).
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func integer(_ number: Int) -> JSONValue { .number(String(number)) }

    /// Two-space indented text with no final line break. With `inlineScalarArrays`, arrays
    /// holding only scalars (type lists, enums) stay on one line. With `foundationLayout`,
    /// the text is laid out as Foundation's pretty-printing `JSONEncoder` lays it out: ` : `
    /// after a member's name, and an empty array over three lines.
    public func rendered(inlineScalarArrays: Bool = false, foundationLayout: Bool = false) -> String {
        // Written as bytes: appending to a `String` cost hundreds of instructions a call, and
        // a manifest lists every rendered path.
        var output: [UInt8] = []
        write(indent: 0, inlineScalarArrays: inlineScalarArrays, foundationLayout: foundationLayout, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// `indent` is the number of spaces before the value's closing bracket.
    private func write(indent: Int, inlineScalarArrays: Bool, foundationLayout: Bool, to output: inout [UInt8]) {
        switch self {
        case .string(let text): JSONValue.appendQuoted(text, to: &output)
        case .number(let text): JSONValue.append(text, to: &output)
        case .bool(let flag): JSONValue.append(flag ? "true" : "false", to: &output)
        case .null: JSONValue.append("null", to: &output)
        case .array(let items):
            guard !items.isEmpty else {
                if foundationLayout {
                    JSONValue.append("[\n\n", to: &output)
                    JSONValue.appendSpaces(indent, to: &output)
                    JSONValue.append("]", to: &output)
                } else {
                    JSONValue.append("[]", to: &output)
                }
                return
            }
            if inlineScalarArrays, items.allSatisfy(\.isScalar) {
                JSONValue.append("[", to: &output)
                for (index, item) in items.enumerated() {
                    if index > 0 { JSONValue.append(", ", to: &output) }
                    item.write(indent: indent, inlineScalarArrays: true, foundationLayout: foundationLayout, to: &output)
                }
                JSONValue.append("]", to: &output)
                return
            }
            JSONValue.append("[\n", to: &output)
            for (index, item) in items.enumerated() {
                JSONValue.appendSpaces(indent + 2, to: &output)
                item.write(indent: indent + 2, inlineScalarArrays: inlineScalarArrays, foundationLayout: foundationLayout, to: &output)
                JSONValue.append(index == items.count - 1 ? "\n" : ",\n", to: &output)
            }
            JSONValue.appendSpaces(indent, to: &output)
            JSONValue.append("]", to: &output)
        case .object(let members):
            guard !members.isEmpty else {
                JSONValue.append("{}", to: &output)
                return
            }
            JSONValue.append("{\n", to: &output)
            for (index, (key, member)) in members.enumerated() {
                JSONValue.appendSpaces(indent + 2, to: &output)
                JSONValue.appendQuoted(key, to: &output)
                JSONValue.append(foundationLayout ? " : " : ": ", to: &output)
                member.write(indent: indent + 2, inlineScalarArrays: inlineScalarArrays, foundationLayout: foundationLayout, to: &output)
                JSONValue.append(index == members.count - 1 ? "\n" : ",\n", to: &output)
            }
            JSONValue.appendSpaces(indent, to: &output)
            JSONValue.append("}", to: &output)
        }
    }

    private static func append(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { output.append(contentsOf: $0) }
    }

    private static func appendSpaces(_ count: Int, to output: inout [UInt8]) {
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count))
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    /// A JSON string literal: quotes, backslashes and the control characters JSON forbids
    /// in a string (below U+0020) escaped, as `JSONEncoder` escapes them.
    public static func quoted(_ text: String) -> String {
        var output: [UInt8] = []
        appendQuoted(text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Byte by byte: every byte JSON escapes is ASCII, and a byte of a longer UTF-8
    /// sequence is never ASCII, so the other bytes are copied as they are.
    private static func appendQuoted(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var plainStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plainStart..<index]))
                plainStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): append("\\\"", to: &output)
                case UInt8(ascii: "\\"): append("\\\\", to: &output)
                case UInt8(ascii: "\n"): append("\\n", to: &output)
                case UInt8(ascii: "\r"): append("\\r", to: &output)
                case UInt8(ascii: "\t"): append("\\t", to: &output)
                case 0x08: append("\\b", to: &output)
                case 0x0C: append("\\f", to: &output)
                default:
                    let hex = String(byte, radix: 16)
                    append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex, to: &output)
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plainStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }
}
