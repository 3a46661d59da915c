import Diagnostics
import FoundationEssentials
import YAML

/// One entry of a kustomization's `vars` (deprecated in kustomize, still supported by v5):
/// `$(NAME)` in the var-reference fields becomes the value at `fieldPath` of the object
/// `objref` names (by the name it had when it was read, before prefixes and hashes).
struct Var: Sendable {
    var name: String
    var gvk: GVK
    var objectName: String
    var namespace: String
    var fieldPath: String
    /// Where the var is declared, for messages; not part of its identity.
    var mark: Mark

    static let fields: Set<String> = ["name", "objref", "fieldref"]
    static let objrefFields: Set<String> = ["apiVersion", "group", "version", "kind", "name", "namespace"]

    /// Reads one `vars` entry as kustomize decodes it: `fieldref.fieldPath` defaults to
    /// `metadata.name`, and `objref.apiVersion` (when given) sets the group and version.
    init(_ node: Node) throws(Diagnostic) {
        try TransformerInput.checkFields(node, allowed: Var.fields, in: "a 'vars' entry")
        name = try TransformerInput.string(node["name"], field: "name") ?? ""
        guard !name.isEmpty else {
            throw Diagnostic.error("kustomize.var", "a var needs a 'name'", at: node.mark.location)
        }
        let objref = node["objref"] ?? Node(.mapping([]), mark: node.mark)
        if !objref.isNull {
            try TransformerInput.checkFields(objref, allowed: Var.objrefFields, in: "a var's 'objref'")
        }
        var group = try TransformerInput.string(objref["group"], field: "objref.group") ?? ""
        var version = try TransformerInput.string(objref["version"], field: "objref.version") ?? ""
        if let apiVersion = try TransformerInput.string(objref["apiVersion"], field: "objref.apiVersion"), !apiVersion.isEmpty {
            let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2 { (group, version) = (parts[0], parts[1]) }
            if parts.count == 1 { version = parts[0] }
        }
        gvk = GVK(group: group, version: version, kind: try TransformerInput.string(objref["kind"], field: "objref.kind") ?? "")
        objectName = try TransformerInput.string(objref["name"], field: "objref.name") ?? ""
        namespace = try TransformerInput.string(objref["namespace"], field: "objref.namespace") ?? ""
        fieldPath = "metadata.name"
        if let fieldref = node["fieldref"], !fieldref.isNull {
            try TransformerInput.checkFields(fieldref, allowed: ["fieldPath"], in: "a var's 'fieldref'")
            if let path = try TransformerInput.string(fieldref["fieldPath"], field: "fieldref.fieldPath"), !path.isEmpty {
                fieldPath = path
            }
        }
        mark = (node["name"] ?? node).mark
    }

    var targetId: ResId { ResId(gvk: gvk, name: objectName, namespace: namespace) }

    /// Whether an id (current or earlier) of an object is the one `objref` names: group,
    /// version, kind and name exactly; the namespace too when the objref gives one or the
    /// kind is cluster-scoped.
    func names(_ id: ResId) -> Bool {
        guard id.gvk == gvk, id.name == objectName else { return false }
        guard !namespace.isEmpty || gvk.isClusterScoped else { return true }
        return id.effectiveNamespace == targetId.effectiveNamespace
    }

    var description: String { "var '\(name)' (\(gvk.kind.isEmpty ? "?" : gvk.kind) '\(objectName)', \(fieldPath))" }
}

/// The vars of a build, by name, with kustomize's rules for combining them.
struct VarSet: Sendable {
    private(set) var byName: [String: Var] = [:]

    var isEmpty: Bool { byName.isEmpty }

    /// A kustomization's (or component's) own `vars`: a name already known is an error.
    /// Each var is bound to the one object its objref names, if any (by any of its ids);
    /// an objref that names several is an error.
    mutating func declare(_ value: Node, resources: inout [Resource]) throws(Diagnostic) {
        for entry in try TransformerInput.list(value, field: "vars") {
            let variable = try Var(entry)
            let matches = resources.indices.filter { index in
                (resources[index].previousIds + [resources[index].id]).contains(where: variable.names)
            }
            if matches.count > 1 {
                throw Diagnostic.error(
                    "kustomize.var", "\(variable.description) matches \(matches.count) objects; give its objref a namespace or apiVersion to choose one",
                    at: variable.mark.location)
            }
            if let index = matches.first {
                resources[index].referencedVars.append(variable.name)
            }
            if byName[variable.name] != nil {
                throw Diagnostic.error("kustomize.var", "var '\(variable.name)' is already declared", at: variable.mark.location)
            }
            byName[variable.name] = variable
        }
    }

