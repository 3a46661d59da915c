import Diagnostics
import YAML

/// kustomize's `replacements`: copy a value from one object's field into fields of others.
enum Replacements {
    static func apply(_ value: Node, root: String, builder: KustomizeBuilder, _ resources: inout [Resource]) throws(Diagnostic) {
        guard let entries = value.items else {
            throw Diagnostic.error("kustomize.invalid", "'replacements' must be a list, found a \(value.kindName)", at: value.mark.location)
        }
        for entry in entries {
            if let path = entry["path"] {
                _ = try builder.readFile(path, root: root)
                for document in try builder.store.documents(at: builder.filePath(path, root: root)) where !document.isNull {
                    for replacement in document.items ?? [document] {
                        try applyOne(replacement, &resources)
                    }
                }
            } else {
                try applyOne(entry, &resources)
            }
        }
    }

    private static func applyOne(_ replacement: Node, _ resources: inout [Resource]) throws(Diagnostic) {
        guard let sourceNode = replacement["source"] else {
            throw Diagnostic.error("kustomize.replacement", "a replacement needs a 'source'", at: replacement.mark.location)
        }
        let value = try sourceValue(sourceNode, in: resources)
        for target in replacement["targets"]?.items ?? [] {
            guard let select = target["select"] else {
                throw Diagnostic.error("kustomize.replacement", "a replacement target needs 'select'", at: target.mark.location)
            }
            let selector = IdSelector(select)
            let rejects = (target["reject"]?.items ?? []).map(IdSelector.init)
            let paths = target["fieldPaths"]?.items?.compactMap { $0.text } ?? ["metadata.name"]
            let options = target["options"]
            for index in resources.indices {
                let resource = resources[index]
                let ids = resource.previousIds + [resource.id]
                guard ids.contains(where: selector.selects), !ids.contains(where: { id in rejects.contains { $0.selects(id) } }),
                      try selector.matchesSelectors(resource) else { continue }
                for path in paths {
                    let steps = FieldPath.split(path)
                    let create = options?["create"]?.boolValue ?? false
                    var changed = false
                    resources[index].node = try FieldPath.update(resource.node, steps, create: create ? value : nil) { field throws(Diagnostic) in
                        changed = true
                        return try replaced(field, with: value, options: options, at: target)
                    }
                    if !changed {
                        throw Diagnostic.error("kustomize.replacement", "unable to find field \"\(path)\" in replacement target \(resource.id)", at: target.mark.location)
                    }
                }
            }
        }
    }

    /// The value a source names: exactly one object, its field, optionally one part of it.
    private static func sourceValue(_ source: Node, in resources: [Resource]) throws(Diagnostic) -> Node {
        let selector = IdSelector(source)
        let matches = resources.filter { ($0.previousIds + [$0.id]).contains(where: selector.selects) }
        guard matches.count == 1 else {
            let problem = matches.isEmpty ? "nothing selected by" : "multiple matches for"
            throw Diagnostic.error("kustomize.replacement", "\(problem) replacement source \(selector)", at: source.mark.location)
        }
        let path = source["fieldPath"]?.text ?? "metadata.name"
        guard var value = FieldPath.lookup(matches[0].node, FieldPath.split(path)) else {
            throw Diagnostic.error("kustomize.replacement", "fieldPath `\(path)` is missing for replacement source \(matches[0].id)", at: source.mark.location)
        }
        if let options = source["options"], let delimiter = options["delimiter"]?.text, !delimiter.isEmpty {
            guard let text = value.scalar?.value else {
                throw Diagnostic.error("kustomize.replacement", "delimiter option can only be used with scalar nodes", at: options.mark.location)
            }
            let parts = text.components(separatedBy: delimiter)
            let index = try optionIndex(options)
            guard index >= 0 && index < parts.count else {
                throw Diagnostic.error("kustomize.replacement", "options.index \(index) is out of bounds for value \(text)", at: options.mark.location)
            }
            value = .string(parts[index], mark: value.mark)
        }
        return value
    }

    /// `options.index`: an integer, as kustomize decodes it (a string or a float is its JSON
    /// decoding error, never a silent 0).
    private static func optionIndex(_ options: Node) throws(Diagnostic) -> Int {
        guard let node = options["index"], !node.isNull else { return 0 }
        guard let value = node.integerValue, let index = Int(exactly: value) else {
            let found = node.type == .int ? "a number out of range" : node.type == .float ? "number \(node.text ?? "")" : node.isScalar ? "string" : "a \(node.kindName)"
            throw Diagnostic.error(
                "kustomize.replacement", "options.index must be an integer (cannot unmarshal \(found) into type int)", at: node.mark.location)
        }
        return index
    }

