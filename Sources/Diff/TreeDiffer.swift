import Diagnostics
import YAML

/// Resource-level semantic diff of rendered environments. The caller says which objects
/// belong to which environment (from the compiler's rendered model, or from committed files
/// grouped by the rendered layout): nothing here guesses an environment from a path.
public enum TreeDiffer {
    /// Compares two sets of environments, environment by environment; objects are matched by
    /// group, kind, namespace and name within an environment.
    public static func diff(old: [String: [Node]], new: [String: [Node]], ignore: [String] = []) throws(Diagnostic) -> TreeDiff {
        let patterns = try parse(ignore)
        var environments: [EnvironmentDiff] = []
        for name in Set(old.keys).union(new.keys).sorted() {
            let oldObjects = try keyed(old[name] ?? [])
            let newObjects = try keyed(new[name] ?? [])
            environments.append(compare(oldObjects, newObjects, name: name, ignore: patterns))
        }
        return TreeDiff(environments: environments)
    }

    /// Compares one environment with another (`gitopsc diff staging production/east-1`):
    /// objects are matched by the same key, then objects whose names differ only by the
    /// environments' `identity` names are paired. With `ignoreIdentity`, string values that
    /// differ only by those names count as equal too.
    public static func diffEnvironments(
        _ a: (name: String, objects: [Node]), _ b: (name: String, objects: [Node]), ignore: [String] = [],
        identities: (EnvironmentIdentity, EnvironmentIdentity)? = nil, ignoreIdentity: Bool = false
    ) throws(Diagnostic) -> TreeDiff {
        let patterns = try parse(ignore)
        let name = "\(a.name) -> \(b.name)"
        let pair = identities.map { IdentityPair(old: $0.0, new: $0.1) }
        return TreeDiff(environments: [compare(
            try keyed(a.objects), try keyed(b.objects), name: name, ignore: patterns, identity: pair, foldValues: ignoreIdentity)])
    }

    /// The objects of committed rendered files (path -> text), in path order.
    public static func objects(parsing files: [String: String]) throws(Diagnostic) -> [Node] {
        var objects: [Node] = []
        for (path, text) in files.sorted(by: { $0.key < $1.key }) where path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
            objects += try YAMLParser.parseStream(text, file: path).filter { !$0.isNull }
        }
        return objects
    }

    private static func parse(_ ignore: [String]) throws(Diagnostic) -> [IgnorePattern] {
        var patterns: [IgnorePattern] = []
        for pattern in ignore {
            patterns.append(try IgnorePattern(pattern))
        }
        return patterns
    }

    // MARK: Objects

    private static func keyed(_ nodes: [Node]) throws(Diagnostic) -> [ObjectKey: Node] {
        var objects: [ObjectKey: Node] = [:]
        for document in nodes {
            let key = try key(of: document)
            if let first = objects[key] {
                throw .error(
                    "diff.duplicate-object",
                    "\(key) is rendered twice in one environment (also at \(first.mark.location?.description ?? "another place"))",
                    at: document.mark.location)
            }
            objects[key] = document
        }
        return objects
    }

    private static func key(of object: Node) throws(Diagnostic) -> ObjectKey {
        guard object.isMapping, let apiVersion = object["apiVersion"]?.text, let kind = object["kind"]?.text,
              let name = object[path: ["metadata", "name"]]?.text, !name.isEmpty
        else {
            throw .error(
                "diff.invalid-object", "a rendered document is not a Kubernetes object with apiVersion, kind and metadata.name",
                at: object.mark.location)
        }
        let group = apiVersion.contains("/") ? String(apiVersion[..<apiVersion.lastIndex(of: "/")!]) : ""
        let namespace = object[path: ["metadata", "namespace"]]?.text ?? ""
        return ObjectKey(group: group, kind: kind, namespace: namespace, name: name)
    }

    static func compare(
        _ old: [ObjectKey: Node], _ new: [ObjectKey: Node], name: String, ignore: [IgnorePattern],
        identity: IdentityPair? = nil, foldValues: Bool = false
    ) -> EnvironmentDiff {
        let folding = foldValues ? identity : nil
        var changed: [ObjectChange] = []
        for (key, oldObject) in old {
            guard let newObject = new[key], oldObject != newObject else { continue }
            let changes = ObjectComparer.changes(from: oldObject, to: newObject, key: key, ignore: ignore, identity: folding)
            if !changes.isEmpty { changed.append(ObjectChange(key: key, changes: changes)) }
        }
        var removed = old.keys.filter { new[$0] == nil }
        var added = new.keys.filter { old[$0] == nil }
        var pairs: [(from: ObjectKey, to: ObjectKey, reason: ObjectRename.Reason)] = []
        if let identity {
            pairs = identityPairs(removed: removed, added: added, identity: identity)
            let from = Set(pairs.map(\.from))
            let to = Set(pairs.map(\.to))
            removed.removeAll(where: from.contains)
            added.removeAll(where: to.contains)
        }
        pairs += RenameDetector.pairs(removed: removed, added: added, old: old, new: new)
        let renamed = pairs.compactMap { pair -> ObjectRename? in
            let changes = ObjectComparer.changes(
                from: old[pair.from]!, to: new[pair.to]!, key: pair.to, ignore: ignore,
                skip: [[.key("metadata"), .key("name")]], identity: folding)
            // The same object deployed to two environments, equal but for the names.
            if pair.reason == .identity && changes.isEmpty { return nil }
            return ObjectRename(from: pair.from, to: pair.to, reason: pair.reason, changes: changes)
        }
        let renamedFrom = Set(pairs.map(\.from))
        let renamedTo = Set(pairs.map(\.to))
        let onlyAdded = added.filter { !renamedTo.contains($0) }.sorted()
        let onlyRemoved = removed.filter { !renamedFrom.contains($0) }.sorted()
        var sources: [ObjectKey: SourceLocation] = [:]
        for key in onlyAdded { sources[key] = new[key]!.mark.location }
        for key in onlyRemoved { sources[key] = old[key]!.mark.location }
        return EnvironmentDiff(
            name: name, added: onlyAdded, removed: onlyRemoved,
            renamed: renamed.sorted { ($0.from, $0.to) < ($1.from, $1.to) },
            changed: changed.sorted { $0.key < $1.key }, sources: sources)
    }

    /// Removed and added objects whose keys are equal once each side's names are folded;
    /// a folded key that several objects share on one side pairs nothing.
    private static func identityPairs(
        removed: [ObjectKey], added: [ObjectKey], identity: IdentityPair
    ) -> [(from: ObjectKey, to: ObjectKey, reason: ObjectRename.Reason)] {
        let removedByFolded = Dictionary(grouping: removed, by: identity.key(old:))
        let addedByFolded = Dictionary(grouping: added, by: identity.key(new:))
        return removedByFolded.compactMap { folded, from in
            guard from.count == 1, let to = addedByFolded[folded], to.count == 1 else { return nil }
            return (from[0], to[0], .identity)
        }
    }
}
