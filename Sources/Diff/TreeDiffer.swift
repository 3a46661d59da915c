import Diagnostics
import YAML

/// Resource-level semantic diff of rendered trees (`<folder>/<environment>/...` paths to
/// file text, as `gitopsc compile` writes them).
public enum TreeDiffer {
    /// Compares two rendered trees, environment by environment. An environment is a folder
    /// holding `root.yaml` (possibly nested, `production/east-1`); objects are matched by
    /// group, kind, namespace and name within it. Files identical in both trees are not parsed.
    public static func diff(
        old: [String: String], new: [String: String], folder: String, ignore: [String] = []
    ) throws(Diagnostic) -> TreeDiff {
        let patterns = try parse(ignore)
        let oldFiles = renderedFiles(old, folder: folder)
        let newFiles = renderedFiles(new, folder: folder)
        let roots = environmentRoots(oldFiles.keys).union(environmentRoots(newFiles.keys))
        let oldByEnvironment = group(oldFiles, roots: roots)
        let newByEnvironment = group(newFiles, roots: roots)
        var environments: [EnvironmentDiff] = []
        for name in Set(oldByEnvironment.keys).union(newByEnvironment.keys).sorted() {
            let oldSide = oldByEnvironment[name] ?? []
            let newSide = newByEnvironment[name] ?? []
            let unchanged = Set(oldSide.filter { new[$0.path] == $0.text }.map(\.path))
            let oldObjects = try objects(in: oldSide.filter { !unchanged.contains($0.path) })
            let newObjects = try objects(in: newSide.filter { !unchanged.contains($0.path) })
            environments.append(compare(oldObjects, newObjects, name: name, ignore: patterns))
        }
        return TreeDiff(environments: environments)
    }

    /// Compares one environment with another, of the same tree or of two trees
    /// (`gitopsc diff staging production/east-1`): objects are matched by the same key.
    public static func diffEnvironments(
        _ a: (tree: [String: String], environment: String),
        _ b: (tree: [String: String], environment: String),
        folder: String, ignore: [String] = []
    ) throws(Diagnostic) -> TreeDiff {
        let patterns = try parse(ignore)
        let oldObjects = try objects(in: try files(of: a.environment, in: a.tree, folder: folder))
        let newObjects = try objects(in: try files(of: b.environment, in: b.tree, folder: folder))
        let name = "\(a.environment) -> \(b.environment)"
        return TreeDiff(environments: [compare(oldObjects, newObjects, name: name, ignore: patterns)])
    }

    // MARK: Environments

    private static func parse(_ ignore: [String]) throws(Diagnostic) -> [IgnorePattern] {
        var patterns: [IgnorePattern] = []
        for pattern in ignore {
            patterns.append(try IgnorePattern(pattern))
        }
        return patterns
    }

    /// The YAML files below the output folder, by path relative to it; the bookkeeping
    /// under `.gitopsc/` is not part of any environment.
    private static func renderedFiles(_ tree: [String: String], folder: String) -> [String: (path: String, text: String)] {
        var prefix = folder
        while prefix.hasSuffix("/") { prefix.removeLast() }
        if prefix == "." { prefix = "" }
        if !prefix.isEmpty { prefix += "/" }
        var files: [String: (path: String, text: String)] = [:]
        for (path, text) in tree where path.hasPrefix(prefix) && (path.hasSuffix(".yaml") || path.hasSuffix(".yml")) {
            let relative = String(path.dropFirst(prefix.count))
            if relative.hasPrefix(".gitopsc/") { continue }
            files[relative] = (path, text)
        }
        return files
    }

    private static func environmentRoots(_ relativePaths: some Sequence<String>) -> Set<String> {
        var roots = Set<String>()
        for path in relativePaths where path.hasSuffix("/root.yaml") {
            roots.insert(String(path.dropLast("/root.yaml".count)))
        }
        return roots
    }

    /// The innermost environment folder holding the file; without one (a tree lacking its
    /// root.yaml), the folder above `apps/` or the component folder.
    private static func environment(of relative: String, roots: Set<String>) -> String? {
        var folder = Substring(relative)
        while let slash = folder.lastIndex(of: "/") {
            folder = folder[..<slash]
            if roots.contains(String(folder)) { return String(folder) }
        }
        let components = relative.split(separator: "/")
        guard components.count >= 3 else { return nil }
        return components.dropLast(2).joined(separator: "/")
    }

