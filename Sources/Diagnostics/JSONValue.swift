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
        var output = ""
        write(indent: "", inlineScalarArrays: inlineScalarArrays, foundationLayout: foundationLayout, to: &output)
        return output
    }

    private func write(indent: String, inlineScalarArrays: Bool, foundationLayout: Bool, to output: inout String) {
        switch self {
        case .string(let text): JSONValue.appendQuoted(text, to: &output)
        case .number(let text): output += text
        case .bool(let flag): output += flag ? "true" : "false"
        case .null: output += "null"
        case .array(let items):
            guard !items.isEmpty else {
                output += foundationLayout ? "[\n\n" + indent + "]" : "[]"
                return
            }
            if inlineScalarArrays, items.allSatisfy(\.isScalar) {
                output += "["
                for (index, item) in items.enumerated() {
                    if index > 0 { output += ", " }
                    item.write(indent: indent, inlineScalarArrays: true, foundationLayout: foundationLayout, to: &output)
                }
                output += "]"
                return
            }
            output += "[\n"
            // Made here, not for each value: most values written are strings in an array.
            let inner = indent + "  "
            for (index, item) in items.enumerated() {
                output += inner
                item.write(indent: inner, inlineScalarArrays: inlineScalarArrays, foundationLayout: foundationLayout, to: &output)
                output += index == items.count - 1 ? "\n" : ",\n"
            }
            output += indent + "]"
        case .object(let members):
            guard !members.isEmpty else {
                output += "{}"
                return
            }
            output += "{\n"
            let inner = indent + "  "
            for (index, (key, member)) in members.enumerated() {
                output += inner
                JSONValue.appendQuoted(key, to: &output)
                output += foundationLayout ? " : " : ": "
                member.write(indent: inner, inlineScalarArrays: inlineScalarArrays, foundationLayout: foundationLayout, to: &output)
                output += index == members.count - 1 ? "\n" : ",\n"
            }
            output += indent + "}"
        }
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
        var result = ""
        appendQuoted(text, to: &result)
        return result
    }

    private static func appendQuoted(_ text: String, to result: inout String) {
        result += "\""
        // Most strings (names, paths) need no escape at all; their bytes are looked at in
        // place (a manifest lists every rendered path).
        var bytes = text
        if bytes.withUTF8({ $0.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") } }) {
            result += text
            result += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        result += "\""
    }
}
