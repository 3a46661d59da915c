import Diagnostics
import YAML

/// A parsed `kustomization.yaml` (kind Kustomization or Component).
///
/// Fields stay as nodes so that every transformer reports problems at the line that caused
/// them; this type only checks the top-level shape and knows which fields exist.
public struct Kustomization: Sendable {
    public enum Kind: String, Sendable {
        case kustomization = "Kustomization"
        case component = "Component"
    }

    public var kind: Kind
    public var node: Node
    /// The kustomization file's path, for messages.
    public var file: String
    /// The kustomization file's absolute path (empty when it was not read from a file).
    public internal(set) var path = ""

    /// The file names kustomize looks for in a folder, in its order of preference.
    public static let fileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    /// Every field of kustomize v5.5.0's Kustomization, with what gitopsc does with it.
    static let supportedFields: Set<String> = [
        "apiVersion", "kind", "metadata", "resources", "bases", "components", "crds",
        "patches", "patchesStrategicMerge", "patchesJson6902", "namespace", "namePrefix",
        "nameSuffix", "commonLabels", "labels", "commonAnnotations", "images", "imageTags",
        "replicas", "configMapGenerator", "secretGenerator", "generatorOptions",
        "replacements", "sortOptions", "configurations", "buildMetadata", "openapi", "vars",
        "generators", "transformers", "validators",
    ]

    /// Fields kustomize knows but gitopsc refuses: they fetch from the network or run
    /// programs, and a build must stay hermetic.
    static let refusedFields: [String: String] = [
        "helmCharts": "Helm charts are not supported: gitopsc never runs programs or fetches charts",
        "helmGlobals": "Helm charts are not supported: gitopsc never runs programs or fetches charts",
        "helmChartInflationGenerator": "Helm charts are not supported: gitopsc never runs programs or fetches charts",
    ]

    /// The apiVersion each kind requires when it is given.
    static let apiVersions: [Kind: String] = [
        .kustomization: "kustomize.config.k8s.io/v1beta1", .component: "kustomize.config.k8s.io/v1alpha1",
    ]

    /// Reads a kustomization the way kustomize decodes one (YAML to JSON, then Go's JSON
    /// decoder): a field name matches case-insensitively when no field has it exactly, and
    /// when several keys name one field they apply in byte order of their spelling (JSON
    /// objects come out sorted), the last replacing a list or scalar and merging into a
    /// mapping. Such repeats are reported through `warn`, as they rarely mean what they say.
    public init(node: Node, file: String, warn: (Diagnostic) -> Void = { _ in }) throws(Diagnostic) {
        self.file = file
        guard let entries = node.entries else {
            if node.isNull {
                throw Diagnostic.error("kustomize.empty", "kustomization file is empty", at: node.mark.location ?? SourceLocation(file: file, line: 1, column: 1))
            }
            throw Diagnostic.error("kustomize.invalid", "a kustomization must be a mapping, found a \(node.kindName)", at: node.mark.location)
        }
        for entry in entries {
            _ = try Kustomization.field(named: entry)
        }
        let normalized = FieldShape.canonical(node, fields: Kustomization.shapes, warn: warn)
        let kindNode = normalized["kind"]
        switch kindNode?.text ?? "" {
        case "", "Kustomization": kind = .kustomization
        case "Component": kind = .component
        default:
            throw Diagnostic.error(
                "kustomize.invalid", "kind '\(kindNode?.text ?? "")' is neither Kustomization nor Component",
                at: kindNode?.mark.location)
        }
        if let apiVersion = normalized["apiVersion"], let text = apiVersion.text, !text.isEmpty, text != Kustomization.apiVersions[kind] {
            throw Diagnostic.error(
                "kustomize.invalid",
                "apiVersion '\(text)': a \(kind.rawValue) must have apiVersion \(Kustomization.apiVersions[kind]!) (or none)",
                at: apiVersion.mark.location)
        }
        self.node = normalized
    }

    /// Whether every field decodes to Go's zero value (null, or an empty string), apiVersion
    /// and kind aside: kustomize refuses to build such a kustomization, and so does gitopsc,
    /// since building it as nothing would hide a file that lost its content.
    var setsNoField: Bool {
        (node.entries ?? []).allSatisfy { entry in
            entry.name == "apiVersion" || entry.name == "kind" || entry.value.isNull || entry.value.scalar?.value == ""
        }
    }

    /// The field a key names: itself, or the field it matches case-insensitively as Go's JSON
    /// decoder folds names. Unknown and refused fields are errors.
    static func field(named entry: MappingEntry) throws(Diagnostic) -> String {
        let name = entry.name
        let field = allFields.contains(name) ? name : foldedFields[FieldShape.goFolded(name)]
        if let field, let reason = refusedFields[field] {
            throw Diagnostic.error("kustomize.unsupported", "field '\(name)': \(reason)", at: entry.key.mark.location)
        }
        guard let field else {
            var message = "unknown field '\(name)' in kustomization"
            if let suggestion = closestMatch(to: name, in: supportedFields) {
                message += "; did you mean '\(suggestion)'?"
            }
            throw Diagnostic.error("kustomize.unknown-field", message, at: entry.key.mark.location)
        }
        return field
    }

    static let allFields = supportedFields.union(refusedFields.keys)
    static let foldedFields = Dictionary(uniqueKeysWithValues: allFields.map { (FieldShape.goFolded($0), $0) })
    static let shapes = Dictionary(uniqueKeysWithValues: allFields.map { ($0, FieldShape.kustomization[$0] ?? .value) })

    public subscript(field: String) -> Node? {
        guard let value = node[field], !value.isNull else { return nil }
        return value
    }

    /// A list of strings such as `resources`; each entry keeps its node for messages.
    public func stringList(_ field: String) throws(Diagnostic) -> [Node] {
        guard let value = self[field] else { return [] }
        guard let items = value.items else {
            throw Diagnostic.error("kustomize.invalid", "'\(field)' must be a list, found a \(value.kindName)", at: value.mark.location)
        }
        for item in items where item.text == nil {
            throw Diagnostic.error("kustomize.invalid", "entries of '\(field)' must be strings, found a \(item.kindName)", at: item.mark.location)
        }
        return items
    }

    /// A list of mappings such as `patches` or `configMapGenerator`.
    public func mappingList(_ field: String) throws(Diagnostic) -> [Node] {
        guard let value = self[field] else { return [] }
        guard let items = value.items else {
            throw Diagnostic.error("kustomize.invalid", "'\(field)' must be a list, found a \(value.kindName)", at: value.mark.location)
        }
        return items
    }

    /// A single string field such as `namespace`.
    public func string(_ field: String) throws(Diagnostic) -> Node? {
        guard let value = self[field] else { return nil }
        guard value.text != nil else {
            throw Diagnostic.error("kustomize.invalid", "'\(field)' must be a string, found a \(value.kindName)", at: value.mark.location)
        }
        return value
    }
}
