import Diagnostics
import FoundationEssentials
import YAML

/// One node of the environment spec's schema.
///
/// The schema is declared once, as data (`EnvironmentSchema.spec`); the loader validates
/// files against it and `EnvironmentSchema.jsonSchemaText()` publishes it, so the published
/// JSON Schema cannot disagree with what the loader accepts.
public struct SchemaNode: Sendable {
    public indirect enum Kind: Sendable {
        case string
        case bool
        case integer
        /// Fixed fields; any other key is an error. `exactlyOne` names fields of which
        /// exactly one must be set (empty when there is no such rule).
        case object([SchemaField], exactlyOne: [String])
        /// Any keys (checked against `keys` when given), every value of one schema.
        case map(keys: ValuePattern?, values: SchemaNode)
        case list(SchemaNode)
        /// Data the spec passes through unchecked (a mapping or a list).
        case freeFormMapping
        case freeFormList
    }

    public var kind: Kind
    public var description: String
    /// The only values a string may take, when not empty.
    public var allowed: [String]
    public var defaultValue: SchemaDefault?
    public var pattern: ValuePattern?
    /// For objects with an `exactlyOne` rule: an object that sets this key and none of
    /// those fields changes an inherited object of the same name, so the rule is waived.
    public var overrideKey: String?

    public init(
        _ kind: Kind, description: String, allowed: [String] = [],
        defaultValue: SchemaDefault? = nil, pattern: ValuePattern? = nil, overrideKey: String? = nil
    ) {
        self.kind = kind
        self.description = description
        self.allowed = allowed
        self.defaultValue = defaultValue
        self.pattern = pattern
        self.overrideKey = overrideKey
    }

    /// A short word for messages: what a value of this schema must be.
    var expectation: String {
        switch kind {
        case .string: return "a string"
        case .bool: return "a bool"
        case .integer: return "an int"
        case .object, .map, .freeFormMapping: return "a mapping"
        case .list, .freeFormList: return "a sequence"
        }
    }
}

public struct SchemaField: Sendable {
    public var name: String
    public var schema: SchemaNode

    public init(_ name: String, _ schema: SchemaNode) {
        self.name = name
        self.schema = schema
    }
}

public enum SchemaDefault: Sendable, Equatable {
    case string(String)
    case bool(Bool)
    case integer(Int)

    public var node: Node {
        switch self {
        case .string(let value): return .string(value)
        case .bool(let value): return .scalar(value ? "true" : "false")
        case .integer(let value): return .scalar(String(value))
        }
    }
}

/// A regular expression a string must match (written in the common subset of ICU and
/// ECMA-262, so that the loader and JSON Schema validators agree), with the diagnostic
/// code and the words used when it does not.
public struct ValuePattern: Sendable {
    public let regex: String
    public var code: String
    /// Completes "'value' is not ...", e.g. "an image pinned by digest (name@sha256:<64 hex digits>)".
    public var expectation: String

    /// Compiled once: the patterns are the schema's own, and each checks every environment.
    private let compiled: Pattern

    public init(regex: String, code: String, expectation: String) {
        self.regex = regex
        self.code = code
        self.expectation = expectation
        guard let compiled = Pattern(regex) else { preconditionFailure("the schema's pattern \(regex) does not compile") }
        self.compiled = compiled
    }

    public func matches(_ text: String) -> Bool {
        compiled.matches(text)
    }
}
