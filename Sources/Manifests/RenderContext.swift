import Diagnostics
import YAML

/// What every renderer needs to know about the environment it renders for.
public struct RenderContext: Sendable {
    /// The environment name, e.g. `production/east-1`.
    public var environment: String
    /// The gitops repository Argo CD reads the rendered tree from.
    public var repositoryURL: String
    public var targetRevision: String
    /// The folder of the rendered tree in that repository (`<folder>/<env>/...`).
    public var folder: String

    public init(environment: String, repositoryURL: String, targetRevision: String, folder: String) {
        self.environment = environment
        self.repositoryURL = repositoryURL
        self.targetRevision = targetRevision
        self.folder = folder
    }

    /// `<folder>/<env>`, the environment's folder in the gitops repository; an empty or `.`
    /// folder means the repository root (Argo CD paths are relative and never start with `/`).
    public var environmentPath: String {
        let trimmed = folder.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
        return trimmed.isEmpty ? environment : "\(trimmed)/\(environment)"
    }
}
