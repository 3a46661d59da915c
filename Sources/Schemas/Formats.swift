import Diagnostics
import FoundationEssentials
import YAML

/// The OpenAPI `format`s whose values the API server checks. Other formats are
/// documentation only and pass.
enum Formats {
    /// RFC 3339, as Go's time.RFC3339 parses it.
    static let dateTime = Pattern(#"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"#)!
    static let base64 = Pattern(#"^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"#)!

    static func valid(_ text: String, format: String) -> Bool {
        switch format {
        case "date-time": return dateTime.matches(text)
        case "byte": return base64.matches(text)
        default: return true
        }
    }

    /// Integer formats bound the value's size.
    static func valid(integer value: Node, format: String) -> Bool {
        switch format {
        case "int32": return value.integerValue.map { Int32(exactly: $0) != nil } ?? false
        case "int64": return value.integerValue != nil
        default: return true
        }
    }
}
