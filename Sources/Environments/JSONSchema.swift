import Diagnostics
extension EnvironmentSchema {
    /// The JSON Schema (draft 2020-12) of an environment file, as shipped in
    /// `schema/environment.schema.json`: generated from `spec`, with a fixed key order
    /// and layout so that the file only changes when the model does.
    public static func jsonSchemaText() -> String {
        guard case .object(var entries) = json(spec, inList: false, nullable: false) else { return "" }
        entries.insert(contentsOf: [
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("title", .string("gitopsc environment")),
        ], at: 0)
        return JSONValue.object(entries).rendered(inlineScalarArrays: true) + "\n"
    }

    /// `nullable`: `null` is allowed wherever it deletes an inherited key, that is
    /// everywhere merging happens, which is everywhere but inside list items.
    static func json(_ node: SchemaNode, inList: Bool, nullable: Bool) -> JSONValue {
        var object: [(String, JSONValue)] = [("description", .string(node.description))]
        func type(_ name: String) {
            object.append(("type", nullable ? .array([.string(name), .string("null")]) : .string(name)))
        }
        switch node.kind {
        case .string:
            type("string")
            if !node.allowed.isEmpty {
                object.append(("enum", .array(node.allowed.map(JSONValue.string) + (nullable ? [.null] : []))))
            }
            if let pattern = node.pattern {
                object.append(("pattern", .string(pattern.regex)))
            }
        case .bool:
            type("boolean")
        case .integer:
            type("integer")
        case .object(let fields, let exactlyOne):
            type("object")
            object.append(("properties", .object(fields.map { ($0.name, json($0.schema, inList: inList, nullable: !inList)) })))
            object.append(("additionalProperties", .bool(false)))
            if !exactlyOne.isEmpty {
                func required(_ name: String) -> JSONValue { .object([("required", .array([.string(name)]))]) }
                var choices = exactlyOne.map(required)
                if let key = node.overrideKey {
                    choices.append(.object([("required", .array([.string(key)])), ("not", .object([("anyOf", .array(choices))]))]))
                }
                object.append(("oneOf", .array(choices)))
            }
        case .map(let keys, let values):
            type("object")
            if let keys {
                object.append(("propertyNames", .object([("pattern", .string(keys.regex))])))
            }
            object.append(("additionalProperties", json(values, inList: inList, nullable: !inList)))
        case .list(let item):
            type("array")
            object.append(("items", json(item, inList: true, nullable: false)))
        case .freeFormMapping:
            type("object")
        case .freeFormList:
            type("array")
        }
        if let value = node.defaultValue {
            switch value {
            case .string(let text): object.append(("default", .string(text)))
            case .bool(let flag): object.append(("default", .bool(flag)))
            case .integer(let number): object.append(("default", .integer(number)))
            }
        }
        return .object(object)
    }
}
