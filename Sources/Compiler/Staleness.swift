import FileSources

/// Whether committed rendered output is what the sources compile to now.
public enum Staleness {
    /// The committed rendered files below `folder` of an output folder, keyed like a
    /// `RenderedTree` (starting with the folder).
    public static func committedFiles(in output: String, folder: String, files: any FileSource = LocalFiles()) -> [String: String] {
        var result: [String: String] = [:]
        for relative in files.files(below: output + "/" + folder) {
            if let bytes = files.contents(of: output + "/" + folder + "/" + relative) {
                result[folder + "/" + relative] = String(decoding: bytes, as: UTF8.self)
            }
        }
        return result
    }

    /// Environments whose rendered files differ between the expected tree and the committed
    /// files (gitopsc's own paths only: files others put beside them do not count), sorted;
    /// `nil` environment entries are reported as `.gitopsc` when only the manifest differs.
    public static func staleEnvironments(expected: RenderedTree, committed: [String: String]) -> [String] {
        let manifestPath = OwnershipManifest.path(in: expected.folder)
        let owned = Set(committed[manifestPath].flatMap(OwnershipManifest.decode)?.paths ?? []).union(expected.files.keys)
        var stale = Set<String>()
        for path in owned where expected.files[path] != committed[path] {
            stale.insert(environment(of: path, in: expected) ?? ".gitopsc")
        }
        return stale.sorted()
    }

    /// The environment a rendered path belongs to: the longest environment name it starts with.
    static func environment(of path: String, in tree: RenderedTree) -> String? {
        let relative = path.dropFirst(tree.folder.count + 1)
        if let known = tree.environments.filter({ relative.hasPrefix($0 + "/") }).max(by: { $0.count < $1.count }) {
            return known
        }
        // An environment that no longer exists: its files end in root.yaml, apps/ or <component>/manifest.yaml.
        let parts = relative.split(separator: "/")
        if parts.last == "root.yaml" { return parts.dropLast().joined(separator: "/") }
        if parts.count >= 3 { return parts.dropLast(2).joined(separator: "/") }
        return nil
    }
}