    /// The vars of a base: a name already known is an error, even for the same var (a base
    /// reached through two others), as in kustomize.
    mutating func absorb(_ other: VarSet) throws(Diagnostic) {
        for name in other.byName.keys.sorted() {
            let incoming = other.byName[name]!
            if let present = byName[name] {
                throw Diagnostic.error(
                    "kustomize.var", "var '\(name)' is already declared (at \(present.mark.location?.description ?? "a base"))",
                    at: incoming.mark.location)
            }
            byName[name] = incoming
        }
    }
}

/// Replaces `$(VAR)` references once the build's names are final, as kustomize's
/// `ResolveVars` does after hash suffixes and name references.
enum VarResolution {
    /// A var's value as kustomize reads it from its object: typed by the scalar's tag.
    enum Value {
        case string(String)
        case int(Int)
        case float(Double)
        case bool(Bool)

        /// The text `fmt.Sprintf("%v")` gives, for a var inside a longer string.
        var text: String {
            switch self {
            case .string(let text): return text
            case .int(let value): return String(value)
            case .float(let value): return Value.goFloat(value, exponentFrom: 6, minimumExponentDigits: 2)
            case .bool(let value): return value ? "true" : "false"
            }
        }

        /// The scalar a whole-field reference becomes: the var's own type.
        var node: Node {
            switch self {
            case .string(let text): return .string(text)
            case .int(let value): return .scalar(String(value))
            case .float(let value): return .scalar(Value.goFloat(value, exponentFrom: nil, minimumExponentDigits: 0))
            case .bool(let value): return .scalar(value ? "true" : "false")
            }
        }

        /// Go's shortest float formats: `%v` (`exponentFrom` 6: exponent form below 1e-4 or from 1e6)
        /// and `strconv.FormatFloat(v, 'f', -1, 64)` (never, nil).
        static func goFloat(_ value: Double, exponentFrom: Int?, minimumExponentDigits: Int) -> String {
            GoJSON.shortest(value, exponentBelow: -4, exponentFrom: exponentFrom, minimumExponentDigits: minimumExponentDigits)
        }
    }

    static func resolve(_ vars: VarSet, specs: [FieldSpec], _ resources: inout [Resource], warn: (Diagnostic) -> Void) throws(Diagnostic) {
        guard !vars.isEmpty else { return }
        var values: [String: Value] = [:]
        for name in vars.byName.keys.sorted() {
            let variable = vars.byName[name]!
            guard let holder = resources.first(where: { $0.referencedVars.contains(name) }) else {
                throw Diagnostic.error(
                    "kustomize.var", "\(variable.description) names no object of the build (objref names objects by the name they are read with)",
                    at: variable.mark.location)
            }
            if let value = try value(of: variable, in: holder) {
                values[name] = value
            } else {
                warn(Diagnostic(
                    .warning, code: "kustomize.var",
                    message: "\(variable.description) is a mapping or a list: its references stay as written, as in kustomize",
                    location: variable.mark.location))
            }
        }
        var used = Set<String>()
        for index in resources.indices {
            var resource = resources[index]
            let gvk = resource.gvk
            try Transformers.within(resource) { () throws(Diagnostic) in
                for spec in specs where spec.selects(gvk) {
                    try spec.apply(to: &resource.node, creating: nil) { (node: inout Node) throws(Diagnostic) in
                        try expand(&node, values: values, used: &used, spec: spec)
                    }
                }
            }
            // Annotations are a string map when kustomize writes the build out.
            resource.normalizeAnnotations()
            resources[index] = resource
        }
        let unused = values.keys.filter { !used.contains($0) }.sorted()
        for name in unused {
            warn(Diagnostic(
                .warning, code: "kustomize.unused-var", message: "var '\(name)' is never referenced (kustomize ignores it too)",
                location: vars.byName[name]!.mark.location))
        }
    }

