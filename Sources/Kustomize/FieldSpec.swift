import Diagnostics
import YAML

/// One field a transformer touches, as kustomize's `FieldSpec`: the objects it applies to (a
/// group/version/kind selector whose empty parts match anything), a path such as
/// `spec/template/metadata/labels`, and whether missing fields on the way are created.
///
/// Path steps are separated by `/` (`\/` is a slash inside a key, as in annotation names);
/// a step ending in `[]` names a list field, which is never created.
public struct FieldSpec: Sendable, Equatable {
    public let gvk: GVK
    public let path: String
    public let create: Bool
    /// Where the spec was written, for messages; `Mark.none` for built-in specs.
    public let mark: Mark
    let steps: [Step]

    struct Step: Sendable {
        var name: String
        var isList: Bool

        /// `name[]` is the list field `name`.
        init(_ step: String) {
            // Most steps do not end in `]`: the last byte decides before any comparison.
            if step.utf8.last == UInt8(ascii: "]"), step.hasSuffix("[]") {
                name = String(step.dropLast(2))
                isList = true
            } else {
                name = step
                isList = false
            }
        }
    }

    public init(_ path: String, group: String = "", version: String = "", kind: String = "", create: Bool = false, mark: Mark = .none) {
        self.gvk = GVK(group: group, version: version, kind: kind)
        self.path = path
        self.create = create
        self.mark = mark
        self.steps = FieldSpec.split(path).map(Step.init)
    }

    public static func == (lhs: FieldSpec, rhs: FieldSpec) -> Bool {
        lhs.gvk == rhs.gvk && lhs.path == rhs.path && lhs.create == rhs.create
    }

    /// Whether this spec applies to objects of `gvk`.
    public func selects(_ gvk: GVK) -> Bool {
        gvk.isSelected(by: self.gvk)
    }

    /// kustomize's `PathSplitter`: split at `/`, except where the slash is escaped.
    static func split(_ path: String) -> [String] {
        // Every built-in spec is split at the start of every build: ASCII text without an
        // escape is cut at its slash bytes, which is what the general loop does.
        var path = path
        let plain = path.withUTF8 { bytes in !bytes.contains { $0 >= 0x80 || $0 == UInt8(ascii: "\\") } }
        return plain ? path.parts(separatedBy: UInt8(ascii: "/"), omittingEmpty: false) : splitEscaped(path)
    }

    /// `split` for any text: a step ending in `\` is joined with the next one by a `/`.
    static func splitEscaped(_ path: String) -> [String] {
        var steps: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            if let last = steps.last, last.hasSuffix("\\") {
                steps[steps.count - 1] = last.dropLast() + "/" + part
            } else {
                steps.append(String(part))
            }
        }
        return steps
    }

    /// kustomize's `effectivelyEquals`: same path, and `other`'s selector selects this spec's.
    func isEffectively(_ other: FieldSpec) -> Bool {
        path == other.path && gvk.isSelected(by: other.gvk)
    }
}

// MARK: Walking

/// The kind of node a spec with `create` makes for a missing last field.
enum CreatedKind {
    case scalar
    case mapping

    var emptyNode: Node {
        switch self {
        case .scalar: return .string("")
        case .mapping: return Node(.mapping([]))
        }
    }
}

extension FieldSpec {
    /// Calls `set` on every node the path reaches, as kustomize's field-spec filter does: lists
    /// on the way are entered element by element, a missing field ends the walk unless the spec
    /// creates it (and `creating` says what the last field becomes; nil never creates), a null
    /// field on the way becomes an empty mapping (or an empty list for a `[]` step), and `set`
    /// is called even on a null last field. The caller checks the spec's selector.
    func apply(to node: inout Node, creating: CreatedKind?, _ set: (inout Node) throws(Diagnostic) -> Void) throws(Diagnostic) {
        try walk(&node, step: 0, creating: creating, set)
    }

