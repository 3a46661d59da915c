import Diagnostics
import FoundationEssentials
import YAML

/// kustomize v5.5.0's built-in field-spec transformers. Each takes its kustomization field's
/// raw value, checks it as strictly as kustomize decodes it, and changes the objects the way
/// `kustomize build` does, down to which missing fields are created.
public enum Transformers {
    // MARK: namespace

    /// `namespace:`. Cluster-scoped objects keep their (absent) namespace; a core Namespace
    /// object is renamed to the namespace; (Cluster)RoleBinding subjects named `default` get the
    /// namespace (other ServiceAccount subjects get theirs from the name-reference fix-up).
    public static func namespace(_ value: Node, _ resources: inout [Resource], config: TransformerConfig) throws(Diagnostic) {
        guard let namespace = try TransformerInput.string(value, field: "namespace"), !namespace.isEmpty else { return }
        let setNamespace = { (node: inout Node) throws(Diagnostic) in try setScalar(&node, to: namespace, field: "namespace") }
        // `metadata/namespace` is set below on namespaced objects only, whatever the specs say.
        let specs = config.namespace.filter { $0.path != "metadata/namespace" }
        // How many objects hold each identity now, kept up to date as objects move.
        var keys = resources.map(\.id.objectKey)
        var holders: [ResId.ObjectKey: Int] = [:]
        for key in keys { holders[key, default: 0] += 1 }
        for index in resources.indices {
            var resource = resources[index]
            guard resource.node.entries?.isEmpty == false else { continue }
            resource.rememberId()
            let gvk = resource.gvk
            // `metadata/name` (the Namespace rename) applies to the core group only.
            var applicable = specs.filter { spec in
                spec.selects(gvk) && (gvk.apiVersion == "v1" || spec.path != "metadata/name")
            }
            try within(resource) { () throws(Diagnostic) in
                if !gvk.isClusterScoped {
                    try FieldSpec("metadata/namespace", create: true).apply(to: &resource.node, creating: .scalar, setNamespace)
                }
                if isRoleBinding(gvk.kind) {
                    applicable.removeAll { isRoleBinding($0.gvk.kind) && $0.path == "subjects/namespace" }
                    try setDefaultSubjects(&resource.node, setNamespace)
                }
                for spec in applicable {
                    try spec.apply(to: &resource.node, creating: .scalar, setNamespace)
                }
            }
            resources[index] = resource
            let id = resource.id
            holders[keys[index], default: 0] -= 1
            keys[index] = id.objectKey
            holders[keys[index], default: 0] += 1
            if holders[keys[index], default: 0] > 1 {
                throw Diagnostic.error(
                    "kustomize.duplicate-id", "setting namespace '\(namespace)' makes two objects \(id)", at: value.mark.location)
            }
        }
    }

    private static func isRoleBinding(_ kind: String) -> Bool {
        kind == "RoleBinding" || kind == "ClusterRoleBinding"
    }

    /// The namespace goes to every subject named `default`, whatever its kind, as in kustomize.
    private static func setDefaultSubjects(_ node: inout Node, _ setNamespace: (inout Node) throws(Diagnostic) -> Void) throws(Diagnostic) {
        guard var subjects = node["subjects"], var items = subjects.items else { return }
        for index in items.indices where items[index].isMapping {
            guard let name = items[index]["name"], !name.isNull else { continue }
            guard name.isScalar else {
                throw Diagnostic.error("kustomize.transform", "a subject's name must be a scalar, found a \(name.kindName)", at: name.mark.location)
            }
            guard name.scalar?.value == "default" else { continue }
            var field = items[index]["namespace"] ?? .string("")
            try setNamespace(&field)
            items[index]["namespace"] = field
        }
        subjects.content = .sequence(items)
        node["subjects"] = subjects
    }

    // MARK: namePrefix / nameSuffix

    /// kustomize never renames these kinds with a prefix or suffix.
    static let unaffixedKinds = [
        GVK(kind: "CustomResourceDefinition"), GVK(group: "apiregistration.k8s.io", kind: "APIService"), GVK(kind: "Namespace"),
    ]

