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

    /// The node of `sites` with every placeholder resolved, visiting only the places the sites
    /// found in it (worked out once for a node many environments resolve).
    static func substitute(_ sites: PlaceholderSites, for environment: Environment) throws(DiagnosticList) -> Node {
        guard let root = sites.root else { return sites.node }
        var problems: [Diagnostic] = []
        let result = substituted(in: sites.node, at: root, for: environment, problems: &problems) ?? sites.node
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return result
    }

    private static func substituted(in node: Node, at site: PlaceholderSites.Site, for environment: Environment, problems: inout [Diagnostic]) -> Node? {
        switch (site, node.content) {
        case (.here, .scalar):
            return substituted(in: node, for: environment, resolving: [], problems: &problems)
        case (.below(let children), .sequence(var items)):
            var changed = false
            for child in children {
                if let item = substituted(in: items[child.index], at: child.site, for: environment, problems: &problems) {
                    items[child.index] = item
                    changed = true
                }
            }
            return changed ? Node(.sequence(items), mark: node.mark) : nil
        case (.below(let children), .mapping(var entries)):
            var changed = false
            for child in children {
                if let value = substituted(in: entries[child.index].value, at: child.site, for: environment, problems: &problems) {
                    entries[child.index].value = value
                    changed = true
                }
            }
            return changed ? Node(.mapping(entries), mark: node.mark) : nil
        default:
            preconditionFailure("placeholder sites are worked out for the node they are followed in")
        }
    }

    /// Whether the text has a `${`: a byte search, as every scalar of every rendered tree asks.
    static func mentionsPlaceholder(_ text: String) -> Bool {
        ScalarType.contains(text, "${")
    }

    /// One scalar: each placeholder in it is looked up, and every one that fails is reported.
    /// The text is searched by its UTF-8 bytes: `$`, `{` and `}` are single bytes that no
    /// other character's encoding contains.
    private static func substitute(_ scalar: Scalar, at mark: Mark, for environment: Environment, resolving: [String]) throws(DiagnosticList) -> Node {
        let text = scalar.value
        let bytes = text.utf8
        if bytes.starts(with: "${".utf8), let close = bytes.firstIndex(of: UInt8(ascii: "}")), bytes.index(after: close) == bytes.endIndex {
            let path = String(text[bytes.index(bytes.startIndex, offsetBy: 2)..<close])
            var value = try lookup(path, at: mark, for: environment, resolving: resolving)
            // The value keeps the place it is written (its provenance, for diffs); only a
            // value gitopsc makes up (`environment.name`) takes the placeholder's.
            if value.mark == .none { value.mark = mark }
            return value
        }
        var problems: [Diagnostic] = []
        var output = ""
        var rest = Substring(text)
        while let start = placeholderStart(in: rest) {
            if start > rest.startIndex, rest.utf8[rest.utf8.index(before: start)] == UInt8(ascii: "$") {
                // `$${` is a literal `${`.
                output += rest[..<start] + "{"
                rest = rest[rest.utf8.index(start, offsetBy: 2)...]
                continue
            }
            output += rest[..<start]
            let pathStart = rest.utf8.index(start, offsetBy: 2)
            guard let end = rest.utf8[pathStart...].firstIndex(of: UInt8(ascii: "}")) else {
                problems.append(Diagnostic.error("compile.placeholder", "unterminated placeholder in '\(text)'", at: mark.location))
                break
            }
            let path = String(rest[pathStart..<end])
            rest = rest[rest.utf8.index(after: end)...]
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

    /// Where the first `${` of the text starts.
    private static func placeholderStart(in text: Substring) -> String.Index? {
        let bytes = text.utf8
        var from = bytes.startIndex
        while let dollar = bytes[from...].firstIndex(of: UInt8(ascii: "$")) {
            from = bytes.index(after: dollar)
            if from < bytes.endIndex, bytes[from] == UInt8(ascii: "{") { return dollar }
        }
        return nil
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
        let steps = path.parts(separatedBy: UInt8(ascii: "."))
        guard !steps.isEmpty, let value = environment.spec[path: steps], !value.isNull else {
            throw failure("compile.unresolved-placeholder", "unresolved placeholder ${\(path)} for environment '\(environment.name)'")
        }
        var problems: [Diagnostic] = []
        let resolved = substitute(in: value, for: environment, resolving: resolving + [path], problems: &problems)
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return resolved
    }
}

/// A node and where it holds placeholders: the scalars that mention one, and the lists and
/// mappings on the way to them. A template's objects are resolved for every environment;
/// following these sites visits only what can change instead of every node of every object.
struct PlaceholderSites: Sendable {
    indirect enum Site: Sendable {
        /// A scalar that mentions a placeholder.
        case here
        /// A list or mapping: the items or entry values (by index) that hold placeholders.
        case below([(index: Int, site: Site)])
    }

    let node: Node
    /// nil when the node holds no placeholder.
    let root: Site?

    init(of node: Node) {
        self.node = node
        root = Self.site(of: node)
    }

    private static func site(of node: Node) -> Site? {
        switch node.content {
        case .scalar(let scalar):
            return Placeholders.mentionsPlaceholder(scalar.value) ? .here : nil
        case .sequence(let items):
            let children = items.indices.compactMap { index in site(of: items[index]).map { (index, $0) } }
            return children.isEmpty ? nil : .below(children)
        case .mapping(let entries):
            let children = entries.indices.compactMap { index in site(of: entries[index].value).map { (index, $0) } }
            return children.isEmpty ? nil : .below(children)
        }
    }
}
