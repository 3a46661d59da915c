import Diagnostics
import Environments
import YAML

/// Structural placeholders in templates: `${values.a.b}`, `${cluster.name}`, any spec path,
/// and `${environment.name}`. A scalar that is exactly one placeholder takes the value
/// itself (a map, a list, a number); a placeholder inside a longer string interpolates a
/// scalar's text. `$${` writes a literal `${`. No text templating, no code.
///
/// A value may hold placeholders itself (`consoleURL: https://ui.${cluster.name}.example.com`
/// in a layer); they are resolved for the environment that uses it, so a layer can derive
/// values from what each environment below it sets. `resolving` is the chain of placeholders
/// being resolved, to report a cycle instead of looping.
enum Placeholders {
    static func substitute(in node: Node, for environment: Environment, resolving: [String] = []) throws(Diagnostic) -> Node {
        switch node.content {
        case .scalar(let scalar):
            guard scalar.value.contains("${") else { return node }
            return try substitute(scalar, at: node.mark, for: environment, resolving: resolving)
        case .sequence(let items):
            var copy = node
            var result: [Node] = []
            result.reserveCapacity(items.count)
            for item in items { result.append(try substitute(in: item, for: environment, resolving: resolving)) }
            copy.content = .sequence(result)
            return copy
        case .mapping(let entries):
            var copy = node
            var result: [MappingEntry] = []
            result.reserveCapacity(entries.count)
            for entry in entries {
                result.append(MappingEntry(key: entry.key, value: try substitute(in: entry.value, for: environment, resolving: resolving)))
            }
            copy.content = .mapping(result)
            return copy
        }
    }

    /// The spec with placeholders resolved in every section the compiler reads itself
    /// (`cluster`, `argocd`, `operator`, component settings, ...). Patches stay as written:
    /// they are resolved once parsed, where a placeholder may stand for a whole mapping.
    /// `values` are resolved where they are used, so that a layer may derive a value from
    /// one that only some environments below it set.
    static func resolvedSpec(of environment: Environment) throws(Diagnostic) -> Node {
        var spec = environment.spec
        for section in spec.entries ?? [] where section.name != "components" && section.name != "values" {
            spec[section.name] = try substitute(in: section.value, for: environment)
        }
        for component in spec["components"]?.entries ?? [] {
            var settings = component.value
            for field in settings.entries ?? [] where field.name != "patches" {
                settings[field.name] = try substitute(in: field.value, for: environment)
            }
            spec.set(["components", component.name], to: settings)
        }
        return spec
    }

    private static func substitute(_ scalar: Scalar, at mark: Mark, for environment: Environment, resolving: [String]) throws(Diagnostic) -> Node {
        let text = scalar.value
        if text.hasPrefix("${"), text.hasSuffix("}"), text.firstIndex(of: "}") == text.index(before: text.endIndex) {
            let path = String(text.dropFirst(2).dropLast())
            var value = try lookup(path, at: mark, for: environment, resolving: resolving)
            value.mark = mark
            return value
        }
        var output = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            if rest[..<start.lowerBound].hasSuffix("$") {
                output += rest[..<rest.index(before: start.lowerBound)] + "${"
                rest = rest[start.upperBound...]
                continue
            }
            output += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw Diagnostic.error("compile.placeholder", "unterminated placeholder in '\(text)'", at: mark.location)
            }
            let path = String(rest[start.upperBound..<end])
            let value = try lookup(path, at: mark, for: environment, resolving: resolving)
            guard let scalarText = value.scalar?.value else {
                throw Diagnostic.error(
                    "compile.placeholder",
                    "placeholder ${\(path)} is a \(value.kindName) and cannot be part of a longer string",
                    at: mark.location)
            }
            output += scalarText
            rest = rest[rest.index(after: end)...]
        }
        output += rest
        return .string(output, mark: mark)
    }

    private static func lookup(_ path: String, at mark: Mark, for environment: Environment, resolving: [String]) throws(Diagnostic) -> Node {
        if path == "environment.name" { return .string(environment.name) }
        if resolving.contains(path) {
            let cycle = (resolving.drop { $0 != path } + [path]).map { "${\($0)}" }.joined(separator: " -> ")
            var error = Diagnostic.error("compile.placeholder-cycle", "placeholders refer to each other: \(cycle)", at: mark.location)
            error.chain = environment.chainFiles
            throw error
        }
        let steps = path.split(separator: ".").map(String.init)
        guard !steps.isEmpty, let value = environment.spec[path: steps], !value.isNull else {
            var error = Diagnostic.error(
                "compile.unresolved-placeholder",
                "unresolved placeholder ${\(path)} for environment '\(environment.name)'",
                at: mark.location)
            error.chain = environment.chainFiles
            throw error
        }
        return try substitute(in: value, for: environment, resolving: resolving + [path])
    }
}
