import Diagnostics
import YAML

/// Where a value of an environment came from.
public struct ExplainedValue: CustomStringConvertible {
    public var environment: String
    /// The dotted path that was asked for, e.g. `operator.channel`.
    public var path: String
    /// The resolved value; nil when no layer sets it or the last one deleted it.
    public var value: Node?
    /// What the schema documents as the default, for when `value` is nil.
    public var defaultValue: Node?
    /// Every layer of the chain, root first, that set, overrode or deleted (value nil) the value,
    /// located at the key that does it.
    public var layers: [(environment: String, location: SourceLocation, value: Node?)]
    /// With `explain --resolved`: the value with its placeholders resolved for the
    /// environment, what the cluster actually gets.
    public var resolvedValue: Node?

    /// `env: path = value`, then one `file:line:column: layer sets value` line per layer.
    public var description: String {
        var text = "\(environment): \(path) = "
        if let value, let resolvedValue, resolvedValue != value {
            text += "\(inline(resolvedValue)) (placeholders resolved; written \(inline(value)))"
        } else if let value {
            text += inline(value)
        } else if let defaultValue {
            text += "\(inline(defaultValue)) (default, not set)"
        } else {
            text += "(not set)"
        }
        for layer in layers {
            let action = layer.value.map { "sets \(inline($0))" } ?? "deletes it"
            text += "\n  \(layer.location): \(layer.environment) \(action)"
        }
        return text
    }
}

public enum Explain {
    /// Explains `path` (dotted keys; list items by index, e.g. `argocd.ignoreDifferences.0`)
    /// of `environment`, one of the loader's environments (abstract ones included).
    public static func explain(_ environment: String, path: String, in environments: [Environment]) throws(Diagnostic) -> ExplainedValue {
        guard let resolved = environments.first(where: { $0.name == environment }) else {
            var message = "no environment named '\(environment)'"
            if let suggestion = closestMatch(to: environment, in: environments.map(\.name)) {
                message += "; did you mean '\(suggestion)'?"
            }
            throw Diagnostic.error("explain.unknown-environment", message)
        }
        let keys = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !keys.contains("") else {
            throw Diagnostic.error("explain.invalid-path", "'\(path)' is not a dotted path such as operator.channel")
        }
        let schema: SchemaNode?
        switch EnvironmentSchema.lookup(keys) {
        case .success(let node):
            schema = node
        case .failure(let unknown):
            let place = unknown.prefix.isEmpty ? "an environment" : unknown.prefix.joined(separator: ".")
            var message = "'\(unknown.key)' is not a field of \(place)"
            if let suggestion = closestMatch(to: unknown.key, in: unknown.known) {
                message += "; did you mean '\(suggestion)'?"
            }
            throw Diagnostic.error("explain.unknown-field", message)
        }

        var explained = ExplainedValue(
            environment: environment, path: path, value: nil, defaultValue: schema?.defaultValue?.node, layers: [])
        let root = keys[0]
        var layers = resolved.layers
        switch root {
        case "extends", "abstract":
            // Not inherited: only the environment's own file counts.
            layers = Array(layers.suffix(1))
            explained.value = value(in: layers.last?.node[root], at: keys.dropFirst())
        case "patches":
            explained.value = value(in: .sequence(resolved.patches), at: keys.dropFirst())
        default:
            explained.value = value(in: resolved.spec, at: keys[...])
        }
        // Items of accumulated patch lists do not line up with one layer's items: the layers
        // that set the whole list are the answer there.
        let layerKeys: ArraySlice<String>
        if root == "patches" {
            layerKeys = keys.prefix(1)
        } else if keys.count > 3, SpecMerge.isAccumulated(Array(keys.prefix(3))) {
            layerKeys = keys.prefix(3)
        } else {
            layerKeys = keys[...]
        }
        for layer in layers {
            if let (mark, value) = touch(layer.node, layerKeys) {
                let location = mark.location ?? SourceLocation(file: layer.file, line: 0, column: 0)
                explained.layers.append((layer.name, location, value))
            }
        }
        return explained
    }

    /// The node at `keys` (mapping keys and sequence indexes), nil when absent.
    static func value(in node: Node?, at keys: ArraySlice<String>) -> Node? {
        var current = node
        for key in keys {
            if let items = current?.items {
                current = Int(key).flatMap { items.indices.contains($0) ? items[$0] : nil }
            } else {
                current = current?[key]
            }
        }
        return current?.isNull == true ? nil : current
    }

    /// What one layer's file does at `keys`: nil when it leaves the value alone, otherwise
    /// the mark of the key that acts and the value it sets (nil when it deletes the value,
    /// by `null` or by replacing a list or scalar that contained it).
    static func touch(_ node: Node, _ keys: ArraySlice<String>) -> (Mark, Node?)? {
        var current = node
        var mark = node.mark
        for key in keys {
            if let entries = current.entries {
                guard let entry = entries.first(where: { $0.name == key }) else { return nil }
                mark = entry.key.mark
                if entry.value.isNull { return (mark, nil) }
                current = entry.value
            } else if let items = current.items, let index = Int(key), items.indices.contains(index) {
                current = items[index]
                mark = current.mark
            } else {
                return (mark, nil)
            }
        }
        return (mark, current)
    }
}

/// A node on one line, in YAML flow style.
func inline(_ node: Node) -> String {
    switch node.content {
    case .scalar(let scalar):
        // Multi-line text (an inline patch) stays on one line, escaped.
        if scalar.value.contains("\n") { return JSONValue.quoted(scalar.value) }
        return node.type == .string && ScalarType.resolvePlain(scalar.value) != .string ? "\"\(scalar.value)\"" : scalar.value
    case .mapping(let entries):
        return "{" + entries.map { "\($0.name): \(inline($0.value))" }.joined(separator: ", ") + "}"
    case .sequence(let items):
        return "[" + items.map(inline).joined(separator: ", ") + "]"
    }
}
