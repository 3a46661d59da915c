import Diagnostics
import FileSources
import FoundationEssentials
import Manifests
import YAML

/// `gitopsc.yaml` at the source root: where the rendered tree goes and how Argo CD reads it.
///
/// ```yaml
/// repository:
///   url: https://git.example.com/platform/gitops.git   # what Argo CD clones
///   branch: main                                        # branch Argo CD watches
///   folder: clusters                                    # folder of the rendered tree
/// output: out                                           # default folder of `gitopsc compile`
/// templateRoots:                                        # template folders outside this root,
///   upstream: ../infra-deployments/components           # named as `upstream:path` in specs
///   vendored: {path: upstream/tree, fetch: ./fetch-upstream}   # with what brings a missing one
/// argocd:
///   bootstrap: applicationset                           # or root (default): how Argo CD finds
///   namespace: openshift-gitops                         # the environments' root Applications
/// schemas:                                              # CRDs / OpenAPI v3 documents that
///   - schemas/crds                                      # check and compile validate the
///   - upstream:crds/tektonconfig.yaml                   # rendered objects against
/// ```
public struct ProjectSettings: Sendable {
    public var repositoryURL = "https://git.example.com/gitops.git"
    public var branch = "main"
    public var folder = "clusters"
    public var output = "out"
    /// Folders outside the source root that specs may read templates, resources and patches
    /// from, by name. Nothing outside the root is readable unless named here, as kustomize's
    /// load restrictor keeps a build inside its folder.
    public var templateRoots: [String: TemplateRoot] = [:]
    /// How the environments' root Applications reach Argo CD.
    public var bootstrap = Bootstrap.root
    /// The Argo CD namespace of the ApplicationSet.
    public var argocdNamespace = ArgoApplications.defaultNamespace

    public enum Bootstrap: String, Sendable, CaseIterable {
        /// Each cluster's `<folder>/<env>/root.yaml` is applied once, by hand or by an
        /// app-of-apps the team already has.
        case root
        /// One ApplicationSet creates every environment's root Application.
        case applicationset
    }
    /// Files or folders of CustomResourceDefinitions and OpenAPI v3 documents, as written:
    /// paths like a component's `resources` (below the root, or `ROOT:PATH`).
    public var schemas: [Node] = []

    public struct TemplateRoot: Sendable {
        /// Absolute and standardized.
        public var path: String
        /// Where gitopsc.yaml names it, for errors about the folder.
        public var location: SourceLocation?
        /// The command that brings the folder when it is missing (`fetch:`), for that error.
        public var fetch: String?
    }

    public static let fileName = "gitopsc.yaml"
    static let fields: [String: Set<String>] = [
        "": ["repository", "output", "templateRoots", "argocd", "schemas"], "repository": ["url", "branch", "folder"], "argocd": ["bootstrap", "namespace"],
    ]

    public init() {}