    /// `namePrefix:` and `nameSuffix:`; the prefix goes first, as kustomize runs them in that order.
    public static func prefixSuffix(prefix: Node?, suffix: Node?, _ resources: inout [Resource], config: TransformerConfig) throws(Diagnostic) {
        if let prefix, let text = try TransformerInput.string(prefix, field: "namePrefix"), !text.isEmpty {
            try affix(text, isPrefix: true, specs: config.namePrefix, &resources)
        }
        if let suffix, let text = try TransformerInput.string(suffix, field: "nameSuffix"), !text.isEmpty {
            try affix(text, isPrefix: false, specs: config.nameSuffix, &resources)
        }
    }

    private static func affix(_ affix: String, isPrefix: Bool, specs: [FieldSpec], _ resources: inout [Resource]) throws(Diagnostic) {
        let field = isPrefix ? "namePrefix" : "nameSuffix"
        for index in resources.indices {
            var resource = resources[index]
            let gvk = resource.originalId.gvk
            if unaffixedKinds.contains(where: gvk.isSelected(by:)) { continue }
            try within(resource) { () throws(Diagnostic) in
                for spec in specs where spec.selects(gvk) {
                    if spec.path == "metadata/name" {
                        // Name references pick between same-named candidates by these records.
                        resource.recordAffix(affix, isPrefix: isPrefix)
                        resource.rememberId()
                    }
                    try spec.apply(to: &resource.node, creating: .scalar) { (node: inout Node) throws(Diagnostic) in
                        let current = node.scalar?.value ?? ""
                        try setScalar(&node, to: isPrefix ? affix + current : current + affix, field: field)
                    }
                }
            }
            resources[index] = resource
        }
    }

    // MARK: labels and annotations

    /// `commonLabels:`: labels on objects, their templates, and the selectors that match them.
    public static func commonLabels(_ value: Node, _ resources: inout [Resource], config: TransformerConfig) throws(Diagnostic) {
        let labels = try TransformerInput.stringMap(value, field: "commonLabels")
        try setEntries(labels, specs: config.commonLabels, &resources)
    }

    static let labelFields: Set<String> = ["pairs", "includeSelectors", "includeTemplates", "fields"]

    /// `labels:`: each entry's pairs go to `metadata/labels`, plus templates with
    /// `includeTemplates`, plus selectors (and templates) with `includeSelectors`, plus the
    /// entry's own `fields`. kustomize applies these before `commonLabels`.
    public static func labels(_ value: Node, _ resources: inout [Resource], config: TransformerConfig) throws(Diagnostic) {
        for entry in try TransformerInput.list(value, field: "labels") {
            try TransformerInput.checkFields(entry, allowed: labelFields, in: "a 'labels' entry")
            let pairs = try entry["pairs"].map { (node: Node) throws(Diagnostic) in try TransformerInput.stringMap(node, field: "pairs") } ?? []
            let includeSelectors = try TransformerInput.bool(entry["includeSelectors"], field: "includeSelectors") ?? false
            let includeTemplates = try TransformerInput.bool(entry["includeTemplates"], field: "includeTemplates") ?? false
            var specs = try entry["fields"].map { (node: Node) throws(Diagnostic) in try FieldSpec.list(node, field: "fields") } ?? []
            if includeSelectors {
                specs = try FieldSpec.merged(specs, config.commonLabels, field: "labels")
            } else {
                specs = try FieldSpec.merged(specs, [FieldSpec("metadata/labels", create: true)], field: "labels")
                if includeTemplates {
                    specs = try FieldSpec.merged(specs, config.templateLabels, field: "labels")
                }
            }
            try setEntries(pairs, specs: specs, &resources)
        }
    }

    /// `commonAnnotations:`: annotations on objects and their templates.
    public static func commonAnnotations(_ value: Node, _ resources: inout [Resource], config: TransformerConfig) throws(Diagnostic) {
        let annotations = try TransformerInput.stringMap(value, field: "commonAnnotations")
        try setEntries(annotations, specs: config.commonAnnotations, &resources)
    }

    /// Sets each key (in sorted order, as kustomize) in every mapping the specs reach; a null
    /// mapping at the end of a path stays null, as in kustomize.
    private static func setEntries(_ pairs: [(key: String, value: String)], specs: [FieldSpec], _ resources: inout [Resource]) throws(Diagnostic) {
        guard !pairs.isEmpty else { return }
        var values: [String: String] = [:]
        for pair in pairs { values[pair.key] = pair.value }
        let keys = values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for index in resources.indices {
            var resource = resources[index]
            let gvk = resource.gvk
            let applicable = specs.filter { $0.selects(gvk) }
            try within(resource) { () throws(Diagnostic) in
                for spec in applicable {
                    try spec.apply(to: &resource.node, creating: .mapping) { (node: inout Node) throws(Diagnostic) in
                        if node.isNull { return }
                        guard node.isMapping else {
                            throw spec.failure("expected a mapping, found a \(node.kindName)", at: node)
                        }
                        for key in keys {
                            node[key] = .string(values[key]!)
                        }
                    }
                }
            }
            resources[index] = resource
        }
    }

