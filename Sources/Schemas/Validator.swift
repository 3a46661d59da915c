import Diagnostics
import FoundationEssentials
import YAML

/// One step of a path into an object: a mapping key or a list index.
public enum PathStep: Hashable, Sendable {
    case key(String)
    case index(Int)

    /// `spec.containers[0].name`; keys that are not plain words are bracketed and quoted
    /// (`metadata.annotations['argocd.argoproj.io/sync-wave']`), the JSONPath style
    /// kubectl prints.
    public static func format(_ path: [PathStep]) -> String {
        var text = ""
        for step in path {
            switch step {
            case .index(let index): text += "[\(index)]"
            case .key(let key):
                if isPlain(key) {
                    text += (text.isEmpty ? "" : ".") + key
                } else {
                    text += "['" + key.replacing("'", with: "\\'") + "']"
                }
            }
        }
        return text
    }

    /// A key printed without brackets: a letter, `_` or `$`, then letters, digits, `_`,
    /// `$` or `-`.
    private static func isPlain(_ key: String) -> Bool {
        func letter(_ byte: UInt8) -> Bool { ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) || byte == 0x5F || byte == 0x24 }
        guard let first = key.utf8.first, letter(first) else { return false }
        return key.utf8.dropFirst().allSatisfy { letter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }
}

/// A value of an object that its schema refuses.
public struct SchemaProblem: Hashable, Sendable {
    /// Where in the object, from its root.
    public var path: [PathStep]
    public var message: String
    /// The source position of the value (or of its nearest parent that has one).
    public var location: SourceLocation?
    /// A field the schema does not declare: an error under strict field validation, a
    /// warning with `--allow-unknown-fields` (the API server would drop it).
    public var isUnknownField: Bool

    public var pathText: String { PathStep.format(path) }
}

/// Validation of one value against a structural schema, the way the API server does it:
/// nulls in fields that are not nullable are pruned and defaults applied first, then every
/// keyword is checked and every problem reported (not just the first).
struct Validator {
    private(set) var problems: [SchemaProblem] = []
    private var path: [PathStep] = []

    /// The value with defaults applied, and the problems found in it.
    static func validate(_ value: Node, against schema: StructuralSchema) -> (defaulted: Node, problems: [SchemaProblem]) {
        var validator = Validator()
        let defaulted = applyingDefaults(value, schema)
        validator.check(defaulted, schema, mark: value.mark)
        return (defaulted, validator.problems)
    }

    // MARK: Defaults

    /// Nulls in non-nullable fields are dropped (or replaced by the field's default), and
    /// missing fields that have a default get it, through properties, map values and items.
    /// A default takes the mark of the mapping it is added to, so that problems in it point
    /// at the object where it went in.
    static func applyingDefaults(_ value: Node, _ schema: StructuralSchema) -> Node {
        switch value.content {
        case .mapping(let entries):
            var result: [MappingEntry] = []
            result.reserveCapacity(entries.count)
            for entry in entries {
                guard let field = schema.field(entry.name) else {
                    result.append(entry)
                    continue
                }
                var value = entry.value
                if value.isNull && !field.acceptsNull {
                    guard let fallback = field.defaultValue else { continue }
                    value = marked(fallback, entry.value.mark)
                }
                result.append(MappingEntry(key: entry.key, value: applyingDefaults(value, field)))
            }
            for name in schema.properties.keys.sorted() where !entries.contains(where: { $0.name == name }) {
                guard let field = schema.properties[name], let fallback = field.defaultValue else { continue }
                result.append(MappingEntry(key: .scalar(name, mark: value.mark), value: applyingDefaults(marked(fallback, value.mark), field)))
            }
            return Node(.mapping(result), mark: value.mark)
        case .sequence(let items):
            guard let item = schema.items else { return value }
            return Node(.sequence(items.map { applyingDefaults($0, item) }), mark: value.mark)
        case .scalar:
            return value
        }
    }

