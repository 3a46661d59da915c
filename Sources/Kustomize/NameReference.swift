import Diagnostics
import YAML

/// The name-reference fix-up kustomize runs once at the end of a build: every field that holds
/// the name of another object (a Deployment's ConfigMap volume, a RoleBinding's roleRef and
/// subjects, ...) is rewritten to that object's current name when the object was renamed
/// (prefix, suffix, hash suffix) or, for references that carry a namespace, moved.
public enum NameReference {
    /// Fixes the references, then finishes the objects' annotations as kustomize's last step
    /// does (see `Resource.finishAnnotations`): run it last, after every transformer and the
    /// hash suffixes.
    public static func fix(_ resources: inout [Resource], config: TransformerConfig) throws(Diagnostic) {
        // References are read from and written to referrers only; the referral candidates'
        // names and namespaces do not change here, so what is known of every object before the
        // first change serves every referrer.
        let objects = Objects(resources)
        var fieldsByKind: [GVK: [Field]] = [:]
        for index in resources.indices {
            let gvk = objects.all[index].originalId.gvk
            let fields: [Field]
            if let known = fieldsByKind[gvk] {
                fields = known
            } else {
                fields = config.nameReference.flatMap { reference in
                    reference.referrers.filter { gvk.isSelected(by: $0.gvk) }.map { Field(spec: $0, target: reference.gvk) }
                }
                fieldsByKind[gvk] = fields
            }
            guard !fields.isEmpty else { continue }
            let candidates = try Candidates(for: index, node: resources[index].node, in: objects)
            let referrer = objects.all[index]
            for field in fields {
                let fixer = Fixer(objects: objects, referrer: index, spec: field.spec, target: field.target, candidates: candidates)
                do {
                    try field.spec.apply(to: &resources[index].node, creating: nil) { (value: inout Node) throws(Diagnostic) in
                        try fixer.fix(&value)
                    }
                } catch {
                    throw error.naming(referrer.id, at: referrer.location)
                }
            }
        }
        for index in resources.indices {
            resources[index].finishAnnotations()
        }
    }

    /// One field that holds names of objects of the `target` kind.
    struct Field {
        let spec: FieldSpec
        let target: GVK
    }

    /// What a reference is resolved against, read once per object before anything changes.
    struct Object {
        let id: ResId
        let originalId: ResId
        let previousIds: [ResId]
        let isClusterScoped: Bool
        let effectiveNamespace: String
        let originalIsClusterScoped: Bool
        let originalEffectiveNamespace: String
        let prefixes: [String]
        let suffixes: [String]
        /// The kind a RoleBinding's `roleRef` names (apiGroup and kind), if it names one.
        let roleRefKind: GVK?
        let location: SourceLocation?

        init(_ resource: Resource) {
            id = resource.id
            previousIds = resource.previousIds
            originalId = previousIds.first ?? id
            isClusterScoped = id.gvk.isClusterScoped
            effectiveNamespace = id.effectiveNamespace
            originalIsClusterScoped = originalId.gvk.isClusterScoped
            originalEffectiveNamespace = originalId.effectiveNamespace
            prefixes = resource.namePrefixes
            suffixes = resource.nameSuffixes
            if let roleRef = resource.node["roleRef"], let group = roleRef["apiGroup"]?.scalar?.value, let kind = roleRef["kind"]?.scalar?.value {
                roleRefKind = GVK(group: group, kind: kind)
            } else {
                roleRefKind = nil
            }
            location = resource.location
        }

        /// kustomize's `PrefixesSuffixesEquals`.
        func sharesAffixes(with other: Object) -> Bool {
            Resource.sameEnding(prefixes, other.prefixes) && Resource.sameEnding(suffixes, other.suffixes)
        }
    }

    /// Every object of the build, and which ones ever had each name: only those can be the
    /// referral of a reference that uses the name, so most references are settled by one lookup.
    struct Objects {
        let all: [Object]
        let byPreviousName: [String: [Int]]

        init(_ resources: [Resource]) {
            all = resources.map(Object.init)
            var byPreviousName: [String: [Int]] = [:]
            for (index, object) in all.enumerated() {
                for name in Set(object.previousIds.map(\.name)) {
                    byPreviousName[name, default: []].append(index)
                }
            }
            self.byPreviousName = byPreviousName
        }
    }

