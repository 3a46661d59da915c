import Diagnostics
import YAML

/// The three patch fields of a kustomization: `patches`, `patchesStrategicMerge` and
/// `patchesJson6902`, applied with the strategic-merge and JSON 6902 engines.
enum Patches {
    /// `patches`: each entry has `path` or an inline `patch`, an optional `target` and
    /// `options`. A patch whose text is a list is JSON 6902; otherwise strategic merge.
    static func patches(_ entries: [Node], root: String, builder: KustomizeBuilder, _ resources: inout [Resource]) throws(Diagnostic) {
        for entry in entries {
            _ = try apply(entry, root: root, builder: builder, &resources)
        }
    }

    /// Applies one `patches` entry and returns how many objects it selected.
    /// `strict` refuses patch directives that kustomize would copy into the output.
    /// `prepare` sees every patch document before it is applied (environment specs resolve
    /// placeholders there).
    static func apply(
        _ entry: Node, root: String, builder: KustomizeBuilder, strict: Bool = false,
        prepare: (Node) throws(Diagnostic) -> Node = { $0 }, _ resources: inout [Resource]
    ) throws(Diagnostic) -> Int {
        guard entry.isMapping else {
            throw Diagnostic.error("kustomize.invalid", "a 'patches' entry must be a mapping, found a \(entry.kindName)", at: entry.mark.location)
        }
        for key in entry.keys where !["path", "patch", "target", "options"].contains(key) {
            throw Diagnostic.error("kustomize.unknown-field", "unknown field '\(key)' in patch", at: entry.mark.location)
        }
        var documents = try load(entry, root: root, builder: builder)
        for index in documents.indices {
            documents[index] = try prepare(documents[index])
        }
        let target = try entry["target"].map { node throws(Diagnostic) in try Selector(node) }
        let options = entry["options"]
        let allowNameChange = options?["allowNameChange"]?.boolValue ?? false
        let allowKindChange = options?["allowKindChange"]?.boolValue ?? false
        if documents.count == 1, documents[0].isSequence {
            guard let target else {
                throw Diagnostic.error("kustomize.invalid", "a JSON 6902 patch needs a 'target'", at: entry.mark.location)
            }
            let operations = try JSONPatch.operations(from: documents[0])
            let selected = resources.indices.filter { target.selects(resources[$0]) }
            for index in selected {
                try applyJSON(operations, to: &resources[index])
            }
            return selected.count
        }
        var selectedCount = 0
        for patch in documents {
            if let target {
                let selected = resources.indices.filter { target.selects(resources[$0]) }
                selectedCount += selected.count
                for index in selected.reversed() {
                    // A targeted patch takes the target's apiVersion, whatever it says.
                    var targeted = patch
                    targeted["apiVersion"] = resources[index].node["apiVersion"]
                    try apply(targeted, at: index, &resources, allowNameChange: allowNameChange, allowKindChange: allowKindChange, strict: strict)
                }
            } else {
                let index = try uniqueMatch(for: patch, in: resources)
                selectedCount += 1
                try apply(patch, at: index, &resources, allowNameChange: allowNameChange, allowKindChange: allowKindChange, strict: strict)
            }
        }
        return selectedCount
    }

    /// `patchesStrategicMerge`: file paths or inline YAML, each matched by its own id.
    static func strategicMerge(_ entries: [Node], root: String, builder: KustomizeBuilder, _ resources: inout [Resource]) throws(Diagnostic) {
        for entry in entries {
            let text = entry.text ?? ""
            let documents: [Node]
            if text.contains("\n") || text.contains(": ") {
                documents = try YAMLParser.parseStream(text, file: entry.mark.file, asKustomize: true)
            } else {
                let path = try builder.filePath(entry, root: root)
                _ = try builder.readFile(entry, root: root)
                documents = try builder.store.documents(at: path)
            }
            for patch in documents where !patch.isNull {
                let index = try uniqueMatch(for: patch, in: resources)
                try apply(patch, at: index, &resources, allowNameChange: false, allowKindChange: false)
            }
        }
    }

    /// `patchesJson6902`: each entry names its target by group/version/kind/name/namespace.
    static func json6902(_ entries: [Node], root: String, builder: KustomizeBuilder, _ resources: inout [Resource]) throws(Diagnostic) {
        for entry in entries {
            guard let targetNode = entry["target"] else {
                throw Diagnostic.error("kustomize.invalid", "a 'patchesJson6902' entry needs a 'target'", at: entry.mark.location)
            }
            let target = try Selector(targetNode)
            let documents = try load(entry, root: root, builder: builder)
            guard documents.count == 1 else {
                throw Diagnostic.error("kustomize.invalid", "a JSON 6902 patch must be one document", at: entry.mark.location)
            }
            let operations = try JSONPatch.operations(from: documents[0])
            for index in resources.indices where target.selects(resources[index]) {
                try applyJSON(operations, to: &resources[index])
            }
        }
    }