    /// Reads `gitopsc.yaml` when present; every field has a default.
    public static func load(root: String, displayBase: String, files: any FileSource = LocalFiles()) throws(Diagnostic) -> ProjectSettings {
        var settings = ProjectSettings()
        let path = root + "/" + fileName
        let display = displayPath(path, base: displayBase)
        guard files.kind(of: path) != nil else { return settings }
        // A gitopsc.yaml that is a link must stay in the source root like any source.
        try PathResolver(files: files, roots: [root], displayBase: displayBase).check(path, at: SourceLocation(file: display, line: 0, column: 0))
        guard let data = files.contents(of: path) else { return settings }
        let node = try YAMLParser.parseDocument(try YAMLParser.text(utf8: data, file: display), file: display)
        if node.isNull { return settings }
        try check(node, section: "", file: display)
        if let repository = node["repository"] {
            try check(repository, section: "repository", file: display)
            settings.repositoryURL = try string(repository["url"]) ?? settings.repositoryURL
            settings.branch = try string(repository["branch"]) ?? settings.branch
            settings.folder = try string(repository["folder"]) ?? settings.folder
        }
        settings.output = try string(node["output"]) ?? settings.output
        if let argocd = node["argocd"], !argocd.isNull {
            try check(argocd, section: "argocd", file: display)
            if let bootstrap = argocd["bootstrap"], let text = try string(bootstrap) {
                guard let mode = Bootstrap(rawValue: text) else {
                    throw Diagnostic.error(
                        "settings.invalid", "argocd.bootstrap must be one of \(Bootstrap.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'",
                        at: bootstrap.mark.location)
                }
                settings.bootstrap = mode
            }
            settings.argocdNamespace = try string(argocd["namespace"]) ?? settings.argocdNamespace
        }
        if let roots = node["templateRoots"], !roots.isNull {
            guard let entries = roots.entries else {
                throw Diagnostic.error("settings.invalid", "templateRoots must be a mapping of names to folders", at: roots.mark.location)
            }
            for entry in entries {
                guard Pattern(#"^[a-z0-9][a-z0-9_.-]*$"#)!.matches(entry.name) else {
                    throw Diagnostic.error(
                        "settings.invalid", "template root name '\(entry.name)' must be lower-case letters, digits, '.', '_' or '-'",
                        at: entry.key.mark.location)
                }
                // A folder, or `{path: FOLDER, fetch: COMMAND}` naming what brings the folder.
                let folder = entry.value.entries == nil ? entry.value : entry.value["path"] ?? Node.string("", mark: entry.value.mark)
                var fetch: String?
                if entry.value.entries != nil {
                    try check(entry.value, section: "templateRoots.\(entry.name)", known: ["path", "fetch"], file: display)
                    fetch = try string(entry.value["fetch"])
                }
                guard let relative = try string(folder), !relative.isEmpty else {
                    throw Diagnostic.error("settings.invalid", "template root '\(entry.name)' needs a folder", at: folder.mark.location)
                }
                let path = standardized(relative.hasPrefix("/") ? relative : root + "/" + relative)
                settings.templateRoots[entry.name] = TemplateRoot(path: path, location: folder.mark.location, fetch: fetch)
            }
        }
        if let schemas = node["schemas"], !schemas.isNull {
            guard let items = schemas.items else {
                throw Diagnostic.error("settings.invalid", "schemas must be a list of files or folders", at: schemas.mark.location)
            }
            for item in items {
                guard let path = try string(item), !path.isEmpty else {
                    throw Diagnostic.error("settings.invalid", "a schemas entry needs a file or folder", at: item.mark.location)
                }
            }
            settings.schemas = items
        }
        let parts = settings.folder.split(separator: "/", omittingEmptySubsequences: false)
        if settings.folder.hasPrefix("/") || parts.contains("..") || parts.contains("") {
            throw Diagnostic.error(
                "settings.invalid", "repository.folder must be a relative path inside the repository, not '\(settings.folder)'",
                at: node[path: ["repository", "folder"]]?.mark.location)
        }
        return settings
    }

    private static func check(_ node: Node, section: String, known: Set<String>? = nil, file: String) throws(Diagnostic) {
        guard let entries = node.entries else {
            throw Diagnostic.error("settings.invalid", "'\(section.isEmpty ? file : section)' must be a mapping", at: node.mark.location ?? SourceLocation(file: file, line: 1, column: 1))
        }
        let known = known ?? fields[section] ?? []
        for entry in entries where !known.contains(entry.name) {
            throw Diagnostic.error(
                "settings.unknown-field",
                "unknown field '\(entry.name)'\(section.isEmpty ? "" : " in \(section)"); known fields: \(known.sorted().joined(separator: ", "))",
                at: entry.key.mark.location)
        }
    }

    private static func string(_ node: Node?) throws(Diagnostic) -> String? {
        guard let node, !node.isNull else { return nil }
        guard let text = node.text, node.type == .string else {
            throw Diagnostic.error("settings.invalid", "expected a string, found a \(node.type.map { "\($0)" } ?? node.kindName)", at: node.mark.location)
        }
        return text
    }
}
