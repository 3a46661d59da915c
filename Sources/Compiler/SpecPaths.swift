import Diagnostics
import FileSources
import FoundationEssentials
import YAML

/// Files and folders that environment specs name: templates below `templates/`, resources
/// and patch files below the source root, or `ROOT:PATH` inside a template root that
/// `gitopsc.yaml` allows. Like kustomize's load restrictor, nothing else outside the
/// source root can be read: `resolver` refuses it, and every read of the compile goes
/// through it.
struct SpecPaths: Sendable {
    let root: String
    let templateRoots: [String: ProjectSettings.TemplateRoot]
    let resolver: PathResolver
    var files: any FileSource { resolver.files }

    static let hint = "to read folders outside the source root, name them in gitopsc.yaml templateRoots and write ROOT:PATH"

    init(root: String, templateRoots: [String: ProjectSettings.TemplateRoot], files: any FileSource, displayBase: String) {
        self.root = standardized(root)
        self.templateRoots = templateRoots
        resolver = PathResolver(
            files: files, roots: [self.root] + templateRoots.values.map(\.path).sorted(), displayBase: displayBase, hint: Self.hint)
    }

    /// Where a spec path points.
    struct Location {
        /// The folder the path must stay in: `templates/`, the source root or a template root.
        var base: String
        /// The path below `base`, as written (without a `ROOT:` prefix).
        var relative: String
        /// `base` + `relative`, absolute and standardized.
        var path: String
        /// Where the path is written, for errors about what it leads to.
        var reference: SourceLocation?
    }

    /// Resolves `node`'s text; a path without a `ROOT:` prefix is relative to `defaultBase`.
    func locate(_ node: Node, defaultBase: String) throws(Diagnostic) -> Location {
        let text = node.text ?? ""
        var base = defaultBase
        var relative = text
        if let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/") {
            let name = String(text[..<colon])
            guard let templateRoot = templateRoots[name] else {
                var message = "'\(text)' names template root '\(name)', which gitopsc.yaml does not define"
                if let suggestion = closestMatch(to: name, in: Array(templateRoots.keys)) {
                    message += "; did you mean '\(suggestion)'?"
                } else if templateRoots.isEmpty {
                    message += " (gitopsc.yaml has no templateRoots)"
                }
                throw Diagnostic.error("compile.unknown-template-root", message, at: node.mark.location)
            }
            guard files.kind(of: templateRoot.path) == .folder else {
                throw Diagnostic.error(
                    "compile.missing-template-root",
                    "template root '\(name)' is '\(templateRoot.path)', which is not a folder (used by '\(text)' at \(node.mark.location?.description ?? "?"))"
                        + (templateRoot.fetch.map { "; fetch it with \($0) (run in the folder of gitopsc.yaml)" } ?? ""),
                    at: templateRoot.location)
            }
            base = templateRoot.path
            relative = String(text[text.index(after: colon)...])
        }
        let path = standardized(relative.hasPrefix("/") ? relative : base + "/" + relative)
        // A path that leaves `templates/` or its template root gets the hint too: the usual mistake.
        try resolver.check(path, in: base, at: node.mark.location, hint: Self.hint)
        return Location(base: base, relative: relative, path: path, reference: node.mark.location)
    }

    /// A path as messages print it: relative to the source root when below it.
    func display(_ path: String) -> String {
        displayPath(path, base: root)
    }
}
