import Diagnostics
import FileSources
import YAML

/// Where an object of a build came from, for kustomize's origin annotation.
enum ResourceOrigin: Sendable {
    /// Read from this file (an absolute path).
    case file(String)
    /// Made by a `configMapGenerator`/`secretGenerator` of this kustomization file.
    case generator(kustomization: String, kind: String)
}

/// The `buildMetadata` options of the kustomization being built (kustomize reads only the
/// top one's): an annotation saying where each object came from, and the managed-by label.
struct BuildMetadata {
    static let originAnnotation = "config.kubernetes.io/origin"
    static let managedByLabel = "app.kubernetes.io/managed-by"

    var originAnnotations = false
    var managedByLabel = false

    init(_ kustomization: Kustomization) throws(Diagnostic) {
        for option in try kustomization.stringList("buildMetadata") {
            switch option.text {
            case "originAnnotations": originAnnotations = true
            case "managedByLabel": managedByLabel = true
            case "transformerAnnotations":
                throw Diagnostic.error(
                    "kustomize.unsupported", "buildMetadata 'transformerAnnotations' is not supported: gitopsc does not record which transformers touched each object",
                    at: option.mark.location)
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
                case .generator(let kustomization, let kind)?:
                    origin = YAMLEmitter.emit(.mapping([("configuredIn", .string(BuildMetadata.relative(kustomization, from: root)))]))
                        + YAMLEmitter.emit(.mapping([("configuredBy", .mapping([("apiVersion", .string("builtin")), ("kind", .string(kind))]))]))
                case nil:
                    throw Diagnostic.error(
                        "kustomize.unsupported", "buildMetadata 'originAnnotations': the origin of \(resources[index].id), made by a generator plugin, is not recorded",
                        at: resources[index].location)
                }
                resources[index].node.set(["metadata", "annotations", BuildMetadata.originAnnotation], to: .string(origin))
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