    /// kustomize's `SubsetThatCouldBeReferencedByResource`: a namespaced referrer sees
    /// cluster-scoped objects, objects of its own namespace, and, for a RoleBinding, objects
    /// in the namespaces of its ServiceAccount subjects.
    struct Candidates {
        let seesAll: Bool
        let namespace: String
        let subjectNamespaces: Set<String>

        init(for referrer: Int, node: Node, in objects: Objects) throws(Diagnostic) {
            let referrerId = objects.all[referrer].id
            seesAll = objects.all[referrer].isClusterScoped
            namespace = objects.all[referrer].effectiveNamespace
            var subjectNamespaces: Set<String> = []
            if !seesAll, referrerId.gvk.kind == "RoleBinding" {
                for subject in node["subjects"]?.items ?? [] where subject["kind"]?.scalar?.value == "ServiceAccount" {
                    guard let namespace = subject["namespace"] else { continue }
                    guard let text = namespace.text, namespace.type == .string else {
                        throw Diagnostic.error(
                            "kustomize.name-reference", "\(referrerId): a ServiceAccount subject's namespace must be a string", at: namespace.mark.location)
                    }
                    subjectNamespaces.insert(text)
                }
            }
            self.subjectNamespaces = subjectNamespaces
        }

        func contains(_ object: Object) -> Bool {
            seesAll || object.isClusterScoped || object.effectiveNamespace == namespace || subjectNamespaces.contains(object.id.namespace)
        }
    }

    /// Fixes the names found along one referrer field.
    struct Fixer {
        let objects: Objects
        let referrer: Int
        let spec: FieldSpec
        let target: GVK
        let candidates: Candidates

        func fix(_ node: inout Node) throws(Diagnostic) {
            switch node.content {
            case .scalar where node.isNull:
                return
            case .scalar:
                try fixName(&node)
            case .mapping:
                try fixNameAndNamespace(&node)
            case .sequence:
                try node.updateItems { (items: inout [Node]) throws(Diagnostic) in
                    for index in items.indices {
                        switch items[index].content {
                        case .scalar where items[index].isNull: continue
                        case .scalar: try fixName(&items[index])
                        case .mapping: try fixNameAndNamespace(&items[index])
                        case .sequence:
                            throw Diagnostic.error(
                                "kustomize.name-reference", "field '\(spec.path)': a name reference must be a string or a mapping, found a list",
                                at: items[index].mark.location)
                        }
                    }
                }
            }
        }

        /// A field that holds only a name.
        func fixName(_ node: inout Node) throws(Diagnostic) {
            let oldName = node.scalar?.value ?? ""
            guard let referral = try select(oldName, sameNamespace: false, inNamespace: nil), referral.id.name != oldName else { return }
            node = .string(referral.id.name, mark: node.mark)
        }

        /// A mapping with `name` and maybe `namespace` (a RoleBinding subject, a webhook's
        /// service): both are taken from the referral, and a given namespace narrows the choice.
        func fixNameAndNamespace(_ node: inout Node) throws(Diagnostic) {
            guard let nameNode = node["name"] else {
                throw Diagnostic.error("kustomize.name-reference", "field '\(spec.path)': the reference has no 'name' field", at: node.mark.location)
            }
            let oldName = nameNode.scalar?.value ?? ""
            let namespace = node["namespace"].map { $0.scalar?.value ?? "" }
            guard let referral = try select(oldName, sameNamespace: true, inNamespace: namespace) else { return }
            if referral.id.name == oldName && referral.id.namespace.isEmpty { return }
            node["name"] = .string(referral.id.name, mark: nameNode.mark)
            // An empty namespace is a wildcard here, not `default`: it is never written.
            if !referral.id.namespace.isEmpty {
                node["namespace"] = .string(referral.id.namespace, mark: node["namespace"]?.mark ?? nameNode.mark)
            }
        }

