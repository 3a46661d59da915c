import Diagnostics
import YAML

/// How kustomize's Go types see a kustomization's fields, for decoding them as Go's JSON
/// decoder does: struct field names match case-insensitively, and keys that name one field
/// apply in byte order of their spelling (the YAML-to-JSON step sorts keys), a mapping
/// merging into the earlier one and anything else replacing it.
indirect enum FieldShape: Sendable {
    /// A Go struct: its fields by name.
    case structure([String: FieldShape])
    /// A list of one shape.
    case list(FieldShape)
    /// Anything whose keys are data (maps, scalars, strings): left as written.
    case value

    static let fieldSpec = FieldShape.structure(["group": .value, "version": .value, "kind": .value, "path": .value, "create": .value])
    static let selector = FieldShape.structure([
        "group": .value, "version": .value, "kind": .value, "name": .value, "namespace": .value,
        "labelSelector": .value, "annotationSelector": .value,
    ])
    static let generatorOptions = FieldShape.structure([
        "labels": .value, "annotations": .value, "disableNameSuffixHash": .value, "immutable": .value,
    ])
    static let generator = FieldShape.structure([
        "name": .value, "namespace": .value, "behavior": .value, "files": .value, "literals": .value,
        "envs": .value, "env": .value, "options": generatorOptions, "type": .value,
    ])
    static let replacementOptions = FieldShape.structure(["delimiter": .value, "index": .value, "create": .value])
    static let replacement = FieldShape.structure([
        "path": .value,
        "source": .structure([
            "group": .value, "version": .value, "kind": .value, "name": .value, "namespace": .value,
            "fieldPath": .value, "options": replacementOptions,
        ]),
        "targets": .list(.structure([
            "select": selector, "reject": .list(selector), "fieldPaths": .value, "options": replacementOptions,
        ])),
    ])

    /// The fields of kustomize v5.5.0's Kustomization that are Go structs or lists of them.
    static let kustomization: [String: FieldShape] = [
        "metadata": .structure(["name": .value, "namespace": .value, "labels": .value, "annotations": .value]),
        "patches": .list(.structure([
            "path": .value, "patch": .value, "target": selector,
            "options": .structure(["allowNameChange": .value, "allowKindChange": .value]),
        ])),
        "patchesJson6902": .list(.structure(["target": selector, "path": .value, "patch": .value])),
        "configMapGenerator": .list(generator),
        "secretGenerator": .list(generator),
        "generatorOptions": generatorOptions,
        "images": .list(.structure(["name": .value, "newName": .value, "newTag": .value, "digest": .value, "tagSuffix": .value])),
        "imageTags": .list(.structure(["name": .value, "newName": .value, "newTag": .value, "digest": .value, "tagSuffix": .value])),
        "replicas": .list(.structure(["name": .value, "count": .value])),
        "labels": .list(.structure([
            "pairs": .value, "includeSelectors": .value, "includeTemplates": .value, "fields": .list(fieldSpec),
        ])),
        "vars": .list(.structure([
            "name": .value,
            "objref": .structure(["apiVersion": .value, "group": .value, "version": .value, "kind": .value, "name": .value, "namespace": .value]),
            "fieldref": .structure(["fieldPath": .value]),
        ])),
        "replacements": .list(replacement),
        "sortOptions": .structure([
            "order": .value, "legacySortOptions": .structure(["orderFirst": .value, "orderLast": .value]),
        ]),
    ]

    /// `node` with struct field names spelled as the Go types spell them. `fields` are the
    /// known names; keys matching none are kept (the field's reader reports them).
    static func canonical(_ node: Node, fields: [String: FieldShape], warn: (Diagnostic) -> Void) -> Node {
        guard let entries = node.entries else { return node }
        var order: [String] = []
        var spellings: [String: [MappingEntry]] = [:]
        for entry in entries {
            let field = fieldName(entry.name, in: fields) ?? entry.name
            if spellings[field] == nil { order.append(field) }
            spellings[field, default: []].append(entry)
        }
        var result: [MappingEntry] = []
        for field in order {
            let written = spellings[field]!.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            var value = written[0].value
            for later in written.dropFirst() {
                value = decoded(later.value, over: value)
            }
            if written.count > 1 {
                let names = written.map { "'\($0.name)'" }.joined(separator: ", ")
                warn(Diagnostic(
                    .warning, code: "kustomize.duplicate-field",
                    message: "\(names) all set the field '\(field)'; kustomize applies them in that order, the last one winning",
                    location: written.last!.key.mark.location))
            }
            if let shape = fields[field] {
                value = shape.canonical(value, warn: warn)
            }
            var key = written.last!.key
            if key.scalar?.value != field { key.content = .scalar(Scalar(field)) }
            result.append(MappingEntry(key: key, value: value))
        }
        return Node(.mapping(result), mark: node.mark)
    }

    func canonical(_ node: Node, warn: (Diagnostic) -> Void) -> Node {
        switch self {
        case .value:
            return node
        case .structure(let fields):
            return FieldShape.canonical(node, fields: fields, warn: warn)
        case .list(let item):
            guard let items = node.items else { return node }
            return Node(.sequence(items.map { item.canonical($0, warn: warn) }), mark: node.mark)
        }
    }

    /// The field a key names: itself when a field has exactly that name, else the one it
    /// matches as Go's JSON decoder folds names.
    static func fieldName(_ key: String, in fields: [String: FieldShape]) -> String? {
        if fields[key] != nil { return key }
        let folded = goFolded(key)
        return fields.keys.first { goFolded($0) == folded }
    }

    /// A name as Go's JSON decoder compares field names: ASCII letters in one case, and the
    /// two non-ASCII letters that fold to ASCII ones (Kelvin sign, long s) as those.
    static func goFolded(_ name: String) -> String {
        var folded = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            switch scalar {
            case "A"..."Z": folded.append(Unicode.Scalar(scalar.value + 32)!)
            case "\u{212A}": folded.append("k")
            case "\u{017F}": folded.append("s")
            default: folded.append(scalar)
            }
        }
        return String(folded)
    }

    /// A later JSON value decoded over an earlier one into the same Go field: mappings
    /// (maps and structs) merge key by key, anything else is replaced.
    static func decoded(_ later: Node, over earlier: Node) -> Node {
        guard var merged = earlier.entries, let incoming = later.entries else { return later }
        for entry in incoming {
            if let index = merged.firstIndex(where: { $0.name == entry.name }) {
                merged[index].value = decoded(entry.value, over: merged[index].value)
            } else {
                merged.append(entry)
            }
        }
        return Node(.mapping(merged), mark: later.mark)
    }
}
