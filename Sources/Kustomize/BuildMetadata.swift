import Diagnostics
import FileSources
import YAML

/// Where an object of a build came from, for kustomize's origin annotation.
enum ResourceOrigin: Sendable {
    /// Read from this file (an absolute path).
    case file(String)
    /// Made by a generator: a kustomization field or a builtin plugin configuration.
    case generator(BuiltinConfiguration)
}

/// A builtin generator or transformer as kustomize's annotations name it: the file that
/// configures it (an absolute path: the kustomization, or a plugin configuration's file)
/// and, for a plugin configuration, its name and namespace.
struct BuiltinConfiguration: Sendable {
    var configuredIn: String
    var kind: String
    var name = ""
    var namespace = ""

    /// kustomize's Origin struct as YAML, fields in declaration order (not sorted), the
    /// path relative to the folder being built.
    func yaml(relativeTo root: String) -> String {
        var by: [(String, Node)] = [("apiVersion", .string("builtin")), ("kind", .string(kind))]
        if !name.isEmpty { by.append(("name", .string(name))) }
        if !namespace.isEmpty { by.append(("namespace", .string(namespace))) }
        return YAMLEmitter.emit(.mapping([("configuredIn", .string(BuildMetadata.relative(configuredIn, from: root)))]))
            + YAMLEmitter.emit(.mapping([("configuredBy", .mapping(by))]))
    }
}

/// The `buildMetadata` options of the kustomization being built (kustomize reads only the
/// top one's): an annotation saying where each object came from, and the managed-by label.
struct BuildMetadata {
    static let originAnnotation = "config.kubernetes.io/origin"
    static let managedByLabel = "app.kubernetes.io/managed-by"
    static let transformationsAnnotation = "alpha.config.kubernetes.io/transformations"

    var originAnnotations = false
    var transformerAnnotations = false
    var managedByLabel = false

    init(_ kustomization: Kustomization) throws(Diagnostic) {
        for option in try kustomization.stringList("buildMetadata") {
            switch option.text {
            case "originAnnotations": originAnnotations = true
            case "managedByLabel": managedByLabel = true
            case "transformerAnnotations": transformerAnnotations = true
            default:
                throw Diagnostic.error(
                    "kustomize.invalid", "unknown buildMetadata option '\(option.text ?? "")' (originAnnotations, managedByLabel or transformerAnnotations)",
                    at: option.mark.location)
            }
        }
    }

    /// Adds the annotations and label to the final objects of a build rooted at `root`.
    /// `managedBy` is the label's value.
    func apply(to resources: inout [Resource], root: String, managedBy: String) throws(Diagnostic) {
        if originAnnotations {
            for index in resources.indices {
                // kustomize writes its Origin struct: fields in declaration order, not sorted.
                let origin: String
                switch resources[index].origin {
                case .file(let path)?:
                    origin = YAMLEmitter.emit(.mapping([("path", .string(BuildMetadata.relative(path, from: root)))]))
                case .generator(let configuration)?:
                    origin = configuration.yaml(relativeTo: root)
                case nil:
                    throw Diagnostic.error(
                        "kustomize.unsupported", "buildMetadata 'originAnnotations': the origin of \(resources[index].id) is not recorded",
                        at: resources[index].location)
                }
                resources[index].node.set(["metadata", "annotations", BuildMetadata.originAnnotation], to: .string(origin))
            }
        }
        if transformerAnnotations {
            // Every transformer that ran while the object was in the build, as a YAML list.
            for index in resources.indices where !resources[index].transformations.isEmpty {
                let list = resources[index].transformations.map { configuration in
                    configuration.yaml(relativeTo: root).split(separator: "\n").enumerated()
                        .map { ($0.offset == 0 ? "- " : "  ") + $0.element + "\n" }.joined()
                }.joined()
                resources[index].node.set(["metadata", "annotations", BuildMetadata.transformationsAnnotation], to: .string(list))
            }
        }
        if managedByLabel {
            var config = TransformerConfig()
            config.commonLabels = [FieldSpec("metadata/labels", create: true)]
            try Transformers.commonLabels(.mapping([(BuildMetadata.managedByLabel, .string(managedBy))]), &resources, config: config)
        }
    }

    /// `path` relative to the folder `base`, with `..` steps where it is outside it.
    static func relative(_ path: String, from base: String) -> String {
        let target = standardized(path).split(separator: "/"), origin = standardized(base).split(separator: "/")
        var common = 0
        while common < min(target.count, origin.count), target[common] == origin[common] { common += 1 }
        let steps = Array(repeating: "..", count: origin.count - common) + target[common...].map(String.init)
        return steps.isEmpty ? "." : steps.joined(separator: "/")
    }
}
