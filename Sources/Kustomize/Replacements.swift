import Diagnostics
import FoundationEssentials
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
        let value: Node
        switch (replacement["source"], replacement["sourceValue"]) {
        case (.some, .some):
            throw Diagnostic.error("kustomize.replacement", "a replacement takes 'source' or 'sourceValue', not both (value and resource selectors are mutually exclusive)", at: replacement.mark.location)
        case (let source?, nil):
            value = try sourceValue(source, in: resources)
        case (nil, let literal?):
            // kustomize v5.7's `sourceValue`: a string, used as an untyped scalar of that text.
            guard let scalar = literal.scalar, literal.type == .string || literal.type == .null else {
                throw Diagnostic.error("kustomize.replacement", "'sourceValue' must be a string, found \(JSONPatch.describeType(literal))", at: literal.mark.location)
            }
            value = .scalar(literal.isNull ? "" : scalar.value, mark: literal.mark)
        case (nil, nil):
            throw Diagnostic.error("kustomize.replacement", "a replacement needs a 'source' or a 'sourceValue'", at: replacement.mark.location)
        }
        guard let targets = replacement["targets"]?.items else {
            throw Diagnostic.error("kustomize.replacement", "a replacement needs at least one target in 'targets'", at: replacement.mark.location)
        }
        for target in targets {
            guard let select = target["select"] else {
                throw Diagnostic.error("kustomize.replacement", "a replacement target needs 'select'", at: target.mark.location)
            }
            let selector = try IdSelector(select, patterns: true)
            var rejects: [IdSelector] = []
            for reject in target["reject"]?.items ?? [] { rejects.append(try IdSelector(reject, patterns: true)) }
            let paths = target["fieldPaths"]?.items?.compactMap { $0.text } ?? ["metadata.name"]
            let options = target["options"]
            let create = options?["create"]?.boolValue ?? false
            for index in resources.indices {
                let resource = resources[index]
                let ids = resource.previousIds + [resource.id]
                guard ids.contains(where: selector.selects), !ids.contains(where: { id in rejects.contains { $0.selects(id) } }),
                      try selector.matchesSelectors(resource) else { continue }
                for path in paths {
                    var changed = false
                    resources[index].node = try FieldPath.update(resources[index].node, FieldPath.split(path), create: create ? value : nil) {
                        field, created throws(Diagnostic) in
                        changed = true
                        return try replaced(field, created: created, with: value, options: options, path: path, in: resource.id)
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
        let selector = try IdSelector(source, patterns: false)
        let matches = resources.filter { ($0.previousIds + [$0.id]).contains(where: selector.selects) }
        guard matches.count == 1 else {
            let problem = matches.isEmpty ? "nothing selected by" : "multiple matches for"
            throw Diagnostic.error("kustomize.replacement", "\(problem) replacement source \(selector)", at: source.mark.location)
        }
        let path = source["fieldPath"]?.text ?? "metadata.name"
        // kyaml's `IsNilOrEmpty`: a null, `{}` or `[]` counts as missing.
        guard var value = FieldPath.lookup(matches[0].node, FieldPath.split(path)), !value.isNull,
              value.entries?.isEmpty != true, value.items?.isEmpty != true else {
            throw Diagnostic.error("kustomize.replacement", "fieldPath `\(path)` is missing for replacement source \(matches[0].id)", at: source.mark.location)
        }
        if let options = source["options"], let delimiter = options["delimiter"]?.text, !delimiter.isEmpty {
            guard var scalar = value.scalar else {
                throw Diagnostic.error("kustomize.replacement", "delimiter option can only be used with scalar nodes", at: options.mark.location)
            }
            let parts = scalar.value.components(separatedBy: delimiter)
            let index = try optionIndex(options)
            guard index >= 0 && index < parts.count else {
                throw Diagnostic.error("kustomize.replacement", "options.index \(index) is out of bounds for value \(scalar.value)", at: options.mark.location)
            }
            // kustomize keeps the source's tag and changes only its text.
            scalar.value = parts[index]
            value = Node(.scalar(scalar), mark: value.mark)
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

    /// A target field after replacement, as kustomize (kyaml) writes it. A scalar target
    /// keeps its own type and takes only the source's text, so the text must read as that
    /// type (go-yaml's decoding error otherwise); a field the replacement created has no
    /// type yet and reads as whatever its text is (`""` null, `0x1F` 31). Other targets
    /// take the whole source node.
    private static func replaced(_ field: Node, created: Bool, with value: Node, options: Node?, path: String, in id: ResId) throws(Diagnostic) -> Node {
        let delimiter = options?["delimiter"]?.text ?? ""
        if !delimiter.isEmpty, !field.isScalar || !value.isScalar {
            throw Diagnostic.error("kustomize.replacement", "delimiter option can only be used with scalar nodes", at: options?.mark.location ?? field.mark.location)
        }
        guard let targetScalar = field.scalar else { return value }
        // A mapping or sequence has no text: its scalar target gets an empty one.
        var newText = value.scalar?.value ?? ""
        if let options, !delimiter.isEmpty {
            var parts = targetScalar.value.components(separatedBy: delimiter)
            let index = try optionIndex(options)
            if index < 0 {
                parts.insert(newText, at: 0)
            } else if index >= parts.count {
                parts.append(newText)
            } else {
                parts[index] = newText
            }
            newText = parts.joined(separator: delimiter)
        }
        if created {
            return Node(.scalar(Scalar(newText, tag: UntypedScalar.tag)), mark: field.mark)
        }
        if targetScalar.tag == UntypedScalar.tag {
            return Node(.scalar(Scalar(newText, tag: UntypedScalar.tag)), mark: field.mark)
        }
        let type = targetScalar.type
        if type == .string || type == .binary {
            // A folded block keeps its style: kustomize writes it through go-yaml's folding.
            return targetScalar.style == .folded ? Node(.scalar(Scalar(newText, style: .folded)), mark: field.mark) : .string(newText, mark: field.mark)
        }
        let read = ScalarType.resolvePlain(newText)
        if read == type || (type == .float && read == .int) {
            return .scalar(newText, mark: field.mark)
        }
        // The field keeps its type with text of another: kustomize fails when it next
        // writes the object as JSON (see `JSONRoundTrip`), unless a patch replaces it first.
        return .scalar(newText, tag: type.longTag, mark: field.mark)
    }
}

/// A scalar a replacement created: kyaml gives it no type until it is written (then its text
/// decides: `""` is null, `0x1F` is 31). A strategic-merge patch on the object quotes the
/// ones whose text would read as another type than a string, so those stay strings. The
/// empty tag marks it; `ScalarType` reads it by its text.
enum UntypedScalar {
    static let tag = ""

    /// The object after a strategic-merge patch: untyped scalars that read as another type
    /// than a string are quoted.
    static func quotedAfterMerge(_ node: Node) -> Node? {
        node.rewritingScalars { scalar, _ in
            guard scalar.tag == tag, ScalarType.resolvePlain(scalar.value) != .string || ScalarType.isTimestamp(scalar.value) else { return nil }
            return Scalar(scalar.value, style: .doubleQuoted)
        }
    }
}

/// A replacement's `select`, `reject` or `source`: group/version/kind/name/namespace, plus
/// label and annotation selectors for targets. Exact values, as in kustomize v5.5.0; for
/// targets, a value with a regular-expression character no Kubernetes name, kind or group
/// can hold (`*+?()[]{}|^$\`) is an anchored regular expression, as kustomize v5.8 reads
/// it (v5.5.0 selects nothing with it). A plain `.` stays literal: v5.8 would read
/// `my.app` as a pattern that also selects `myXapp`.
struct IdSelector: CustomStringConvertible {
    var gvk: GVK
    var name: String
    var namespace: String
    var labelSelector: Node?
    var annotationSelector: Node?
    /// The fields given as regular expressions, by field name.
    var patterns: [String: Pattern] = [:]

    static let patternCharacters = Set("*+?()[]{}|^$\\")

    init(_ node: Node, patterns allowPatterns: Bool) throws(Diagnostic) {
        gvk = GVK(group: node["group"]?.text ?? "", version: node["version"]?.text ?? "", kind: node["kind"]?.text ?? "")
        name = node["name"]?.text ?? ""
        namespace = node["namespace"]?.text ?? ""
        labelSelector = node["labelSelector"]
        annotationSelector = node["annotationSelector"]
        guard allowPatterns else { return }
        for field in ["group", "version", "kind", "name", "namespace"] {
            guard let value = node[field], let text = value.text, text.contains(where: IdSelector.patternCharacters.contains) else { continue }
            patterns[field] = try Selector.anchored(value)
        }
    }

    private func matches(_ field: String, _ wanted: String, _ actual: String) -> Bool {
        if let pattern = patterns[field] {
            return pattern.matches(actual)
        }
        return wanted.isEmpty || wanted == actual
    }

    func selects(_ id: ResId) -> Bool {
        guard patterns.isEmpty else {
            return matches("name", name, id.name) && matches("group", gvk.group, id.gvk.group)
                && matches("version", gvk.version, id.gvk.version) && matches("kind", gvk.kind, id.gvk.kind)
                && (patterns["namespace"] != nil ? matches("namespace", namespace, id.effectiveNamespace)
                    : namespace.isEmpty || ResId(gvk: id.gvk, name: "", namespace: namespace).effectiveNamespace == id.effectiveNamespace)
        }
        return (name.isEmpty || name == id.name)
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
/// with `[key=value]` list element matches, numeric indices, `*` wildcards, and `\.` for a
/// dot inside a key (`metadata.labels.example\.com/name`).
enum FieldPath {
    /// Splits on unescaped dots outside brackets, dropping empty steps.
    static func split(_ path: String) -> [String] {
        guard path.contains("\\") else {
            return splitOutsideBrackets(path, on: ".", open: "[", close: "]").filter { !$0.isEmpty }
        }
        var steps: [String] = []
        var current = ""
        var depth = 0
        var characters = path.makeIterator()
        while let character = characters.next() {
            switch character {
            case "\\":
                guard let next = characters.next() else { current.append(character); break }
                if next != "." { current.append(character) }
                current.append(next)
            case "[": depth += 1; current.append(character)
            case "]": depth -= 1; current.append(character)
            case "." where depth == 0: steps.append(current); current = ""
            default: current.append(character)
            }
        }
        steps.append(current)
        return steps.filter { !$0.isEmpty }
    }

    static func lookup(_ node: Node, _ steps: [String]) -> Node? {
        var found: Node?
        _ = try? update(node, steps, create: nil, structured: false) { (field: Node, _: Bool) throws(Diagnostic) -> Node in
            if found == nil { found = field }
            return field
        }
        return found
    }

    /// Rewrites every field the path reaches with `change` (told whether the field was just
    /// created); with `create`, missing mapping fields and `[key=value]` elements are made on
    /// the way. With `structured`, a string that holds a YAML or JSON mapping or list is
    /// entered when the path goes on below it, and written back in its format (kustomize
    /// v5.8's replacements into structured data).
    static func update(
        _ node: Node, _ steps: [String], create: Node?, structured: Bool = true, _ change: (Node, Bool) throws(Diagnostic) -> Node
    ) throws(Diagnostic) -> Node {
        guard let step = steps.first else { return try change(node, false) }
        let rest = Array(steps.dropFirst())
        var node = node
        if step.hasPrefix("["), step.hasSuffix("]"), let equals = step.firstIndex(of: "=") {
            let key = String(step[step.index(after: step.startIndex)..<equals])
            let wanted = String(step[step.index(after: equals)..<step.index(before: step.endIndex)])
            guard var items = node.items else { return try enterStructured(node, steps, create: create, structured: structured, change) }
            var matched = false
            for index in items.indices where items[index][key]?.scalar?.value == wanted {
                items[index] = try update(items[index], rest, create: create, structured: structured, change)
                matched = true
            }
            if !matched, create != nil {
                items.append(try update(.mapping([(key, .string(wanted))]), rest, create: create, structured: structured, change))
            }
            node.content = .sequence(items)
            return node
        }
        if step == "*" {
            switch node.content {
            case .sequence(var items):
                for index in items.indices { items[index] = try update(items[index], rest, create: create, structured: structured, change) }
                node.content = .sequence(items)
            case .mapping(var entries):
                for index in entries.indices { entries[index].value = try update(entries[index].value, rest, create: create, structured: structured, change) }
                node.content = .mapping(entries)
            case .scalar: return try enterStructured(node, steps, create: create, structured: structured, change)
            }
            return node
        }
        if var items = node.items, let index = Int(step) {
            guard items.indices.contains(index) else { return node }
            items[index] = try update(items[index], rest, create: create, structured: structured, change)
            node.content = .sequence(items)
            return node
        }
        if node.isNull, create != nil {
            node = Node(.mapping([]), mark: node.mark)
        }
        guard node.isMapping else { return try enterStructured(node, steps, create: create, structured: structured, change) }
        if let child = node[step] {
            node[step] = try update(child, rest, create: create, structured: structured, change)
        } else if let create {
            if rest.isEmpty {
                // A created scalar starts empty and untyped (kyaml makes a node of the
                // value's kind); a created mapping or list takes the whole value.
                node[step] = create.isScalar ? try change(Node(.scalar(Scalar("")), mark: create.mark), true) : try change(create, true)
            } else {
                let empty = rest[0].hasPrefix("[") ? Node(.sequence([])) : Node(.mapping([]))
                node[step] = try update(empty, rest, create: create, structured: structured, change)
            }
        }
        return node
    }

    /// The path goes on below a scalar: a string holding a YAML or JSON mapping or list is
    /// parsed, changed and written back; anything else is left alone (nothing found).
    private static func enterStructured(
        _ node: Node, _ steps: [String], create: Node?, structured: Bool, _ change: (Node, Bool) throws(Diagnostic) -> Node
    ) throws(Diagnostic) -> Node {
        guard structured, let scalar = node.scalar, node.type == .string,
              let first = scalar.value.first(where: { !$0.isWhitespace }),
              let inner = try? YAMLParser.parseDocument(scalar.value, file: node.mark.file), inner.isMapping || inner.isSequence else {
            return node
        }
        var changed = false
        let updated = try update(inner, steps, create: create, structured: false) { field, created throws(Diagnostic) in
            changed = true
            return try change(field, created)
        }
        guard changed else { return node }
        let text: String
        if first == "{" || first == "[" {
            // Go's json.Marshal, indented by two spaces when the original text was.
            var json = ""
            if scalar.value.contains("\n") && scalar.value.contains("  ") {
                GoJSON.encodeIndented(updated, into: &json)
            } else {
                GoJSON.encode(updated, into: &json)
            }
            text = json
        } else {
            text = YAMLEmitter.emitAsWritten(updated).trimmed()
        }
        return .string(text, mark: node.mark)
    }
}
