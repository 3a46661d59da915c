import Foundation
import Testing

/// The reproductions of the hostile-path defects, through the executable: each exits 2 with
/// one precise error instead of reading outside or rendering phantoms.
@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct HostilePathsCommandTests {
    @Test func buildRefusesAKustomizationFileLinkedOutsideItsFolder() throws {
        let root = try sampleTree()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("tree/apps/linked"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("tree/apps/linked/kustomization.yaml").path, withDestinationPath: "../base/kustomization.yaml")
        let run = try gitopsc(["build", "tree/apps/linked"], in: root)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr == """
            tree/apps/linked/kustomization.yaml: error: security; file 'tree/apps/linked/kustomization.yaml' is not in or below 'tree/apps/linked' (it resolves to 'tree/apps/base/kustomization.yaml')

            """)
    }

    @Test func compileRefusesAFolderLinkLoopInEnvironments() throws {
        let root = try sourceTree()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("environments/loop").path, withDestinationPath: ".")
        let run = try gitopsc(["compile"], in: root)
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("environments/loop: error: 'environments/loop' is a symbolic link to a folder"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path))
    }
}
