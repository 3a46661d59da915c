import YAML

/// Pairs a removed object with an added one of the same group, kind and namespace when
/// they are one object under a new name: a kustomize hash suffix that changed with the
/// content (`settings-7fk2h9c8m4` -> `settings-b5t9m2kg6d`), or content that is nearly equal.
enum RenameDetector {
    /// Share of fields (other than the identity) that must be equal for a rename by content.
    static let similarityThreshold = 0.9
    /// Fewer equal fields than this is no evidence: two empty Namespaces are not one object.
    static let minimumSharedFields = 3
    /// Above this many removed x added pairs in one group, only hash-suffix renames are
    /// looked for, so that comparing every pair stays cheap.
    static let maximumComparedPairs = 10_000

    private struct Candidate {
        var from: ObjectKey
        var to: ObjectKey
        var bySuffix: Bool
        var similarity: Double
    }

    private struct Scope: Hashable {
        var group: String
        var kind: String
        var namespace: String

        init(_ key: ObjectKey) {
            group = key.group
            kind = key.kind
            namespace = key.namespace
        }
    }

    static func pairs(
        removed: [ObjectKey], added: [ObjectKey], old: [ObjectKey: Node], new: [ObjectKey: Node]
    ) -> [(from: ObjectKey, to: ObjectKey, reason: ObjectRename.Reason)] {
        let addedByScope = Dictionary(grouping: added, by: Scope.init)
        var candidates: [Candidate] = []
        var fieldCache: [ObjectKey: Set<String>] = [:]
        func fields(_ key: ObjectKey, in objects: [ObjectKey: Node]) -> Set<String> {
            if let cached = fieldCache[key] { return cached }
            var result = Set<String>()
            collectFields(objects[key]!, path: "", into: &result)
            fieldCache[key] = result
            return result
        }
        for (scope, removedInScope) in Dictionary(grouping: removed, by: Scope.init) {
            guard let addedInScope = addedByScope[scope] else { continue }
            let compareContent = removedInScope.count * addedInScope.count <= maximumComparedPairs
            for from in removedInScope {
                for to in addedInScope {
                    let bySuffix = withoutHashSuffix(from.name) == withoutHashSuffix(to.name)
                    guard bySuffix || compareContent else { continue }
                    // One cache serves both sides: a removed key is never an added one.
                    let a = fields(from, in: old)
                    let b = fields(to, in: new)
                    let shared = a.intersection(b).count
                    let similarity = Double(shared) / Double(max(a.count, b.count, 1))
                    if bySuffix || (shared >= minimumSharedFields && similarity >= similarityThreshold) {
                        candidates.append(Candidate(from: from, to: to, bySuffix: bySuffix, similarity: similarity))
                    }
                }
            }
        }
        candidates.sort {
            if $0.bySuffix != $1.bySuffix { return $0.bySuffix }
            if $0.similarity != $1.similarity { return $0.similarity > $1.similarity }
            return ($0.from, $0.to) < ($1.from, $1.to)
        }
        var usedFrom = Set<ObjectKey>()
        var usedTo = Set<ObjectKey>()
        var pairs: [(from: ObjectKey, to: ObjectKey, reason: ObjectRename.Reason)] = []
        for candidate in candidates where !usedFrom.contains(candidate.from) && !usedTo.contains(candidate.to) {
            usedFrom.insert(candidate.from)
            usedTo.insert(candidate.to)
            pairs.append((candidate.from, candidate.to, candidate.bySuffix ? .hashSuffix : .content))
        }
        return pairs
    }

    /// The letters kustomize writes its hash suffix with: hex digits with `0 1 3 a e`
    /// replaced by `g h k m t` (so no vowels). Narrower than `[a-z0-9]`, which keeps names
    /// such as `tekton-deployment` from reading as a hash.
    static let hashAlphabet = Set("256789bcdfghkmt4".unicodeScalars)

    /// The name without a trailing kustomize hash suffix (`-` and ten hash letters).
    static func withoutHashSuffix(_ name: String) -> String {
        let scalars = Array(name.unicodeScalars)
        guard scalars.count > 11, scalars[scalars.count - 11] == "-",
              scalars.suffix(10).allSatisfy(hashAlphabet.contains)
        else { return name }
        return String(String.UnicodeScalarView(scalars.dropLast(11)))
    }

    /// Every leaf as `path=value`, leaving out the identity (apiVersion, kind, name,
    /// namespace), which is equal or expected to differ.
    private static func collectFields(_ node: Node, path: String, into fields: inout Set<String>) {
        switch node.content {
        case .scalar(let scalar):
            let type = scalar.type
            fields.insert("\(path)=\(type):\(ScalarType.canonical(scalar.value, as: type))")
        case .mapping(let entries):
            if entries.isEmpty { fields.insert("\(path)={}") }
            for entry in entries {
                let child = path + "." + entry.name
                if [".apiVersion", ".kind", ".metadata.name", ".metadata.namespace"].contains(child) { continue }
                collectFields(entry.value, path: child, into: &fields)
            }
        case .sequence(let items):
            if items.isEmpty { fields.insert("\(path)=[]") }
            for (index, item) in items.enumerated() {
                collectFields(item, path: "\(path)[\(index)]", into: &fields)
            }
        }
    }
}