    private func walk(_ node: inout Node, step index: Int, creating: CreatedKind?, _ set: (inout Node) throws(Diagnostic) -> Void) throws(Diagnostic) {
        if index == steps.count {
            try set(&node)
            return
        }
        if node.isNull { return }
        switch node.content {
        case .sequence:
            try node.updateItems { (items: inout [Node]) throws(Diagnostic) in
                for position in items.indices {
                    try walk(&items[position], step: index, creating: creating, set)
                }
            }
        case .mapping:
            let step = steps[index]
            guard !step.name.isEmpty else {
                throw failure("an empty field name cannot be looked up or created", at: node)
            }
            // What a missing or null field becomes; nil leaves it alone.
            let madeKind: Node?
            let mayCreate: Bool
            if !create || creating == nil || step.isList {
                mayCreate = false
                madeKind = step.isList ? Node(.sequence([])) : nil
            } else if index == steps.count - 1 {
                mayCreate = true
                madeKind = creating?.emptyNode
            } else {
                mayCreate = true
                madeKind = Node(.mapping([]))
            }
            try node.updateEntries { (entries: inout [MappingEntry]) throws(Diagnostic) in
                let position: Int
                if let found = entries.firstIndex(where: { $0.name == step.name }) {
                    position = found
                } else {
                    guard mayCreate, let madeKind else { return }
                    entries.append(MappingEntry(key: .scalar(step.name), value: madeKind))
                    position = entries.count - 1
                }
                if entries[position].value.isNull, var madeKind {
                    madeKind.mark = entries[position].value.mark
                    entries[position].value = madeKind
                }
                try walk(&entries[position].value, step: index + 1, creating: creating, set)
            }
        case .scalar:
            throw failure("expected a mapping or a list, found a scalar", at: node)
        }
    }

    func failure(_ reason: String, at node: Node) -> Diagnostic {
        Diagnostic.error("kustomize.transform", "field '\(path)': \(reason)", at: node.mark.location)
    }
}

extension Node {
    /// Changes a mapping's entries in place: they are moved out of the node while `body`
    /// runs, so that the node's own reference does not make every change copy the array.
    /// Does nothing to a node that is not a mapping.
    mutating func updateEntries<Failure: Error>(_ body: (inout [MappingEntry]) throws(Failure) -> Void) throws(Failure) {
        guard case .mapping(var entries) = content else { return }
        content = .sequence([])
        defer { content = .mapping(entries) }
        try body(&entries)
    }

    /// Changes a sequence's items in place, as `updateEntries` does a mapping's entries.
    mutating func updateItems<Failure: Error>(_ body: (inout [Node]) throws(Failure) -> Void) throws(Failure) {
        guard case .sequence(var items) = content else { return }
        content = .sequence([])
        defer { content = .sequence(items) }
        try body(&items)
    }
}

// MARK: Transformer configuration

/// Which objects a name refers to (`gvk`), and the fields of other objects that hold such names.
public struct NameBackReference: Sendable {
    public var gvk: GVK
    public var referrers: [FieldSpec]

    public init(gvk: GVK, referrers: [FieldSpec]) {
        self.gvk = gvk
        self.referrers = referrers
    }
}

/// kustomize's transformer configuration: for each built-in transformer, the fields it touches.
/// The built-in lists are `TransformerConfig.builtin`; a kustomization's `configurations:` files
/// add to them.
public struct TransformerConfig: Sendable {
    public var namePrefix: [FieldSpec] = []
    public var nameSuffix: [FieldSpec] = []
    public var namespace: [FieldSpec] = []
    public var commonLabels: [FieldSpec] = []
    /// Where `labels` entries with `includeTemplates` go.
    public var templateLabels: [FieldSpec] = []
    public var commonAnnotations: [FieldSpec] = []
    public var nameReference: [NameBackReference] = []
    public var images: [FieldSpec] = []
    public var replicas: [FieldSpec] = []
    /// Where `vars` references (`$(NAME)`) are replaced.
    public var varReference: [FieldSpec] = []

    public init() {}

    /// The plain field-spec lists, by their name in a configuration file.
    static var listFields: [(String, WritableKeyPath<TransformerConfig, [FieldSpec]>)] {
        [
            ("namePrefix", \.namePrefix), ("nameSuffix", \.nameSuffix), ("namespace", \.namespace),
            ("commonLabels", \.commonLabels), ("templateLabels", \.templateLabels),
            ("commonAnnotations", \.commonAnnotations), ("images", \.images), ("replicas", \.replicas),
            ("varReference", \.varReference),
        ]
    }

    /// Reads a transformer configuration file (one YAML document), as strictly as kustomize:
    /// unknown fields are errors.
    public static func parse(_ node: Node) throws(Diagnostic) -> TransformerConfig {
        var config = TransformerConfig()
        if node.isNull { return config }
        let known = Set(listFields.map(\.0) + ["nameReference"])
        try TransformerInput.checkFields(node, allowed: known, in: "a transformer configuration")
        for entry in node.entries ?? [] {
            if let list = listFields.first(where: { $0.0 == entry.name }) {
                config[keyPath: list.1] = try FieldSpec.list(entry.value, field: entry.name)
            } else {
                for item in try TransformerInput.list(entry.value, field: "nameReference") {
                    config.nameReference.append(try NameBackReference.parse(item))
                }
            }
        }
        return config
    }

