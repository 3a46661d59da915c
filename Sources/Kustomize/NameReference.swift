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
        // names and namespaces do not change here, so one snapshot serves every referrer.
        let snapshot = resources
        for index in resources.indices {
            let referrer = snapshot[index]
            let gvk = referrer.originalId.gvk
            var fields: [(spec: FieldSpec, target: GVK)] = []
            for reference in config.nameReference {
                for spec in reference.referrers where gvk.isSelected(by: spec.gvk) {
                    fields.append((spec, reference.gvk))
                }
            }
            guard !fields.isEmpty else { continue }
            let candidates = try referralCandidates(for: referrer, in: snapshot)
            var node = referrer.node
            for field in fields {
                let fixer = Fixer(referrer: referrer, spec: field.spec, target: field.target, candidates: candidates)
                try Transformers.within(referrer) { () throws(Diagnostic) in
                    try field.spec.apply(to: &node, creating: nil) { (value: inout Node) throws(Diagnostic) in
                        try fixer.fix(&value)
                    }
                }
            }
            resources[index].node = node
        }
        for index in resources.indices {
            resources[index].finishAnnotations()
        }
    }

    /// kustomize's `SubsetThatCouldBeReferencedByResource`: a namespaced referrer sees
    /// cluster-scoped objects, objects of its own namespace, and, for a RoleBinding, objects
    /// in the namespaces of its ServiceAccount subjects.
    static func referralCandidates(for referrer: Resource, in resources: [Resource]) throws(Diagnostic) -> [Resource] {
        let referrerId = referrer.id
        if referrerId.gvk.isClusterScoped { return resources }
        var subjectNamespaces: Set<String> = []
        if referrerId.gvk.kind == "RoleBinding" {
            for subject in referrer.node["subjects"]?.items ?? [] where subject["kind"]?.scalar?.value == "ServiceAccount" {
                guard let namespace = subject["namespace"] else { continue }
                guard let text = namespace.text, namespace.type == .string else {
                    throw Diagnostic.error(
                        "kustomize.name-reference", "\(referrerId): a ServiceAccount subject's namespace must be a string", at: namespace.mark.location)
                }
                subjectNamespaces.insert(text)
            }
        }
        return resources.filter { candidate in
            let id = candidate.id
            return id.gvk.isClusterScoped || id.effectiveNamespace == referrerId.effectiveNamespace
                || subjectNamespaces.contains(candidate.namespace)
        }
    }

    /// Fixes the names found along one referrer field.
    struct Fixer {
        let referrer: Resource
        let spec: FieldSpec
        let target: GVK
        let candidates: [Resource]

        func fix(_ node: inout Node) throws(Diagnostic) {
            switch node.content {
            case .scalar where node.isNull:
                return
            case .scalar:
                try fixName(&node)
            case .mapping:
                try fixNameAndNamespace(&node)
            case .sequence(var items):
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
                node.content = .sequence(items)
            }
        }

        /// A field that holds only a name.
        func fixName(_ node: inout Node) throws(Diagnostic) {
            let oldName = node.scalar?.value ?? ""
            guard let referral = try select(oldName, from: candidates, sameNamespace: false), referral.name != oldName else { return }
            node = .string(referral.name, mark: node.mark)
        }

        /// A mapping with `name` and maybe `namespace` (a RoleBinding subject, a webhook's
        /// service): both are taken from the referral, and a given namespace narrows the choice.
        func fixNameAndNamespace(_ node: inout Node) throws(Diagnostic) {
            guard let nameNode = node["name"] else {
                throw Diagnostic.error("kustomize.name-reference", "field '\(spec.path)': the reference has no 'name' field", at: node.mark.location)
            }
            let oldName = nameNode.scalar?.value ?? ""
            var pool = candidates
            if let namespaceNode = node["namespace"] {
                let namespace = namespaceNode.scalar?.value ?? ""
                let byOriginal = candidates.filter { !$0.originalId.gvk.isClusterScoped && $0.originalId.effectiveNamespace == namespace }
                pool = byOriginal.isEmpty
                    ? candidates.filter { !$0.id.gvk.isClusterScoped && $0.id.effectiveNamespace == namespace }
                    : byOriginal
            }
            guard let referral = try select(oldName, from: pool, sameNamespace: true) else { return }
            if referral.name == oldName && referral.namespace.isEmpty { return }
            node["name"] = .string(referral.name, mark: nameNode.mark)
            // An empty namespace is a wildcard here, not `default`: it is never written.
            if !referral.namespace.isEmpty {
                node["namespace"] = .string(referral.namespace, mark: node["namespace"]?.mark ?? nameNode.mark)
            }
        }

        /// kustomize's `selectReferral`: objects once named `oldName`, of the target kind (and
        /// of a roleRef's kind), in the referrer's namespace; several are told apart by the
        /// prefixes and suffixes they share with the referrer.
        func select(_ oldName: String, from pool: [Resource], sameNamespace: Bool) throws(Diagnostic) -> Resource? {
            var matches = pool.filter { candidate in
                candidate.previousIds.contains { $0.name == oldName } && candidate.previousIds.contains { $0.gvk.isSelected(by: target) }
            }
            if let roleRef = roleRefKind {
                matches = matches.filter { $0.previousIds.contains { $0.gvk.isSelected(by: roleRef) } }
            }
            let referrerId = referrer.id
            if !referrerId.gvk.isClusterScoped {
                // ServiceAccounts in other namespaces may be bound by a RoleBinding.
                matches = matches.filter { candidate in
                    let id = candidate.id
                    return id.gvk.isClusterScoped || id.gvk.kind == "ServiceAccount" || id.effectiveNamespace == referrerId.effectiveNamespace
                }
            }
            if matches.count == 1 { return matches[0] }
            matches = matches.filter { $0.sharesAffixes(with: referrer) }
            if matches.count <= 1 { return matches.first }
            let first = matches[0]
            let identical = matches.allSatisfy { $0.name == first.name && (!sameNamespace || $0.namespace == first.namespace) }
            if identical { return first }
            throw Diagnostic.error(
                "kustomize.name-reference",
                "field '\(spec.path)': name '\(oldName)' could refer to several objects: "
                    + matches.map(\.id.description).joined(separator: ", "),
                at: referrer.location)
        }

        /// For a `roleRef/name` field, the kind its `roleRef` names (apiGroup and kind).
        var roleRefKind: GVK? {
            guard spec.path.hasSuffix("roleRef/name"), let roleRef = referrer.node["roleRef"],
                  let group = roleRef["apiGroup"]?.scalar?.value, let kind = roleRef["kind"]?.scalar?.value else { return nil }
            return GVK(group: group, kind: kind)
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

    /// kustomize's `PrefixesSuffixesEquals`: the shorter list of prefixes ends the longer one,
    /// and likewise for suffixes.
    func sharesAffixes(with other: Resource) -> Bool {
        Resource.sameEnding(namePrefixes, other.namePrefixes) && Resource.sameEnding(nameSuffixes, other.nameSuffixes)
    }

    static func sameEnding(_ a: [String], _ b: [String]) -> Bool {
        let (shorter, longer) = a.count <= b.count ? (a, b) : (b, a)
        if shorter.isEmpty { return longer.isEmpty }
        return Array(longer.suffix(shorter.count)) == shorter
    }
}