    /// Applies JSON 6902 operations to one object. kustomize keeps internal annotations on
    /// every object while it patches, so `/metadata/annotations` always exists for a JSON
    /// patch (adding `/metadata/annotations/x` works on an object without annotations).
    /// The object's id is remembered first: a JSON patch may rename it.
    private static func applyJSON(_ operations: [JSONPatchOperation], to resource: inout Resource) throws(Diagnostic) {
        resource.rememberId()
        var node = resource.node
        if node[path: ["metadata", "annotations"]] == nil, node["metadata"]?.isMapping == true {
            node.set(["metadata", "annotations"], to: Node(.mapping([])))
        }
        // kustomize patches the object's JSON text, so every value comes back as JSON spells it.
        resource.node = try JSONRoundTrip.afterPatch(try JSONPatch.apply(operations, to: JSONRoundTrip.beforePatch(node)))
        resource.normalizeAnnotations()
    }

    /// The parsed documents of an entry's `path` or inline `patch`.
    static func load(_ entry: Node, root: String, builder: KustomizeBuilder) throws(Diagnostic) -> [Node] {
        switch (entry["path"], entry["patch"]) {
        case (.some, .some):
            throw Diagnostic.error("kustomize.invalid", "a patch may have 'path' or 'patch', not both", at: entry.mark.location)
        case (.some(let path), nil):
            _ = try builder.readFile(path, root: root)
            return try builder.store.documents(at: builder.filePath(path, root: root)).filter { !$0.isNull }
        case (nil, .some(let inline)):
            guard var text = inline.text else {
                throw Diagnostic.error("kustomize.invalid", "'patch' must be a string holding YAML", at: inline.mark.location)
            }
            // kustomize trims the inline text: a block scalar that ends it loses its last
            // line breaks (`patch: |` ... `script: |` gives `script: |-`).
            while let last = text.unicodeScalars.last, last == "\n" || last == " " || last == "\t" || last == "\r" {
                text.unicodeScalars.removeLast()
            }
            // The text of a block scalar (`patch: |`) starts on the line after its mark: shift
            // marks there. A quoted or plain string maps to its file through escapes and line
            // folding, so marks inside it point at the string itself, a place that exists.
            let file = inline.mark.file
            let block = [.literal, .folded].contains(inline.scalar?.style)
            let documents: [Node]
            do {
                documents = try YAMLParser.parseStream(text, file: file, asKustomize: true)
            } catch {
                // A syntax error in the patch text, at its place in the file too.
                var error = error
                if let location = error.location, location.line > 0 {
                    let mark = shifted(Mark(file: location.file, line: location.line, column: location.column), by: inline.mark, block: block)
                    error.location = SourceLocation(file: mark.file, line: mark.line, column: mark.column)
                }
                throw error
            }
            return documents.filter { !$0.isNull }.map { shifted($0, by: inline.mark, block: block) }
        case (nil, nil):
            throw Diagnostic.error("kustomize.invalid", "a patch needs 'path' or 'patch'", at: entry.mark.location)
        }
    }

    /// Moves marks of a node parsed from an inline string to the string's place in its file.
    private static func shifted(_ node: Node, by origin: Mark, block: Bool) -> Node {
        var copy = node
        copy.mark = shifted(node.mark, by: origin, block: block)
        switch node.content {
        case .scalar: break
        case .sequence(let items): copy.content = .sequence(items.map { shifted($0, by: origin, block: block) })
        case .mapping(let entries):
            copy.content = .mapping(entries.map { entry in
                MappingEntry(key: shifted(entry.key, by: origin, block: block), value: shifted(entry.value, by: origin, block: block))
            })
        }
        return copy
    }

    private static func shifted(_ mark: Mark, by origin: Mark, block: Bool) -> Mark {
        block ? Mark(file: mark.file, line: mark.line + origin.line, column: mark.column) : origin
    }

    /// The one object a patch without target names by its apiVersion, kind, name, namespace.
    private static func uniqueMatch(for patch: Node, in resources: [Resource]) throws(Diagnostic) -> Int {
        let id = Resource(node: patch).id
        let matches = resources.indices.filter { index in
            let resource = resources[index]
            return (resource.previousIds + [resource.id]).contains { candidate in
                candidate.name == id.name && candidate.gvk.isSelected(by: id.gvk)
                    && candidate.effectiveNamespace == id.effectiveNamespace
            }
        }
        guard matches.count == 1 else {
            let problem = matches.isEmpty ? "no resource matches" : "\(matches.count) resources match"
            throw Diagnostic.error("kustomize.patch-target", "\(problem) strategic merge patch \(id)", at: patch.mark.location)
        }
        return matches[0]
    }

    /// Applies one strategic-merge patch to one object, keeping its name, kind and
    /// namespace unless the patch's options allow a change, as kustomize does.
    private static func apply(_ patch: Node, at index: Int, _ resources: inout [Resource], allowNameChange: Bool, allowKindChange: Bool, strict: Bool = false) throws(Diagnostic) {
        var resource = resources[index]
        let name = resource.name, kind = resource.node["kind"], namespace = resource.node[path: ["metadata", "namespace"]]
        if allowNameChange || allowKindChange {
            resource.rememberId()
        }
        guard let patched = try StrategicMerge.apply(patch, to: resource.node, strict: strict), !(patched.entries?.isEmpty ?? false) else {
            resources.remove(at: index)
            return
        }
        resource.node = UntypedScalar.quotedAfterMerge(patched) ?? patched
        if !allowKindChange { resource.node["kind"] = kind }
        if !allowNameChange { resource.name = name }
        if var metadata = resource.node["metadata"] {
            metadata["namespace"] = namespace
            resource.node["metadata"] = metadata
        }
        resources[index] = resource
    }
}
