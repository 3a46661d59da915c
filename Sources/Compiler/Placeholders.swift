import Diagnostics
import Environments
import YAML

/// Structural placeholders in templates: `${values.a.b}`, `${cluster.name}`, any spec path,
/// and `${environment.name}`. A scalar that is exactly one placeholder takes the value
/// itself (a map, a list, a number); a placeholder inside a longer string interpolates a
/// scalar's text. `$${` writes a literal `${`. No text templating, no code.
enum Placeholders {
    static func substitute(in node: Node, for environment: Environment) throws(Diagnostic) -> Node {
        switch node.content {
        case .scalar(let scalar):
            guard scalar.value.contains("${") else { return node }
            return try substitute(scalar, at: node.mark, for: environment)
        case .sequence(let items):
            var copy = node
            var result: [Node] = []
            result.reserveCapacity(items.count)
            for item in items { result.append(try substitute(in: item, for: environment)) }
            copy.content = .sequence(result)
            return copy
        case .mapping(let entries):
            var copy = node
            var result: [MappingEntry] = []
            result.reserveCapacity(entries.count)
            for entry in entries {
                result.append(MappingEntry(key: entry.key, value: try substitute(in: entry.value, for: environment)))
            }
            copy.content = .mapping(result)
            return copy
        }
    }

    private static func substitute(_ scalar: Scalar, at mark: Mark, for environment: Environment) throws(Diagnostic) -> Node {
        let text = scalar.value
        if text.hasPrefix("${"), text.hasSuffix("}"), text.firstIndex(of: "}") == text.index(before: text.endIndex) {
            let path = String(text.dropFirst(2).dropLast())
            var value = try lookup(path, at: mark, for: environment)
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
            let value = try lookup(path, at: mark, for: environment)
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

    private static func lookup(_ path: String, at mark: Mark, for environment: Environment) throws(Diagnostic) -> Node {
        if path == "environment.name" { return .string(environment.name) }
        let steps = path.split(separator: ".").map(String.init)
        guard !steps.isEmpty, let value = environment.spec[path: steps], !value.isNull else {
            var error = Diagnostic.error(
                "compile.unresolved-placeholder",
                "unresolved placeholder ${\(path)} for environment '\(environment.name)'",
                at: mark.location)
            error.chain = environment.chainFiles
            throw error
        }
        return value
    }
}