    /// A schema default carries the CRD file's marks; it takes the object's position instead.
    private static func marked(_ node: Node, _ mark: Mark) -> Node {
        var copy = node
        copy.mark = mark
        switch node.content {
        case .scalar: break
        case .sequence(let items): copy.content = .sequence(items.map { marked($0, mark) })
        case .mapping(let entries):
            copy.content = .mapping(entries.map { MappingEntry(key: marked($0.key, mark), value: marked($0.value, mark)) })
        }
        return copy
    }

    // MARK: Keywords

    private mutating func report(_ message: String, at mark: Mark, unknown: Bool = false) {
        problems.append(SchemaProblem(path: path, message: message, location: mark.location, isUnknownField: unknown))
    }

    /// `parentMark`: the position of the key holding the value (or the nearest one known),
    /// for values (such as defaults) that have none and for fields missing from a mapping.
    private mutating func check(_ value: Node, _ schema: StructuralSchema, mark parentMark: Mark) {
        let mark = value.mark.location == nil ? parentMark : value.mark
        let type = JSONType.of(value)
        if type == .null && schema.acceptsNull { return }
        if schema.intOrString {
            if type != .string && !type.isInteger(value) {
                report("must be an integer or a string, got \(type.name) \(JSONType.shown(value))", at: mark)
            }
        } else if let expected = schema.type, !type.matches(expected, value) {
            report("expected \(expected.rawValue), got \(type.name) \(JSONType.shown(value))", at: mark)
        }
        if let allowed = schema.allowed, !allowed.contains(where: { JSONType.equal($0, value) }) {
            let choices = allowed.map { JSONType.shown($0) }.joined(separator: ", ")
            report("\(JSONType.shown(value)) is not one of the allowed values: \(choices)", at: mark)
        }
        switch value.content {
        case .scalar:
            if type == .string, let text = value.scalar?.value { checkString(text, schema, mark: mark) }
            if type == .integer || type == .number { checkNumber(value, schema, mark: mark) }
        case .mapping(let entries):
            checkMapping(entries, schema, mark: mark, keyMark: parentMark.location == nil ? mark : parentMark)
        case .sequence(let items):
            checkSequence(items, schema, mark: mark)
        }
        checkJunctions(value, schema, mark: mark)
    }

    private mutating func checkString(_ text: String, _ schema: StructuralSchema, mark: Mark) {
        let length = text.unicodeScalars.count
        if let maximum = schema.maxLength, length > maximum {
            report(schema.patternMessage.map { "'\(text)' \($0)" } ?? "is longer than \(maximum) characters", at: mark)
        }
        if let minimum = schema.minLength, length < minimum {
            report("is shorter than \(minimum) characters", at: mark)
        }
        if let pattern = schema.patternText, !(Pattern(pattern)?.matches(text) ?? false) {
            report(schema.patternMessage.map { "'\(text)' \($0)" } ?? "'\(text)' does not match the pattern \(schema.patternText ?? "")", at: mark)
        }
        if let format = schema.format, !Formats.valid(text, format: format) {
            report("'\(text)' is not a valid \(format)", at: mark)
        }
    }


    private mutating func checkNumber(_ value: Node, _ schema: StructuralSchema, mark: Mark) {
        guard let text = value.scalar?.value, let number = JSONType.number(value) else { return }
        if let minimum = schema.minimum, schema.exclusiveMinimum ? number <= minimum : number < minimum {
            report("\(text) is less than \(schema.exclusiveMinimum ? "or equal to " : "the minimum ")\(JSONType.shown(minimum))", at: mark)
        }
        if let maximum = schema.maximum, schema.exclusiveMaximum ? number >= maximum : number > maximum {
            report("\(text) is greater than \(schema.exclusiveMaximum ? "or equal to " : "the maximum ")\(JSONType.shown(maximum))", at: mark)
        }
        if let divisor = schema.multipleOf, divisor > 0, (number / divisor).rounded() != number / divisor {
            report("\(text) is not a multiple of \(JSONType.shown(divisor))", at: mark)
        }
        if let format = schema.format, value.type == .int, !Formats.valid(integer: value, format: format) {
            report("\(text) is out of range for \(format)", at: mark)
        }
    }