    private static func group(
        _ files: [String: (path: String, text: String)], roots: Set<String>
    ) -> [String: [(path: String, text: String)]] {
        var groups: [String: [(path: String, text: String)]] = [:]
        for (relative, file) in files {
            guard let environment = environment(of: relative, roots: roots) else { continue }
            groups[environment, default: []].append(file)
        }
        return groups
    }

    private static func files(of environment: String, in tree: [String: String], folder: String) throws(Diagnostic) -> [(path: String, text: String)] {
        let files = renderedFiles(tree, folder: folder)
        let roots = environmentRoots(files.keys)
        let selected = files.filter { self.environment(of: $0.key, roots: roots) == environment }.values
        guard !selected.isEmpty else {
            let known = Set(files.keys.compactMap { self.environment(of: $0, roots: roots) }).sorted()
            throw .error(
                "diff.unknown-environment",
                "no rendered environment '\(environment)' under '\(folder)'"
                    + (known.isEmpty ? "" : "; environments: \(known.joined(separator: ", "))"))
        }
        return Array(selected)
    }

    // MARK: Objects

    private static func objects(in files: [(path: String, text: String)]) throws(Diagnostic) -> [ObjectKey: Node] {
        var objects: [ObjectKey: Node] = [:]
        var origins: [ObjectKey: String] = [:]
        for file in files.sorted(by: { $0.path < $1.path }) {
            for document in try YAMLParser.parseStream(file.text, file: file.path) where !document.isNull {
                let key = try key(of: document, file: file.path)
                if let first = origins[key] {
                    throw .error(
                        "diff.duplicate-object", "\(key) is rendered twice in one environment (also in \(first))",
                        at: document.mark.location ?? SourceLocation(file: file.path, line: 0, column: 0))
                }
                origins[key] = file.path
                objects[key] = document
            }
        }
        return objects
    }

    private static func key(of object: Node, file: String) throws(Diagnostic) -> ObjectKey {
        guard object.isMapping, let apiVersion = object["apiVersion"]?.text, let kind = object["kind"]?.text,
              let name = object[path: ["metadata", "name"]]?.text, !name.isEmpty
        else {
            throw .error(
                "diff.invalid-object", "a rendered document is not a Kubernetes object with apiVersion, kind and metadata.name",
                at: object.mark.location ?? SourceLocation(file: file, line: 0, column: 0))
        }
        let group = apiVersion.contains("/") ? String(apiVersion[..<apiVersion.lastIndex(of: "/")!]) : ""
        let namespace = object[path: ["metadata", "namespace"]]?.text ?? ""
        return ObjectKey(group: group, kind: kind, namespace: namespace, name: name)
    }

    static func compare(_ old: [ObjectKey: Node], _ new: [ObjectKey: Node], name: String, ignore: [IgnorePattern]) -> EnvironmentDiff {
        var changed: [ObjectChange] = []
        for (key, oldObject) in old {
            guard let newObject = new[key], oldObject != newObject else { continue }
            let changes = ObjectComparer.changes(from: oldObject, to: newObject, key: key, ignore: ignore)
            if !changes.isEmpty { changed.append(ObjectChange(key: key, changes: changes)) }
        }
        let removed = old.keys.filter { new[$0] == nil }
        let added = new.keys.filter { old[$0] == nil }
        let pairs = RenameDetector.pairs(removed: removed, added: added, old: old, new: new)
        let renamed = pairs.map { pair in
            ObjectRename(
                from: pair.from, to: pair.to,
                changes: ObjectComparer.changes(
                    from: old[pair.from]!, to: new[pair.to]!, key: pair.to, ignore: ignore,
                    skip: [[.key("metadata"), .key("name")]]))
        }
        let renamedFrom = Set(pairs.map(\.from))
        let renamedTo = Set(pairs.map(\.to))
        return EnvironmentDiff(
            name: name,
            added: added.filter { !renamedTo.contains($0) }.sorted(),
            removed: removed.filter { !renamedFrom.contains($0) }.sorted(),
            renamed: renamed.sorted { ($0.from, $0.to) < ($1.from, $1.to) },
            changed: changed.sorted { $0.key < $1.key })
    }
}