    /// A target field after replacement. A scalar target keeps its own type and only takes
    /// the source's text, as kustomize does; other targets take the whole source node.
    private static func replaced(_ field: Node, with value: Node, options: Node?, at target: Node) throws(Diagnostic) -> Node {
        var newText = value.scalar?.value
        if let options, let delimiter = options["delimiter"]?.text, !delimiter.isEmpty {
            guard let current = field.scalar?.value, let text = newText else {
                throw Diagnostic.error("kustomize.replacement", "delimiter option can only be used with scalar nodes", at: options.mark.location)
            }
            var parts = current.components(separatedBy: delimiter)
            let index = try optionIndex(options)
            if index < 0 {
                parts.insert(text, at: 0)
            } else if index >= parts.count {
                parts.append(text)
            } else {
                parts[index] = text
            }
            newText = parts.joined(separator: delimiter)
        }
        guard let targetScalar = field.scalar, let newText else { return value }
        let type = ScalarType.of(targetScalar)
        if type == .string || type == .null {
            return type == .null && value.isScalar ? Node(.scalar(Scalar(newText, style: value.scalar!.style, tag: value.scalar!.tag)), mark: field.mark)
                : .string(newText, mark: field.mark)
        }
        if ScalarType.resolvePlain(newText) == type {
            return .scalar(newText, mark: field.mark)
        }
        return .scalar(newText, style: .plain, tag: "tag:yaml.org,2002:str", mark: field.mark)
    }
}

/// A replacement's `select`, `reject` or `source`: exact group/version/kind/name/namespace
/// (no regular expressions), plus label and annotation selectors for targets.
struct IdSelector: CustomStringConvertible {
    var gvk: GVK
    var name: String
    var namespace: String
    var labelSelector: Node?
    var annotationSelector: Node?

    init(_ node: Node) {
        gvk = GVK(group: node["group"]?.text ?? "", version: node["version"]?.text ?? "", kind: node["kind"]?.text ?? "")
        name = node["name"]?.text ?? ""
        namespace = node["namespace"]?.text ?? ""
        labelSelector = node["labelSelector"]
        annotationSelector = node["annotationSelector"]
    }

    func selects(_ id: ResId) -> Bool {
        (name.isEmpty || name == id.name)
            && (namespace.isEmpty || ResId(gvk: id.gvk, name: "", namespace: namespace).effectiveNamespace == id.effectiveNamespace)
            && id.gvk.isSelected(by: gvk)
    }

    func matchesSelectors(_ resource: Resource) throws(Diagnostic) -> Bool {
        if let labelSelector, !(try LabelSelector(labelSelector).matches(resource.labels)) { return false }
        if let annotationSelector, !(try LabelSelector(annotationSelector).matches(resource.annotations)) { return false }
        return true
    }

    var description: String {
        var parts: [String] = []
        if !gvk.kind.isEmpty { parts.append("kind: \(gvk.kind)") }
        if !name.isEmpty { parts.append("name: \(name)") }
        if !namespace.isEmpty { parts.append("namespace: \(namespace)") }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}

/// kustomize's dotted field paths: `spec.template.spec.containers.[name=app].image`,
/// with `[key=value]` list element matches, numeric indices and `*` wildcards.
enum FieldPath {
    /// Splits on dots outside brackets, dropping empty steps.
    static func split(_ path: String) -> [String] {
        splitOutsideBrackets(path, on: ".", open: "[", close: "]").filter { !$0.isEmpty }
    }

    static func lookup(_ node: Node, _ steps: [String]) -> Node? {
        var found: Node?
        _ = try? update(node, steps, create: nil) { (field: Node) throws(Diagnostic) -> Node in
            if found == nil { found = field }
            return field
        }
        return found
    }

    /// Rewrites every field the path reaches with `change`; with `create`, missing mapping
    /// fields and `[key=value]` elements are made on the way.
    static func update(_ node: Node, _ steps: [String], create: Node?, _ change: (Node) throws(Diagnostic) -> Node) throws(Diagnostic) -> Node {
        guard let step = steps.first else { return try change(node) }
        let rest = Array(steps.dropFirst())
        var node = node
        if step.hasPrefix("["), step.hasSuffix("]"), let equals = step.firstIndex(of: "=") {
            let key = String(step[step.index(after: step.startIndex)..<equals])
            let wanted = String(step[step.index(after: equals)..<step.index(before: step.endIndex)])
            guard var items = node.items else { return node }
            var matched = false
            for index in items.indices where items[index][key]?.scalar?.value == wanted {
                items[index] = try update(items[index], rest, create: create, change)
                matched = true
            }
            if !matched, create != nil {
                items.append(try update(.mapping([(key, .string(wanted))]), rest, create: create, change))
            }
            node.content = .sequence(items)
            return node
        }
        if step == "*" {
            switch node.content {
            case .sequence(var items):
                for index in items.indices { items[index] = try update(items[index], rest, create: create, change) }
                node.content = .sequence(items)
            case .mapping(var entries):
                for index in entries.indices { entries[index].value = try update(entries[index].value, rest, create: create, change) }
                node.content = .mapping(entries)
            case .scalar: break
            }
            return node
        }
        if var items = node.items, let index = Int(step) {
            guard items.indices.contains(index) else { return node }
            items[index] = try update(items[index], rest, create: create, change)
            node.content = .sequence(items)
            return node
        }
        if node.isNull, create != nil {
            node = Node(.mapping([]), mark: node.mark)
        }
        guard node.isMapping else { return node }
        if let child = node[step] {
            node[step] = try update(child, rest, create: create, change)
        } else if let create {
            let empty = rest.isEmpty ? create : (rest[0].hasPrefix("[") ? Node(.sequence([])) : Node(.mapping([])))
            node[step] = try update(empty, rest, create: create, change)
        }
        return node
    }
}
