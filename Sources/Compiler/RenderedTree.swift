/// The rendered tree of a compile: file paths (relative to the output root, starting with
/// the configured folder) and their bytes.
public struct RenderedTree: Sendable {
    public var folder: String
    public var files: [String: String]
    public var environments: [String]

    public init(folder: String, files: [String: String], environments: [String]) {
        self.folder = folder
        self.files = files
        self.environments = environments
    }
}