    // MARK: images

    static let imageFields: Set<String> = ["name", "newName", "newTag", "digest", "tagSuffix"]

    /// `images:`. Each entry is applied in turn, first to the `image` of every item of any
    /// `containers`/`initContainers` list anywhere in an object, then once more along the
    /// images field specs (so a `tagSuffix` lands twice on a Deployment's containers, as in
    /// kustomize). CustomResourceDefinitions are left alone.
    public static func images(_ value: Node, _ resources: inout [Resource], config: TransformerConfig) throws(Diagnostic) {
        for entry in try TransformerInput.list(value, field: "images") {
            try TransformerInput.checkFields(entry, allowed: imageFields, in: "an 'images' entry")
            let update = try ImageUpdate(entry)
            for index in resources.indices where resources[index].gvk.kind != "CustomResourceDefinition" {
                var resource = resources[index]
                let gvk = resource.gvk
                try within(resource) { () throws(Diagnostic) in
                    try update.applyToContainerLists(&resource.node)
                    for spec in config.images where spec.selects(gvk) {
                        try spec.apply(to: &resource.node, creating: nil) { (node: inout Node) throws(Diagnostic) in
                            try update.apply(to: &node)
                        }
                    }
                }
                resources[index] = resource
            }
        }
    }

    // MARK: replicas

    static let replicaFields: Set<String> = ["name", "count"]

    /// `replicas:`. An entry whose name matches no object of a kind with a replicas field (by
    /// its current or any previous name) is an error, as in kustomize.
    public static func replicas(_ value: Node, _ resources: inout [Resource], config: TransformerConfig) throws(Diagnostic) {
        for entry in try TransformerInput.list(value, field: "replicas") {
            try TransformerInput.checkFields(entry, allowed: replicaFields, in: "a 'replicas' entry")
            let name = try TransformerInput.string(entry["name"], field: "name") ?? ""
            let count = try TransformerInput.int(entry["count"], field: "count") ?? 0
            var found = false
            for spec in config.replicas {
                for index in resources.indices {
                    let ids = resources[index].previousIds + [resources[index].id]
                    guard ids.contains(where: { $0.name == name && $0.gvk.isSelected(by: spec.gvk) }) else { continue }
                    found = true
                    var resource = resources[index]
                    guard spec.selects(resource.gvk) else { continue }
                    try within(resource) { () throws(Diagnostic) in
                        try spec.apply(to: &resource.node, creating: .scalar) { (node: inout Node) throws(Diagnostic) in
                            guard node.isScalar else {
                                throw spec.failure("expected a scalar, found a \(node.kindName)", at: node)
                            }
                            node = .scalar(String(count), mark: node.mark)
                        }
                    }
                    resources[index] = resource
                }
            }
            if !found {
                let kinds = config.replicas.map(\.gvk.kind).filter { !$0.isEmpty }
                throw Diagnostic.error(
                    "kustomize.replicas",
                    "replicas: no \(kinds.joined(separator: ", ")) object is named '\(name)'",
                    at: (entry["name"] ?? entry).mark.location)
            }
        }
    }

    // MARK: Helpers

    /// Replaces a scalar with a string, as kustomize's scalar setter (which refuses other nodes).
    static func setScalar(_ node: inout Node, to value: String, field: String) throws(Diagnostic) {
        guard node.isScalar else {
            throw Diagnostic.error("kustomize.transform", "\(field): expected a scalar, found a \(node.kindName)", at: node.mark.location)
        }
        node = .string(value, mark: node.mark)
    }

    /// Runs `body`, naming the object in any failure.
    static func within(_ resource: Resource, _ body: () throws(Diagnostic) -> Void) throws(Diagnostic) {
        do {
            try body()
        } catch {
            throw error.naming(resource.id, at: resource.location)
        }
    }
}