        /// kustomize's `selectReferral`: objects once named `oldName`, of the target kind (and
        /// of a roleRef's kind), in the referrer's namespace; several are told apart by the
        /// prefixes and suffixes they share with the referrer. A reference that gives a
        /// namespace sees the candidates first in that namespace (as they were read), else
        /// those in it now.
        func select(_ oldName: String, sameNamespace: Bool, inNamespace namespace: String?) throws(Diagnostic) -> Object? {
            guard let named = objects.byPreviousName[oldName] else { return nil }
            let all = objects.all
            var inPool: (Object) -> Bool = candidates.contains
            if let namespace {
                let candidates = self.candidates
                let byOriginal = { (object: Object) in
                    candidates.contains(object) && !object.originalIsClusterScoped && object.originalEffectiveNamespace == namespace
                }
                inPool = all.contains(where: byOriginal)
                    ? byOriginal
                    : { candidates.contains($0) && !$0.isClusterScoped && $0.effectiveNamespace == namespace }
            }
            var matches = named.map { all[$0] }.filter { candidate in
                inPool(candidate) && candidate.previousIds.contains { $0.gvk.isSelected(by: target) }
            }
            if let roleRef = roleRefKind {
                matches = matches.filter { $0.previousIds.contains { $0.gvk.isSelected(by: roleRef) } }
            }
            let referrer = all[self.referrer]
            if !referrer.isClusterScoped {
                // ServiceAccounts in other namespaces may be bound by a RoleBinding.
                matches = matches.filter { candidate in
                    candidate.isClusterScoped || candidate.id.gvk.kind == "ServiceAccount" || candidate.effectiveNamespace == referrer.effectiveNamespace
                }
            }
            if matches.count == 1 { return matches[0] }
            matches = matches.filter { $0.sharesAffixes(with: referrer) }
            if matches.count <= 1 { return matches.first }
            let first = matches[0]
            let identical = matches.allSatisfy { $0.id.name == first.id.name && (!sameNamespace || $0.id.namespace == first.id.namespace) }
            if identical { return first }
            throw Diagnostic.error(
                "kustomize.name-reference",
                "field '\(spec.path)': name '\(oldName)' could refer to several objects: "
                    + matches.map(\.id.description).joined(separator: ", "),
                at: referrer.location)
        }

        /// For a `roleRef/name` field, the kind its `roleRef` names (apiGroup and kind).
        var roleRefKind: GVK? {
            spec.path.hasSuffix("roleRef/name") ? objects.all[referrer].roleRefKind : nil
        }
    }
}

// MARK: Prefix and suffix records

/// kustomize records the prefixes and suffixes each object received, in annotations of its
/// own, and removes them when the build ends; gitopsc keeps the same records the same way, so
/// patches and selectors see the objects as kustomize's do.
extension Resource {
    static let prefixesAnnotation = "internal.config.kubernetes.io/prefixes"
    static let suffixesAnnotation = "internal.config.kubernetes.io/suffixes"

    var namePrefixes: [String] { affixes(Resource.prefixesAnnotation) }
    var nameSuffixes: [String] { affixes(Resource.suffixesAnnotation) }

    private func affixes(_ key: String) -> [String] {
        guard let text = node[path: ["metadata", "annotations", key]]?.scalar?.value, !text.isEmpty else { return [] }
        return text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    mutating func recordAffix(_ affix: String, isPrefix: Bool) {
        let key = isPrefix ? Resource.prefixesAnnotation : Resource.suffixesAnnotation
        let list = affixes(key) + [affix]
        node.set(["metadata", "annotations", key], to: .string(list.joined(separator: ",")))
    }

    /// kustomize's `RemoveBuildAnnotations`, which ends every build: the bookkeeping
    /// annotations go, and the rest are normalized as when the object was read.
    mutating func finishAnnotations() {
        if var annotations = node[path: ["metadata", "annotations"]], annotations.isMapping {
            annotations[Resource.prefixesAnnotation] = nil
            annotations[Resource.suffixesAnnotation] = nil
            node.set(["metadata", "annotations"], to: annotations)
        }
        normalizeAnnotations()
    }

    /// kustomize's `PrefixesSuffixesEquals` on one list: the shorter list of prefixes (or of
    /// suffixes) ends the longer one.
    static func sameEnding(_ a: [String], _ b: [String]) -> Bool {
        let (shorter, longer) = a.count <= b.count ? (a, b) : (b, a)
        if shorter.isEmpty { return longer.isEmpty }
        return Array(longer.suffix(shorter.count)) == shorter
    }
}
