import Diagnostics
import Environments
import Foundation
import Testing

/// What the loader does with links and misnamed files in `environments/`: folder links are
/// not followed, file links only when they stay in the source root, `.yml` is an error.
@Suite struct LinkTests {
    static let cluster = "cluster: {name: east, server: https://east.example.com}\n"

    func link(_ tree: SourceTree, _ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: tree.root + "/" + relative, withDestinationPath: target)
    }

    @Test func folderLinkLoopIsAnErrorNotPhantomEnvironments() throws {
        let tree = try SourceTree(["development": Self.cluster])
        defer { tree.remove() }
        try link(tree, "environments/loop", to: ".")
        let errors = tree.errors()
        #expect(errors.map(\.description) == [
            "environments/loop: error: 'environments/loop' is a symbolic link to a folder; links to folders in environments/ are not followed (one can loop or leave the source root): make it a folder",
        ])
    }

    @Test func fileLinkInsideTheSourceRootIsFollowed() throws {
        let tree = try SourceTree(["development": Self.cluster])
        defer { tree.remove() }
        try FileManager.default.createDirectory(atPath: tree.root + "/shared", withIntermediateDirectories: true)
        try Self.cluster.write(toFile: tree.root + "/shared/east.yaml", atomically: true, encoding: .utf8)
        try link(tree, "environments/east.yaml", to: "../shared/east.yaml")
        #expect(try tree.load().map(\.name) == ["development", "east"])
    }

    @Test func fileLinkOutsideTheSourceRootIsRefused() throws {
        let outside = try SourceTree(["elsewhere": Self.cluster])
        let tree = try SourceTree(["development": Self.cluster])
        defer { tree.remove(); outside.remove() }
        try link(tree, "environments/east.yaml", to: outside.root + "/environments/elsewhere.yaml")
        #expect(tree.errors().map(\.description) == [
            "environments/east.yaml: error: security; file 'environments/east.yaml' is not in or below '.' (it resolves to '\(outside.root)/environments/elsewhere.yaml')",
        ])
    }

    @Test func ymlFileIsAnErrorNamingTheRename() throws {
        let tree = try SourceTree(["development": Self.cluster])
        defer { tree.remove() }
        try Self.cluster.write(toFile: tree.root + "/environments/staging.yml", atomically: true, encoding: .utf8)
        #expect(tree.errors().map(\.description) == [
            "environments/staging.yml: error: environment files end in .yaml: rename 'environments/staging.yml' to 'environments/staging.yaml'",
        ])
    }
}