    /// A missing field is reported at `keyMark`, the key of the mapping that lacks it.
    private mutating func checkMapping(_ entries: [MappingEntry], _ schema: StructuralSchema, mark: Mark, keyMark: Mark) {
        for name in schema.required where !entries.contains(where: { $0.name == name }) {
            path.append(.key(name))
            report("missing required field '\(name)'", at: keyMark)
            path.removeLast()
        }
        if let maximum = schema.maxProperties, entries.count > maximum {
            report("has \(counted(entries.count, "field")), more than \(maximum)", at: mark)
        }
        if let minimum = schema.minProperties, entries.count < minimum {
            report("has \(counted(entries.count, "field")), fewer than \(minimum)", at: mark)
        }
        for entry in entries {
            path.append(.key(entry.name))
            if let keyPattern = schema.keyPattern, !(Pattern(keyPattern)?.matches(entry.name) ?? false) {
                report("'\(entry.name)' is not a valid key (an optional DNS subdomain prefix and '/', then at most 63 characters of A-Z, a-z, 0-9, '-', '_', '.')", at: entry.key.mark.location == nil ? mark : entry.key.mark)
            }
            if let field = schema.field(entry.name) {
                check(entry.value, field, mark: entry.key.mark.location == nil ? mark : entry.key.mark)
            } else if schema.rejectsUnknownFields {
                var message = "unknown field '\(entry.name)'"
                if let suggestion = closestMatch(to: entry.name, in: schema.properties.keys) {
                    message += "; did you mean '\(suggestion)'?"
                }
                report(message, at: entry.key.mark.location == nil ? mark : entry.key.mark, unknown: true)
            }
            path.removeLast()
        }
    }

    private mutating func checkSequence(_ items: [Node], _ schema: StructuralSchema, mark: Mark) {
        if let maximum = schema.maxItems, items.count > maximum {
            report("has \(counted(items.count, "item")), more than \(maximum)", at: mark)
        }
        if let minimum = schema.minItems, items.count < minimum {
            report("has \(counted(items.count, "item")), fewer than \(minimum)", at: mark)
        }
        if let item = schema.items {
            for (index, value) in items.enumerated() {
                path.append(.index(index))
                check(value, item, mark: value.mark.location == nil ? mark : value.mark)
                path.removeLast()
            }
        }
        if schema.uniqueItems || schema.listType == "set" {
            for index in items.indices {
                guard let first = items[..<index].firstIndex(where: { JSONType.equal($0, items[index]) }) else { continue }
                path.append(.index(index))
                report("duplicate entry \(JSONType.shown(items[index])) (first at index \(first)); the list is a set", at: items[index].mark.location == nil ? mark : items[index].mark)
                path.removeLast()
            }
        }
        if schema.listType == "map" {
            var seen: [[String]: Int] = [:]
            for (index, item) in items.enumerated() {
                guard let entries = item.entries else { continue }
                path.append(.index(index))
                let itemMark = item.mark.location == nil ? mark : item.mark
                let missing = schema.listMapKeys.filter { key in !entries.contains { $0.name == key } }
                if !missing.isEmpty {
                    report("list-map key\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", ")) missing", at: itemMark)
                } else {
                    let key = schema.listMapKeys.map { name in item[name].map(JSONType.identity) ?? "" }
                    if let first = seen[key] {
                        let shown = schema.listMapKeys.map { "\($0)=\(item[$0].map(JSONType.shown) ?? "")" }.joined(separator: ", ")
                        report("duplicate entry for key \(shown) (first at index \(first))", at: itemMark)
                    } else {
                        seen[key] = index
                    }
                }
                path.removeLast()
            }
        }
    }

