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
    /// holding only scalars (type lists, enums) stay on one line.
    public func rendered(inlineScalarArrays: Bool = false) -> String {
        var output = ""
        write(indent: "", inlineScalarArrays: inlineScalarArrays, to: &output)
        return output
    }

    private func write(indent: String, inlineScalarArrays: Bool, to output: inout String) {
        let inner = indent + "  "
        switch self {
        case .string(let text): output += JSONValue.quoted(text)
        case .number(let text): output += text
        case .bool(let flag): output += flag ? "true" : "false"
        case .null: output += "null"
        case .array(let items):
            guard !items.isEmpty else {
                output += "[]"
                return
            }
            if inlineScalarArrays, items.allSatisfy(\.isScalar) {
                output += "["
                for (index, item) in items.enumerated() {
                    if index > 0 { output += ", " }
                    item.write(indent: inner, inlineScalarArrays: true, to: &output)
                }
                output += "]"
                return
            }
            output += "[\n"
            for (index, item) in items.enumerated() {
                output += inner
                item.write(indent: inner, inlineScalarArrays: inlineScalarArrays, to: &output)
                output += index == items.count - 1 ? "\n" : ",\n"
            }
            output += indent + "]"
        case .object(let members):
            guard !members.isEmpty else {
                output += "{}"
                return
            }
            output += "{\n"
            for (index, (key, member)) in members.enumerated() {
                output += inner + JSONValue.quoted(key) + ": "
                member.write(indent: inner, inlineScalarArrays: inlineScalarArrays, to: &output)
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

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
