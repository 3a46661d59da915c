import Compiler
import Diagnostics
import FileSources
import Foundation
import Testing

/// Links in template folders, template roots and snapshots: a compile reads nothing outside
/// the source root and the template roots of gitopsc.yaml, wherever a link points.
@Suite struct HostilePathsTests {
    static let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: web\ndata:\n  from: %@\n"
    static let environment = "cluster: {name: east, server: https://east.example.com}\ncomponents:\n  web:\n    template: %@\n"
    static let hint = "; to read folders outside the source root, name them in gitopsc.yaml templateRoots and write ROOT:PATH"

    func link(_ tree: SourceTree, _ relative: String, to target: String) throws {
        let url = tree.root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
    }

    /// The one failure of compiling `tree`.
    func failure(_ tree: SourceTree, files: (any FileSource)? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Diagnostic? {
        do {
            _ = try Compiler(root: tree.root.path, displayBase: tree.root.path, files: files ?? LocalFiles()).compile()
            Issue.record("the compile succeeded", sourceLocation: sourceLocation)
        } catch let list as DiagnosticList {
            #expect(list.diagnostics.count == 1, "\(list)", sourceLocation: sourceLocation)
            return list.diagnostics.first
        }
        return nil
    }

    @Test func linkInAPlainTemplateFolderToOutsideIsRefused() throws {
        let outside = try SourceTree(["cm.yaml": String(format: Self.configMap, "outside")])
        let tree = try SourceTree(["environments/east.yaml": String(format: Self.environment, "web")])
        try link(tree, "templates/web/cm.yaml", to: outside.root.path + "/cm.yaml")
        let error = try #require(try failure(tree))
        #expect(error.code == "path.outside-root")
        #expect(error.location == SourceLocation(file: "environments/east.yaml", line: 4, column: 15))
        #expect(error.message == "security; file 'templates/web/cm.yaml' is not in or below '.' (it resolves to '\(outside.root.path)/cm.yaml')" + Self.hint)
    }

    @Test func linkInANamedTemplateRootToOutsideIsRefused() throws {
        let outside = try SourceTree(["cm.yaml": String(format: Self.configMap, "outside")])
        let upstream = try SourceTree(["real.yaml": String(format: Self.configMap, "upstream")])
        let tree = try SourceTree([
            "gitopsc.yaml": "templateRoots:\n  up: \(upstream.root.path)\n",
            "environments/east.yaml": String(format: Self.environment, "up:web"),
        ])
        // A link that stays in its template root is followed.
        try link(upstream, "web/inside.yaml", to: "../real.yaml")
        #expect(try tree.compile().files["clusters/east/web/manifest.yaml"]?.contains("from: upstream") == true)

        try link(upstream, "web/cm.yaml", to: outside.root.path + "/cm.yaml")
        let error = try #require(try failure(tree))
        #expect(error.location == SourceLocation(file: "environments/east.yaml", line: 4, column: 15))
        #expect(error.message == "security; file '\(upstream.root.path)/web/cm.yaml' is not in or below '.' or '\(upstream.root.path)' (it resolves to '\(outside.root.path)/cm.yaml')" + Self.hint)
    }

    @Test func kustomizationFileLinkedOutsideItsTemplateIsRefused() throws {
        let outside = try SourceTree(["kustomization.yaml": "resources:\n- cm.yaml\n", "cm.yaml": String(format: Self.configMap, "outside")])
        let tree = try SourceTree([
            "environments/east.yaml": String(format: Self.environment, "web"),
            "templates/web/cm.yaml": String(format: Self.configMap, "inside"),
        ])
        try link(tree, "templates/web/kustomization.yaml", to: outside.root.path + "/kustomization.yaml")
        let error = try #require(try failure(tree))
        #expect(error.location == SourceLocation(file: "environments/east.yaml", line: 4, column: 15))
        #expect(error.message == "security; file 'templates/web/kustomization.yaml' is not in or below 'templates/web' (it resolves to '\(outside.root.path)/kustomization.yaml')")
    }

    /// kustomize lets a kustomization use folders anywhere; a compile keeps them in its roots.
    @Test func kustomizationFolderOutsideTheRootsIsRefused() throws {
        let outside = try SourceTree(["kustomization.yaml": "resources:\n- cm.yaml\n", "cm.yaml": String(format: Self.configMap, "outside")])
        let tree = try SourceTree([
            "environments/east.yaml": String(format: Self.environment, "web"),
            "templates/web/kustomization.yaml": "resources:\n- ../../../\(outside.root.lastPathComponent)\n",
        ])
        let error = try #require(try failure(tree))
        #expect(error.location == SourceLocation(file: "templates/web/kustomization.yaml", line: 2, column: 3))
        #expect(error.message == "security; folder '\(outside.root.path)' is not in or below '.'" + Self.hint)
    }

    /// A snapshot of a revision reads a template root outside the repository from disk,
    /// through the same checks.
    @Test func snapshotTemplateRootLinkToOutsideIsRefused() throws {
        let outside = try SourceTree(["cm.yaml": String(format: Self.configMap, "outside")])
        let upstream = try SourceTree(["web/real.yaml": String(format: Self.configMap, "upstream")])
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-snapshot-\(UUID().uuidString)")
        let snapshot = SnapshotFiles(root: root.path, files: [
            "gitopsc.yaml": Array("templateRoots:\n  up: \(upstream.root.path)\n".utf8),
            "environments/east.yaml": Array(String(format: Self.environment, "up:web").utf8),
        ], outside: LocalFiles())
        let tree = try Compiler(root: root.path, displayBase: root.path, files: snapshot).compile()
        #expect(tree.files["clusters/east/web/manifest.yaml"]?.contains("from: upstream") == true)

        try link(upstream, "web/cm.yaml", to: outside.root.path + "/cm.yaml")
        do {
            _ = try Compiler(root: root.path, displayBase: root.path, files: snapshot).compile()
            Issue.record("the compile succeeded")
        } catch let list as DiagnosticList {
            #expect(list.diagnostics.map(\.message) == [
                "security; file '\(upstream.root.path)/web/cm.yaml' is not in or below '.' or '\(upstream.root.path)' (it resolves to '\(outside.root.path)/cm.yaml')" + Self.hint,
            ])
        }
    }
}