    private mutating func checkJunctions(_ value: Node, _ schema: StructuralSchema, mark: Mark) {
        for branch in schema.allOf { check(value, branch, mark: mark) }
        func passes(_ branch: StructuralSchema) -> Bool {
            var inner = Validator()
            inner.check(value, branch, mark: mark)
            return inner.problems.isEmpty
        }
        if !schema.anyOf.isEmpty, !schema.anyOf.contains(where: passes) {
            report(Self.junctionMessage(schema.anyOf, "any"), at: mark)
        }
        if !schema.oneOf.isEmpty {
            let passing = schema.oneOf.filter(passes).count
            if passing != 1 {
                report(passing == 0 ? Self.junctionMessage(schema.oneOf, "exactly one") : "matches \(passing) of the alternatives; exactly one is allowed", at: mark)
            }
        }
        if let forbidden = schema.not, passes(forbidden) {
            report("matches a shape the schema forbids", at: mark)
        }
    }

    /// Alternatives that only require fields (ObjectMeta's name or generateName, a CRD's
    /// "one of these fields") are named by their fields.
    private static func junctionMessage(_ branches: [StructuralSchema], _ quantity: String) -> String {
        let fields = branches.map(\.required)
        if fields.allSatisfy({ !$0.isEmpty }) {
            return "needs \(quantity == "any" ? "one" : "exactly one") of: " + fields.map { $0.joined(separator: " and ") }.joined(separator: "; ")
        }
        return "does not match \(quantity) of the \(branches.count) allowed shapes"
    }
}

/// The JSON type a YAML value has once read the way the API server reads it.
enum JSONType: Equatable {
    case object, array, string, integer, number, boolean, null

    static func of(_ value: Node) -> JSONType {
        switch value.content {
        case .mapping: return .object
        case .sequence: return .array
        case .scalar:
            switch value.type {
            case .int: return .integer
            case .float: return .number
            case .bool: return .boolean
            case .null: return .null
            case .string, .binary, .none: return .string
            }
        }
    }

    var name: String {
        switch self {
        case .object: return "object"
        case .array: return "array"
        case .string: return "string"
        case .integer: return "integer"
        case .number: return "number"
        case .boolean: return "boolean"
        case .null: return "null"
        }
    }

    /// JSON Schema counts a number with no fractional part (`2.0`) as an integer.
    func isInteger(_ value: Node) -> Bool {
        if self == .integer { return true }
        guard self == .number, let number = JSONType.number(value) else { return false }
        return number.isFinite && number.rounded() == number
    }

    func matches(_ expected: StructuralSchema.ValueType, _ value: Node) -> Bool {
        switch expected {
        case .object: return self == .object
        case .array: return self == .array
        case .string: return self == .string
        case .boolean: return self == .boolean
        case .integer: return isInteger(value)
        case .number: return self == .integer || self == .number
        }
    }

    static func number(_ value: Node) -> Double? {
        guard let text = value.scalar?.value else { return nil }
        if value.type == .int {
            return value.integerValue.map(Double.init) ?? Double(ScalarType.canonical(text, as: .int))
        }
        return value.type == .float ? ScalarType.parseFloat(text) : nil
    }

    /// Equality of JSON values: numbers by value, mappings whatever their key order.
    static func equal(_ a: Node, _ b: Node) -> Bool {
        let (typeA, typeB) = (of(a), of(b))
        if (typeA == .integer || typeA == .number) && (typeB == .integer || typeB == .number) {
            return number(a) == number(b)
        }
        return typeA == typeB && a == b
    }

    /// A text equal for equal values, for keys of list-map entries.
    static func identity(_ value: Node) -> String {
        let type = of(value)
        if type == .integer || type == .number { return "n:" + (number(value).map { "\($0)" } ?? "") }
        return type.name + ":" + (value.scalar?.value ?? "\(value.keys)")
    }

    /// A value as messages quote it.
    static func shown(_ value: Node) -> String {
        switch of(value) {
        case .object: return "a mapping"
        case .array: return "a list"
        case .null: return "null"
        case .string:
            let text = value.scalar?.value ?? ""
            return "'" + (text.count > 60 ? String(text.prefix(57)) + "..." : text) + "'"
        case .integer, .number, .boolean: return value.scalar?.value ?? ""
        }
    }

    static func shown(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
    }
}
