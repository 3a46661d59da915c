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
    /// How many placeholders may stand behind one another (a value that refers to a value
    /// that refers to ...): far above any real layering, and a bound on the recursion.
    static let maxIndirection = 64

    /// `node` with every placeholder resolved; every unresolved placeholder of the node is
    /// reported, each at its own position.
    static func substitute(in node: Node, for environment: Environment) throws(DiagnosticList) -> Node {
        var problems: [Diagnostic] = []
        let result = substitute(in: node, for: environment, resolving: [], problems: &problems)
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return result
    }

    /// The spec with placeholders resolved in every section the compiler reads itself
    /// (`cluster`, `argocd`, `operator`, component settings, ...). Patches stay as written:
    /// they are resolved once parsed, where a placeholder may stand for a whole mapping.
    /// `values` are resolved where they are used, so that a layer may derive a value from
    /// one that only some environments below it set.
    static func resolvedSpec(of environment: Environment) throws(DiagnosticList) -> Node {
        var problems: [Diagnostic] = []
        var spec = environment.spec
        for section in spec.entries ?? [] where section.name != "components" && section.name != "values" {
            spec[section.name] = substitute(in: section.value, for: environment, resolving: [], problems: &problems)
        }
        for component in spec["components"]?.entries ?? [] {
            var settings = component.value
            for field in settings.entries ?? [] where field.name != "patches" {
                settings[field.name] = substitute(in: field.value, for: environment, resolving: [], problems: &problems)
            }
            spec.set(["components", component.name], to: settings)
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return spec
    }

    /// Walks a node; problems are collected, and a scalar that cannot be resolved is kept
    /// as written (the caller throws before anything uses it).
    private static func substitute(in node: Node, for environment: Environment, resolving: [String], problems: inout [Diagnostic]) -> Node {
        substituted(in: node, for: environment, resolving: resolving, problems: &problems) ?? node
    }

    /// The node with its placeholders replaced, or nil when it holds none: most of a tree
    /// holds none, and is then neither copied nor rebuilt.
    private static func substituted(in node: Node, for environment: Environment, resolving: [String], problems: inout [Diagnostic]) -> Node? {
        switch node.content {
        case .scalar(let scalar):
            guard mentionsPlaceholder(scalar.value) else { return nil }
            do {
                return try substitute(scalar, at: node.mark, for: environment, resolving: resolving)
            } catch {
                problems += error.diagnostics
                return nil
            }
        case .sequence(var items):
            var changed = false
            for index in items.indices {
                if let item = substituted(in: items[index], for: environment, resolving: resolving, problems: &problems) {
                    items[index] = item
                    changed = true
                }
            }
            return changed ? Node(.sequence(items), mark: node.mark) : nil
        case .mapping(var entries):
            var changed = false
            for index in entries.indices {
                if let value = substituted(in: entries[index].value, for: environment, resolving: resolving, problems: &problems) {
                    entries[index].value = value
                    changed = true
                }
            }
            return changed ? Node(.mapping(entries), mark: node.mark) : nil
        }
    }

    /// Whether the text has a `${`: a byte search, as every scalar of every rendered tree asks.
    static func mentionsPlaceholder(_ text: String) -> Bool {
        ScalarType.containsByte(text, UInt8(ascii: "$"), followedBy: UInt8(ascii: "{"))
    }

    /// One scalar: each placeholder in it is looked up, and every one that fails is reported.
    private static func substitute(_ scalar: Scalar, at mark: Mark, for environment: Environment, resolving: [String]) throws(DiagnosticList) -> Node {
        let text = scalar.value
        if text.hasPrefix("${"), text.hasSuffix("}"), text.firstIndex(of: "}") == text.index(before: text.endIndex) {
            let path = String(text.dropFirst(2).dropLast())
            var value = try lookup(path, at: mark, for: environment, resolving: resolving)
            // The value keeps the place it is written (its provenance, for diffs); only a
            // value gitopsc makes up (`environment.name`) takes the placeholder's.
            if value.mark == .none { value.mark = mark }
            return value
        }
        var problems: [Diagnostic] = []
        var output = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            if rest[..<start.lowerBound].hasSuffix("$") {
                output += rest[..<rest.index(before: start.lowerBound)] + "${"
                rest = rest[start.upperBound...]
                continue
            }
            output += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                problems.append(Diagnostic.error("compile.placeholder", "unterminated placeholder in '\(text)'", at: mark.location))
                break
            }
            let path = String(rest[start.upperBound..<end])
            rest = rest[rest.index(after: end)...]
            let value: Node
            do {
                value = try lookup(path, at: mark, for: environment, resolving: resolving)
            } catch {
                problems += error.diagnostics
                continue
            }
            guard let scalarText = value.scalar?.value else {
                problems.append(Diagnostic.error(
                    "compile.placeholder",
                    "placeholder ${\(path)} is a \(value.kindName) and cannot be part of a longer string",
                    at: mark.location))
                continue
            }
            output += scalarText
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        output += rest
        return .string(output, mark: mark)
    }

    private static func lookup(_ path: String, at mark: Mark, for environment: Environment, resolving: [String]) throws(DiagnosticList) -> Node {
        func failure(_ code: String, _ message: String) -> DiagnosticList {
            var error = Diagnostic.error(code, message, at: mark.location)
            error.chain = environment.chainFiles
            return DiagnosticList([error])
        }
        if path == "environment.name" { return .string(environment.name) }
        if resolving.contains(path) {
            let cycle = (resolving.drop { $0 != path } + [path]).map { "${\($0)}" }.joined(separator: " -> ")
            throw failure("compile.placeholder-cycle", "placeholders refer to each other: \(cycle)")
        }
        if resolving.count >= maxIndirection {
            throw failure(
                "compile.placeholder-depth",
                "placeholder ${\(path)} is reached through more than \(maxIndirection) placeholders in a row (limit Placeholders.maxIndirection)")
        }
        let steps = path.split(separator: ".").map(String.init)
        guard !steps.isEmpty, let value = environment.spec[path: steps], !value.isNull else {
            throw failure("compile.unresolved-placeholder", "unresolved placeholder ${\(path)} for environment '\(environment.name)'")
        }
        var problems: [Diagnostic] = []
        let resolved = substitute(in: value, for: environment, resolving: resolving + [path], problems: &problems)
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return resolved
    }
}
