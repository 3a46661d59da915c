import Diagnostics
import FoundationEssentials
import YAML

/// One node of an OpenAPI v3 schema as the API server reads a CustomResourceDefinition's
/// structural schema, decoded once from YAML into typed fields. Immutable and shared by
/// every object validated against it.
public final class StructuralSchema: Sendable {
    public enum ValueType: String, Sendable {
        case object, array, string, integer, number, boolean
    }

    /// What fields a mapping may hold beyond `properties`.
    public enum Additional: Sendable {
        /// Not said: a structural object with a `type` prunes (and strict validation
        /// reports) every undeclared field; inside `anyOf`/`oneOf`/`allOf` nothing is said.
        case unspecified
        case any
        case none
        case schema(StructuralSchema)
    }

    let type: ValueType?
    let properties: [String: StructuralSchema]
    let additional: Additional
    let items: StructuralSchema?
    let required: [String]
    let allowed: [Node]?
    /// Compiled when first matched (`Pattern` keeps it): most patterns of a CRD are never used.
    let patternText: String?
    let minLength: Int?, maxLength: Int?
    let minItems: Int?, maxItems: Int?
    let minProperties: Int?, maxProperties: Int?
    let minimum: Double?, maximum: Double?
    let exclusiveMinimum: Bool, exclusiveMaximum: Bool
    let multipleOf: Double?
    let uniqueItems: Bool
    let format: String?
    let nullable: Bool
    let defaultValue: Node?
    let intOrString: Bool
    let preservesUnknownFields: Bool
    let embeddedResource: Bool
    let listType: String?
    let listMapKeys: [String]
    let anyOf: [StructuralSchema], oneOf: [StructuralSchema], allOf: [StructuralSchema]
    let not: StructuralSchema?
    /// Keys of a mapping must match this (ObjectMeta's label and annotation keys).
    let keyPattern: String?
    /// Said instead of "does not match pattern" (ObjectMeta's names and labels).
    let patternMessage: String?

    /// Whether undeclared fields of a mapping are refused.
    var rejectsUnknownFields: Bool {
        switch additional {
        case .none: return true
        case .unspecified: return strictWhenUnspecified
        case .any, .schema: return false
        }
    }
    private let strictWhenUnspecified: Bool

    /// A null in this field is kept (and valid) rather than pruned.
    var acceptsNull: Bool { nullable || (preservesUnknownFields && type == nil) }

    init(
        type: ValueType? = nil, properties: [String: StructuralSchema] = [:], additional: Additional = .unspecified,
        items: StructuralSchema? = nil, required: [String] = [], allowed: [Node]? = nil,
        pattern: String? = nil, patternMessage: String? = nil, keyPattern: String? = nil,
        minLength: Int? = nil, maxLength: Int? = nil, minItems: Int? = nil, maxItems: Int? = nil,
        minProperties: Int? = nil, maxProperties: Int? = nil, minimum: Double? = nil, maximum: Double? = nil,
        exclusiveMinimum: Bool = false, exclusiveMaximum: Bool = false, multipleOf: Double? = nil,
        uniqueItems: Bool = false, format: String? = nil, nullable: Bool = false, defaultValue: Node? = nil,
        intOrString: Bool = false, preservesUnknownFields: Bool = false, embeddedResource: Bool = false,
        listType: String? = nil, listMapKeys: [String] = [],
        anyOf: [StructuralSchema] = [], oneOf: [StructuralSchema] = [], allOf: [StructuralSchema] = [],
        not: StructuralSchema? = nil, inJunction: Bool = false
    ) {
        self.type = type
        self.properties = properties
        self.additional = additional
        self.items = items
        self.required = required
        self.allowed = allowed
        self.patternText = pattern
        self.patternMessage = patternMessage
        self.keyPattern = keyPattern
        self.minLength = minLength
        self.maxLength = maxLength
        self.minItems = minItems
        self.maxItems = maxItems
        self.minProperties = minProperties
        self.maxProperties = maxProperties
        self.minimum = minimum
        self.maximum = maximum
        self.exclusiveMinimum = exclusiveMinimum
        self.exclusiveMaximum = exclusiveMaximum
        self.multipleOf = multipleOf
        self.uniqueItems = uniqueItems
        self.format = format
        self.nullable = nullable
        self.defaultValue = defaultValue
        self.intOrString = intOrString
        self.preservesUnknownFields = preservesUnknownFields
        self.embeddedResource = embeddedResource
        self.listType = listType
        self.listMapKeys = listMapKeys
        self.anyOf = anyOf
        self.oneOf = oneOf
        self.allOf = allOf
        self.not = not
        // The API server prunes undeclared fields of a structural object; a junction's
        // branches only add constraints to the fields declared beside them.
        strictWhenUnspecified = type == .object && !preservesUnknownFields && !inJunction
    }

    /// The field names a did-you-mean may offer.
    public var fieldNames: [String] { properties.keys.sorted() }

    /// The schema of a field of this mapping, declared or through `additionalProperties`.
    public func field(_ name: String) -> StructuralSchema? {
        if let declared = properties[name] { return declared }
        if case .schema(let values) = additional { return values }
        return nil
    }