    /// Adds `other`'s specs, as kustomize merges configurations: a spec already present is
    /// skipped, one that differs from a present spec only in `create` is an error, and name
    /// references to the same kind pool their referrer fields.
    public mutating func merge(_ other: TransformerConfig) throws(Diagnostic) {
        for (name, keyPath) in TransformerConfig.listFields {
            self[keyPath: keyPath] = try FieldSpec.merged(self[keyPath: keyPath], other[keyPath: keyPath], field: name)
        }
        if nameReference.sharesStorage(with: other.nameReference) { return }
        for reference in other.nameReference {
            if let index = nameReference.firstIndex(where: { $0.gvk == reference.gvk }) {
                nameReference[index].referrers = try FieldSpec.merged(nameReference[index].referrers, reference.referrers, field: "nameReference")
            } else {
                nameReference.append(reference)
            }
        }
    }
}

extension FieldSpec {
    static let fields: Set<String> = ["group", "version", "kind", "path", "create"]

    /// One spec as written in a configuration file or a `labels` entry's `fields`.
    static func parse(_ node: Node) throws(Diagnostic) -> FieldSpec {
        try TransformerInput.checkFields(node, allowed: fields, in: "a field spec")
        return FieldSpec(
            try TransformerInput.string(node["path"], field: "path") ?? "",
            group: try TransformerInput.string(node["group"], field: "group") ?? "",
            version: try TransformerInput.string(node["version"], field: "version") ?? "",
            kind: try TransformerInput.string(node["kind"], field: "kind") ?? "",
            create: try TransformerInput.bool(node["create"], field: "create") ?? false,
            mark: node.mark)
    }

    static func list(_ node: Node, field: String) throws(Diagnostic) -> [FieldSpec] {
        var specs: [FieldSpec] = []
        for item in try TransformerInput.list(node, field: field) {
            specs.append(try parse(item))
        }
        return specs
    }

    /// kustomize's `FsSlice.MergeAll`.
    static func merged(_ base: [FieldSpec], _ incoming: [FieldSpec], field: String) throws(Diagnostic) -> [FieldSpec] {
        // Every folder's configuration starts from the built-in specs, so merging a folder into
        // the one above it mostly meets the same list again, often the very same array: that
        // adds nothing, found without comparing, or else in one pass.
        if base.sharesStorage(with: incoming) { return base }
        if incoming.count == base.count, zip(base, incoming).allSatisfy({ $0.isEffectively($1) && $0.create == $1.create }) {
            return base
        }
        var result = base
        for spec in incoming {
            if let present = result.first(where: { $0.isEffectively(spec) }) {
                guard present.create == spec.create else {
                    throw Diagnostic.error(
                        "kustomize.invalid",
                        "conflicting field specs in '\(field)': path '\(spec.path)' is already configured with create: \(present.create)",
                        at: spec.mark.location ?? present.mark.location)
                }
            } else {
                result.append(spec)
            }
        }
        return result
    }
}

extension NameBackReference {
    static let fields: Set<String> = ["group", "version", "kind", "fieldSpecs"]

    static func parse(_ node: Node) throws(Diagnostic) -> NameBackReference {
        try TransformerInput.checkFields(node, allowed: fields, in: "a nameReference entry")
        let gvk = GVK(
            group: try TransformerInput.string(node["group"], field: "group") ?? "",
            version: try TransformerInput.string(node["version"], field: "version") ?? "",
            kind: try TransformerInput.string(node["kind"], field: "kind") ?? "")
        let referrers = try node["fieldSpecs"].map { (specs: Node) throws(Diagnostic) in try FieldSpec.list(specs, field: "fieldSpecs") } ?? []
        return NameBackReference(gvk: gvk, referrers: referrers)
    }
}

// MARK: Reading kustomization values