    /// The value at a var's field path, typed as kustomize's `GetFieldValue` types it; nil
    /// for a mapping or list, which kustomize never substitutes.
    static func value(of variable: Var, in resource: Resource) throws(Diagnostic) -> Value? {
        var steps: [String] = []
        for step in FieldPath.split(variable.fieldPath) {
            // `ports[0]` is the field `ports`, then its first element.
            if step.hasSuffix("]"), let open = step.lastIndex(of: "["),
               Int(step[step.index(after: open)..<step.index(before: step.endIndex)]) != nil {
                if open != step.startIndex { steps.append(String(step[..<open])) }
                steps.append(String(step[step.index(after: open)..<step.index(before: step.endIndex)]))
            } else {
                steps.append(step)
            }
        }
        let failure = Diagnostic.error(
            "kustomize.var", "\(variable.description): \(resource.id) has no field '\(variable.fieldPath)'",
            at: variable.mark.location)
        guard let field = FieldPath.lookup(resource.node, steps) else { throw failure }
        guard let scalar = field.scalar else { return nil }
        switch scalar.type {
        case .int:
            guard let value = Int(scalar.value) else { throw failure }
            return .int(value)
        case .float:
            guard let value = ScalarType.parseFloat(scalar.value) else { throw failure }
            return .float(value)
        case .bool:
            return .bool(scalar.value.lowercased() == "true")
        default:
            return .string(scalar.value)
        }
    }

    /// kustomize's refvar filter on one field: a string scalar, the string values of a
    /// mapping, or the items of a list (which must all be strings) get their references
    /// expanded; every string it visits is rewritten, so its quoting becomes the default.
    static func expand(_ node: inout Node, values: [String: Value], used: inout Set<String>, spec: FieldSpec) throws(Diagnostic) {
        if node.isNull { return }
        switch node.content {
        case .scalar(let scalar):
            guard scalar.type == .string else { return }
            node = try expanded(scalar.value, values: values, used: &used, at: node).with(mark: node.mark)
        case .mapping(var entries):
            for index in entries.indices {
                guard let scalar = entries[index].value.scalar, scalar.type == .string else { continue }
                entries[index].value = try expanded(scalar.value, values: values, used: &used, at: entries[index].value).with(mark: entries[index].value.mark)
            }
            node.content = .mapping(entries)
        case .sequence(var items):
            for index in items.indices {
                guard let scalar = items[index].scalar, scalar.type == .string else {
                    throw spec.failure("a list that holds vars must hold only strings, found a \(TransformerInput.typeName(items[index]))", at: items[index])
                }
                items[index] = try expanded(scalar.value, values: values, used: &used, at: items[index]).with(mark: items[index].mark)
            }
            node.content = .sequence(items)
        }
    }

    /// Kubernetes' `$(VAR)` expansion: `$$` is a literal `$`, an unknown or unclosed
    /// reference stays as written, and a field that is exactly one reference takes the
    /// var's type.
    static func expanded(_ text: String, values: [String: Value], used: inout Set<String>, at node: Node) throws(Diagnostic) -> Node {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var cursor = 0
        while cursor < bytes.count {
            guard bytes[cursor] == UInt8(ascii: "$"), cursor + 1 < bytes.count else {
                output.append(bytes[cursor])
                cursor += 1
                continue
            }
            let next = bytes[cursor + 1]
            if next == UInt8(ascii: "$") {
                output.append(next)
                cursor += 2
            } else if next == UInt8(ascii: "("), let close = bytes[(cursor + 2)...].firstIndex(of: UInt8(ascii: ")")) {
                let name = String(decoding: bytes[(cursor + 2)..<close], as: UTF8.self)
                if let value = values[name] {
                    used.insert(name)
                    if cursor == 0, close == bytes.count - 1 { return value.node }
                    output += Array(value.text.utf8)
                } else {
                    output += bytes[cursor...close]
                }
                cursor = close + 1
            } else {
                output += [bytes[cursor], next]
                cursor += 2
            }
        }
        return .string(String(decoding: output, as: UTF8.self))
    }
}

private extension Node {
    func with(mark: Mark) -> Node {
        var node = self
        node.mark = mark
        return node
    }
}