    /// Decodes an OpenAPI v3 schema node. `resolve` turns a `$ref` into its target (OpenAPI
    /// documents of built-in kinds use them; CRD schemas may not).
    /// In an OpenAPI document of built-in kinds (`openAPIDocument`), an object without
    /// declared fields holds anything (RawExtension), and `format: int-or-string` is
    /// IntOrString.
    static func decode(
        _ node: Node, file: String, inJunction: Bool = false, openAPIDocument: Bool = false,
        resolve: (Node) throws(Diagnostic) -> StructuralSchema? = { _ in nil }
    ) throws(Diagnostic) -> StructuralSchema {
        guard node.isMapping else {
            throw Diagnostic.error("schemas.invalid", "a schema must be a mapping, found a \(node.kindName)", at: node.mark.location)
        }
        // One pass over the keys: a schema node has a dozen of them, looked up thirty times.
        var keyword: [String: Node] = [:]
        for entry in node.entries ?? [] { keyword[entry.name] = entry.value }
        if let reference = keyword["$ref"], let target = try resolve(reference) { return target }
        func child(_ value: Node, junction: Bool = false) throws(Diagnostic) -> StructuralSchema {
            try decode(value, file: file, inJunction: junction, openAPIDocument: openAPIDocument, resolve: resolve)
        }
        func list(_ key: String) throws(Diagnostic) -> [StructuralSchema] {
            var result: [StructuralSchema] = []
            for item in keyword[key]?.items ?? [] { result.append(try child(item, junction: true)) }
            return result
        }
        func integer(_ key: String) -> Int? { keyword[key]?.integerValue.flatMap { Int(exactly: $0) } }
        func number(_ key: String) -> Double? { keyword[key]?.text.flatMap { ScalarType.parseFloat($0) } }
        func flag(_ key: String) -> Bool { keyword[key]?.boolValue ?? false }

        var properties: [String: StructuralSchema] = [:]
        for entry in keyword["properties"]?.entries ?? [] { properties[entry.name] = try child(entry.value) }
        var additional = Additional.unspecified
        if let value = keyword["additionalProperties"] {
            if value.isMapping {
                additional = .schema(try child(value))
            } else if let allowed = value.boolValue {
                additional = allowed ? .any : .none
            }
        }
        let embedded = flag("x-kubernetes-embedded-resource")
        if embedded {
            // An embedded object's identity fields are always allowed, whatever its schema says.
            for name in ["apiVersion", "kind"] where properties[name] == nil { properties[name] = StructuralSchema(type: .string) }
            if properties["metadata"] == nil { properties["metadata"] = StructuralSchema(type: .object, additional: .any) }
        }
        let intOrString = flag("x-kubernetes-int-or-string") || (openAPIDocument && keyword["format"]?.text == "int-or-string")
        if openAPIDocument, keyword["properties"] == nil, keyword["additionalProperties"] == nil, keyword["type"]?.text == "object" {
            additional = .any
        }
        // An exclusive bound is OpenAPI 3.0's boolean beside minimum/maximum.
        let exclusiveMinimum = flag("exclusiveMinimum") && keyword["minimum"] != nil
        let exclusiveMaximum = flag("exclusiveMaximum") && keyword["maximum"] != nil
        return StructuralSchema(
            type: intOrString ? nil : keyword["type"]?.text.flatMap(ValueType.init(rawValue:)),
            properties: properties,
            additional: additional,
            items: try keyword["items"].flatMap { item throws(Diagnostic) in item.isMapping ? try child(item) : nil },
            required: keyword["required"]?.items?.compactMap(\.text) ?? [],
            allowed: keyword["enum"]?.items,
            pattern: keyword["pattern"]?.text,
            minLength: integer("minLength"), maxLength: integer("maxLength"),
            minItems: integer("minItems"), maxItems: integer("maxItems"),
            minProperties: integer("minProperties"), maxProperties: integer("maxProperties"),
            minimum: number("minimum"), maximum: number("maximum"),
            exclusiveMinimum: exclusiveMinimum, exclusiveMaximum: exclusiveMaximum,
            multipleOf: number("multipleOf"),
            uniqueItems: flag("uniqueItems"),
            format: keyword["format"]?.text,
            nullable: flag("nullable"),
            defaultValue: keyword["default"],
            intOrString: intOrString,
            preservesUnknownFields: flag("x-kubernetes-preserve-unknown-fields"),
            embeddedResource: embedded,
            listType: keyword["x-kubernetes-list-type"]?.text,
            listMapKeys: keyword["x-kubernetes-list-map-keys"]?.items?.compactMap(\.text) ?? [],
            anyOf: intOrString ? [] : try list("anyOf"),
            oneOf: intOrString ? [] : try list("oneOf"),
            allOf: intOrString ? [] : try list("allOf"),
            not: try keyword["not"].map { value throws(Diagnostic) in try child(value, junction: true) },
            inJunction: inJunction)
    }

    /// The same schema as the root of a whole object: `apiVersion`, `kind` and `metadata`
    /// required, metadata checked as the API server checks ObjectMeta.
    func asObjectRoot() -> StructuralSchema {
        var properties = self.properties
        properties["metadata"] = ObjectMetaSchema.schema
        for name in ["apiVersion", "kind"] where properties[name] == nil { properties[name] = StructuralSchema(type: .string) }
        return StructuralSchema(
            type: type, properties: properties, additional: additional, items: items,
            required: Array(Set(required).union(["apiVersion", "kind", "metadata"])).sorted(), allowed: allowed,
            pattern: patternText, minProperties: minProperties, maxProperties: maxProperties,
            nullable: nullable, defaultValue: defaultValue, preservesUnknownFields: preservesUnknownFields,
            embeddedResource: embeddedResource, anyOf: anyOf, oneOf: oneOf, allOf: allOf, not: not)
    }
}