/// Reads kustomization and configuration values with kustomize's types. kustomize decodes
/// these files with YAML 1.1 rules into Go types, so `yes`, `on` and `y` are booleans and
/// numbers are not strings: such values are errors where a string is expected.
enum TransformerInput {
    /// YAML 1.1 booleans that YAML 1.2 (and so `ScalarType`) reads as strings.
    static let yaml11Booleans: Set<String> = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
    ]

    static func type(of scalar: Scalar) -> ScalarType {
        let type = scalar.type
        if type == .string, scalar.style == .plain, scalar.tag == nil, yaml11Booleans.contains(scalar.value) {
            return .bool
        }
        return type
    }

    static func typeName(_ node: Node) -> String {
        guard let scalar = node.scalar else { return node.kindName }
        switch type(of: scalar) {
        case .int, .float: return "number"
        case .bool: return "boolean"
        case .null: return "null"
        case .string, .binary: return "string"
        }
    }

    /// A string value; nil when absent or null (Go's zero value, which kustomize treats as unset).
    static func string(_ node: Node?, field: String) throws(Diagnostic) -> String? {
        guard let node else { return nil }
        guard let scalar = node.scalar else {
            throw Diagnostic.error("kustomize.invalid", "'\(field)' must be a string, found a \(node.kindName)", at: node.mark.location)
        }
        switch type(of: scalar) {
        case .null: return nil
        case .string, .binary: return scalar.value
        default:
            throw Diagnostic.error(
                "kustomize.invalid", "'\(field)' must be a string, found a \(typeName(node)); quote it", at: node.mark.location)
        }
    }

    static func bool(_ node: Node?, field: String) throws(Diagnostic) -> Bool? {
        guard let node else { return nil }
        guard let scalar = node.scalar, type(of: scalar) == .bool || type(of: scalar) == .null else {
            throw Diagnostic.error("kustomize.invalid", "'\(field)' must be true or false, found a \(typeName(node))", at: node.mark.location)
        }
        if type(of: scalar) == .null { return nil }
        return ["true", "y", "yes", "on"].contains(scalar.value.lowercased())
    }

    /// An integer; a float with an integral value is accepted, as Go's JSON decoding does.
    static func int(_ node: Node?, field: String) throws(Diagnostic) -> Int64? {
        guard let node else { return nil }
        if let scalar = node.scalar {
            switch type(of: scalar) {
            case .null: return nil
            case .int:
                if let value = ScalarType.parseGoInteger(scalar.value.replacing("_", with: "")) { return value }
            case .float:
                if let value = ScalarType.parseFloat(scalar.value), value == value.rounded(), abs(value) < 9.2e18 { return Int64(value) }
            default: break
            }
        }
        throw Diagnostic.error("kustomize.invalid", "'\(field)' must be an integer, found a \(typeName(node))", at: node.mark.location)
    }

    /// A list; a null value is an empty list.
    static func list(_ node: Node, field: String) throws(Diagnostic) -> [Node] {
        if node.isNull { return [] }
        guard let items = node.items else {
            throw Diagnostic.error("kustomize.invalid", "'\(field)' must be a list, found a \(node.kindName)", at: node.mark.location)
        }
        return items
    }

    /// A map of strings such as `commonLabels`, keys in source order; null values are empty
    /// strings, as Go decodes them.
    static func stringMap(_ node: Node, field: String) throws(Diagnostic) -> [(key: String, value: String)] {
        if node.isNull { return [] }
        guard let entries = node.entries else {
            throw Diagnostic.error("kustomize.invalid", "'\(field)' must be a mapping, found a \(node.kindName)", at: node.mark.location)
        }
        var result: [(key: String, value: String)] = []
        for entry in entries {
            let value = try string(entry.value, field: "\(field).\(entry.name)") ?? ""
            result.append((entry.name, value))
        }
        return result
    }

    /// Rejects fields a kustomize type does not have (kustomize decodes strictly).
    static func checkFields(_ node: Node, allowed: Set<String>, in what: String) throws(Diagnostic) {
        guard let entries = node.entries else {
            throw Diagnostic.error("kustomize.invalid", "\(what) must be a mapping, found a \(node.kindName)", at: node.mark.location)
        }
        for entry in entries where !allowed.contains(entry.name) {
            var message = "unknown field '\(entry.name)' in \(what)"
            if let suggestion = closestMatch(to: entry.name, in: allowed) {
                message += "; did you mean '\(suggestion)'?"
            }
            throw Diagnostic.error("kustomize.unknown-field", message, at: entry.key.mark.location)
        }
    }
}

extension Array {
    /// Whether both arrays are one buffer (copies of one array, neither changed since): then
    /// they hold the same elements, whatever those are.
    func sharesStorage(with other: [Element]) -> Bool {
        count == other.count && withUnsafeBufferPointer { mine in
            other.withUnsafeBufferPointer { theirs in mine.baseAddress == theirs.baseAddress }
        }
    }
}
