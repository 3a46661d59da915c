import Diagnostics
import FileSources

/// Whether committed rendered output is what the sources compile to now.
public struct Staleness: Sendable {
    /// Environments whose files differ (or that were added or removed), sorted.
    public var environments: [String]
    /// Whether the ownership manifest differs (a new gitopsc version, say) although every
    /// environment's files are the same.
    public var manifestDiffers: Bool

    public var isStale: Bool { !environments.isEmpty || manifestDiffers }

    /// The committed rendered files below the layout's folder of an output folder, keyed
    /// like `RenderedFiles.files`.
    public static func committedFiles(in output: String, layout: RenderedLayout, files: any FileSource = LocalFiles()) -> [String: String] {
        var result: [String: String] = [:]
        let folder = layout.treeFolder
        let base = folder.isEmpty ? output : output + "/" + folder
        for relative in files.files(below: base) {
            if let bytes = files.contents(of: base + "/" + relative) {
                result[(folder.isEmpty ? "" : folder + "/") + relative] = String(decoding: bytes, as: UTF8.self)
            }
        }
        return result
    }

    /// Compares the expected tree with committed files, environment by environment, through
    /// the layout. Files others put beside the tree do not count. `manifestFile` is how
    /// messages name the committed ownership manifest.
    public static func compare(expected: RenderedFiles, committed: [String: String], manifestFile: String) throws(Diagnostic) -> Staleness {
        let layout = expected.layout
        let manifestPath = layout.ownershipManifestPath
        let previous = try committed[manifestPath].map { text throws(Diagnostic) in
            try OwnershipManifest.read(Array(text.utf8), file: manifestFile, layout: layout)
        }
        let names = Set(expected.environmentNames).union(previous?.environments ?? [])
        let owned = Set(previous?.paths ?? []).union(expected.files.keys).subtracting([manifestPath])
        var stale = Set<String>()
        for path in owned where expected.files[path] != committed[path] {
            // A path of no known environment can only come from a manifest whose environment
            // list disagrees with its paths: count it against the manifest.
            if let name = layout.environment(of: path, among: names) { stale.insert(name) }
        }
        let manifestDiffers = expected.files[manifestPath] != committed[manifestPath]
        return Staleness(environments: stale.sorted(), manifestDiffers: manifestDiffers)
    }
}