extension Diagnostic {
    /// The failure with the object it happened in named first, and placed at the object
    /// when it has no place of its own.
    func naming(_ id: ResId, at location: SourceLocation?) -> Diagnostic {
        var diagnostic = self
        diagnostic.message = "\(id): \(message)"
        if diagnostic.location == nil { diagnostic.location = location }
        return diagnostic
    }
}

/// One `images` entry: which images it matches and what it changes.
struct ImageUpdate {
    var name: String
    var newName: String
    var newTag: String
    var digest: String
    var tagSuffix: String
    let pattern: Pattern

    init(_ entry: Node) throws(Diagnostic) {
        name = try TransformerInput.string(entry["name"], field: "name") ?? ""
        newName = try TransformerInput.string(entry["newName"], field: "newName") ?? ""
        newTag = try TransformerInput.string(entry["newTag"], field: "newTag") ?? ""
        digest = try TransformerInput.string(entry["digest"], field: "digest") ?? ""
        tagSuffix = try TransformerInput.string(entry["tagSuffix"], field: "tagSuffix") ?? ""
        // kustomize uses the name as a regular expression, unescaped.
        guard let pattern = Pattern("^" + name + "(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$") else {
            throw Diagnostic.error("kustomize.invalid", "image name '\(name)' is not a valid pattern", at: entry["name"]?.mark.location)
        }
        self.pattern = pattern
    }

    func matches(_ image: String) -> Bool {
        pattern.matches(image)
    }

    /// kustomize's `image.Split`: name, tag and digest of `[host[:port]/]path[:tag][@digest]`.
    static func split(_ image: String) -> (name: String, tag: String, digest: String) {
        let bytes = Array(image.utf8)
        // A colon before the first slash belongs to a registry port.
        var start = 0
        if let slash = bytes.firstIndex(of: UInt8(ascii: "/")), slash > 0 { start = slash }
        let search = bytes[start...]
        let at = search.firstIndex(of: UInt8(ascii: "@"))
        let colon = search.firstIndex(of: UInt8(ascii: ":"))
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        switch (colon, at) {
        case (nil, nil):
            return (image, "", "")
        case (_, let at?) where colon == nil || at < colon!:
            return (text(0..<at), "", text(at + 1..<bytes.count))
        case (let colon?, let at?):
            return (text(0..<colon), text(colon + 1..<at), text(at + 1..<bytes.count))
        case (let colon?, nil):
            return (text(0..<colon), text(colon + 1..<bytes.count), "")
        default:
            return (image, "", "")
        }
    }

    /// kustomize's image updater on one `image` value.
    func apply(to node: inout Node) throws(Diagnostic) {
        guard let scalar = node.scalar else {
            throw Diagnostic.error("kustomize.transform", "images: an image must be a scalar, found a \(node.kindName)", at: node.mark.location)
        }
        let value = scalar.value
        guard matches(value) else { return }
        var (image, tag, currentDigest) = ImageUpdate.split(value)
        if !newName.isEmpty { image = newName }
        // A new tag or digest replaces both the tag and the digest.
        if !newTag.isEmpty && !digest.isEmpty {
            tag = newTag
            currentDigest = digest
        } else if !newTag.isEmpty {
            tag = newTag
            currentDigest = ""
        } else if !digest.isEmpty {
            tag = ""
            currentDigest = digest
        } else if !tagSuffix.isEmpty {
            tag += tagSuffix
            currentDigest = ""
        }
        if !tag.isEmpty { image += ":" + tag }
        if !currentDigest.isEmpty { image += "@" + currentDigest }
        node = .string(image, mark: node.mark)
    }

    /// kustomize's legacy image filter: the `image` of every item of every `containers` or
    /// `initContainers` list, at any depth (inner fields first).
    func applyToContainerLists(_ node: inout Node) throws(Diagnostic) {
        switch node.content {
        case .mapping(var entries):
            for index in entries.indices {
                try applyToContainerLists(&entries[index].value)
                let key = entries[index].name
                guard key == "containers" || key == "initContainers", var items = entries[index].value.items else { continue }
                for item in items.indices where items[item].isMapping {
                    guard var image = items[item]["image"], !image.isNull else { continue }
                    try apply(to: &image)
                    items[item]["image"] = image
                }
                entries[index].value.content = .sequence(items)
            }
            node.content = .mapping(entries)
        case .sequence(var items):
            for index in items.indices {
                try applyToContainerLists(&items[index])
            }
            node.content = .sequence(items)
        case .scalar:
            break
        }
    }
}
