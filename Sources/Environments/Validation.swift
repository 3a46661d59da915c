import Diagnostics
import YAML

/// Checks one environment file against `EnvironmentSchema.spec`, collecting every problem.
struct SchemaValidator {
    let chain: [String]
    var diagnostics: [Diagnostic] = []

    init(chain: [String]) {
        self.chain = chain
    }

    /// `path` is how messages name the value (`operator.channel`, `patches[0].target`);
    /// `inList` is set below list items, where `null` cannot mean "delete an inherited key"
    /// because list items are never merged.
    mutating func validate(_ node: Node, _ schema: SchemaNode, path: String, inList: Bool = false) {
        if node.isNull {
            if inList { wrongType(node, schema, path) }
            return
        }
        switch schema.kind {
        case .string:
            guard node.type == .string, let text = node.scalar?.value else { return wrongType(node, schema, path) }
            if !schema.allowed.isEmpty, !schema.allowed.contains(text) {
                var message = "\(path): '\(text)' is not one of \(schema.allowed.joined(separator: ", "))"
                if let suggestion = closestMatch(to: text, in: schema.allowed) {
                    message += "; did you mean '\(suggestion)'?"
                }
                report("environment.invalid-value", message, at: node.mark)
            }
            if let pattern = schema.pattern, !pattern.matches(text) {
                report(pattern.code, "\(path): '\(text)' is not \(pattern.expectation)", at: node.mark)
            }
        case .bool:
            if node.type != .bool { wrongType(node, schema, path) }
        case .integer:
            if node.type != .int { wrongType(node, schema, path) }
        case .object(let fields, let exactlyOne):
            guard let entries = node.entries else { return wrongType(node, schema, path) }
            for entry in entries {
                guard let field = fields.first(where: { $0.name == entry.name }) else {
                    let place = path.isEmpty ? "" : " in \(path)"
                    var message = "unknown field '\(entry.name)'\(place)"
                    if let suggestion = closestMatch(to: entry.name, in: fields.map(\.name)) {
                        message += "; did you mean '\(suggestion)'?"
                    }
                    report("environment.unknown-field", message, at: entry.key.mark)
                    continue
                }
                validate(entry.value, field.schema, path: join(path, entry.name), inList: inList)
            }
            if !exactlyOne.isEmpty {
                let set = exactlyOne.filter { name in node[name].map { !$0.isNull } ?? false }
                let isOverride = set.isEmpty && schema.overrideKey.map { node[$0] != nil } == true
                if set.count != 1 && !isOverride {
                    let names = exactlyOne.map { "'\($0)'" }.joined(separator: " or ")
                    let found = set.isEmpty ? "neither is set" : "both are set"
                    report("environment.exactly-one", "\(path): set exactly one of \(names); \(found)", at: node.mark)
                }
            }
        case .map(let keys, let values):
            guard let entries = node.entries else { return wrongType(node, schema, path) }
            for entry in entries {
                if let keys, !keys.matches(entry.name) {
                    report(keys.code, "\(path): '\(entry.name)' is not \(keys.expectation)", at: entry.key.mark)
                }
                validate(entry.value, values, path: join(path, entry.name), inList: inList)
            }
        case .list(let item):
            guard let items = node.items else { return wrongType(node, schema, path) }
            for (index, element) in items.enumerated() {
                validate(element, item, path: "\(path)[\(index)]", inList: true)
            }
        case .freeFormMapping:
            if !node.isMapping { wrongType(node, schema, path) }
        case .freeFormList:
            if !node.isSequence { wrongType(node, schema, path) }
        }
    }

    private func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    private mutating func wrongType(_ node: Node, _ schema: SchemaNode, _ path: String) {
        let subject = path.isEmpty ? "the environment file" : path
        report("environment.wrong-type", "\(subject): expected \(schema.expectation), found \(describe(node))", at: node.mark)
    }

    private mutating func report(_ code: String, _ message: String, at mark: Mark) {
        diagnostics.append(Diagnostic(code: code, message: message, location: mark.location, chain: chain))
    }
}

/// "a string", "an int", "null", ... for "expected X, found Y".
func describe(_ node: Node) -> String {
    switch node.content {
    case .mapping: return "a mapping"
    case .sequence: return "a sequence"
    case .scalar:
        switch node.type {
        case .int: return "an int"
        case .float: return "a float"
        case .bool: return "a bool"
        case .null: return "null"
        case .binary: return "binary data"
        case .string, nil: return "a string"
        }
    }
}
