import Foundation
import ProcessRunner
import Testing

/// The `gitopsc` executable built beside the test bundle (`swift build --build-tests`
/// builds every product).
let gitopscBinary: URL? = {
    var folder = Bundle.main.bundleURL
    for _ in 0..<4 {
        let candidate = folder.appendingPathComponent("gitopsc")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        folder.deleteLastPathComponent()
    }
    return nil
}()

func gitopsc(_ arguments: [String], in folder: URL) throws -> ProcessResult {
    try runProcess(gitopscBinary!.path, arguments, in: folder, environment: ["NO_COLOR": "1"])
}

/// A new temporary folder holding `files` (relative path -> text).
func temporaryFolder(_ files: [String: String]) throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-cli-\(UUID().uuidString)")
    for (path, text) in files {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return root
}

/// A folder with two overlays that build and one that does not.
func sampleTree() throws -> URL {
    try temporaryFolder([
        "tree/apps/base/kustomization.yaml": "resources:\n- cm.yaml\n",
        "tree/apps/base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: \"0644\"\n",
        "tree/apps/prod/kustomization.yaml": "resources:\n- ../base\nnamespace: prod\nnamePrefix: prod-\n",
        "tree/apps/broken/kustomization.yaml": "resources:\n- ../base\n- missing.yaml\n",
    ])
}

@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct BuildCommandTests {
    @Test func printsTheBuildToStandardOutput() throws {
        let root = try sampleTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["build", "tree/apps/prod"], in: root)
        #expect(run.status == 0)
        #expect(run.stdout == "apiVersion: v1\ndata:\n  mode: \"0644\"\nkind: ConfigMap\nmetadata:\n  name: prod-settings\n  namespace: prod\n")
        #expect(run.stderr.isEmpty)
    }

    @Test func writesEachFolderAndReportsFailuresWithExitOne() throws {
        let root = try sampleTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["build", "tree/apps/base", "tree/apps/prod", "tree/apps/broken", "--relative-to", "tree", "--output-dir", "out"], in: root)
        #expect(run.status == 1)
        #expect(run.stderr.contains("tree/apps/broken/kustomization.yaml:3:3: error: resource 'missing.yaml' not found"))
        let written = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("out").path).sorted()
        #expect(written == ["apps__base.yaml", "apps__prod.yaml"])
        let prod = try String(contentsOf: root.appendingPathComponent("out/apps__prod.yaml"), encoding: .utf8)
        #expect(prod.contains("name: prod-settings"))
    }

    @Test func badInputExitsWithTwoAndPrintsNothingOnStandardOutput() throws {
        let root = try sampleTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["build", "tree/apps/broken"], in: root)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("tree/apps/broken/kustomization.yaml:3:3: error:"))
    }

    @Test func severalFoldersWithoutOutputDirIsAUsageError() throws {
        let root = try sampleTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["build", "tree/apps/base", "tree/apps/prod"], in: root)
        #expect(run.status == 2)
        #expect(run.stderr.contains("--output-dir"))
    }

    @Test func diagnosticsAsJSON() throws {
        let root = try sampleTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["build", "tree/apps/broken", "--diagnostics", "json"], in: root)
        #expect(run.status == 2)
        let parsed = try JSONSerialization.jsonObject(with: Data(run.stderr.utf8)) as? [[String: Any]]
        let first = try #require(parsed?.first)
        #expect(first["code"] as? String == "kustomize.missing-resource")
        #expect(first["line"] as? Int == 3)
        #expect(first["file"] as? String == "tree/apps/broken/kustomization.yaml")
    }
}
