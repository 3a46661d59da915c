import Foundation
import Testing

/// A source tree for `gitopsc compile`: one base and one cluster with a plain template.
func sourceTree(clusterExtra: String = "") throws -> URL {
    try temporaryFolder([
        "environments/base.yaml": "abstract: true\ncomponents:\n  web: {namespace: web}\nvalues:\n  replicas: 2\n",
        "environments/prod/east.yaml": "extends: base\ncluster:\n  name: east\n  server: https://api.east.example.com:6443\n" + clusterExtra,
        "templates/web/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n",
    ])
}

@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct CompileCommandTests {
    @Test func compilesIntoTheOutputFolder() throws {
        let root = try sourceTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["compile"], in: root)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("compiled 1 environment: 4 files written"))
        let manifest = try String(contentsOf: root.appendingPathComponent("out/clusters/prod/east/web/manifest.yaml"), encoding: .utf8)
        #expect(manifest.contains("kind: Service"))
    }

    @Test func badInputWritesNothingAndExitsWithTwo() throws {
        let root = try sourceTree(clusterExtra: "operator:\n  installPlanApproval: Sometimes\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["compile"], in: root)
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("environments/prod/east.yaml:6:24: error:"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path))
    }

    @Test func explainPrintsEveryLayer() throws {
        let root = try sourceTree(clusterExtra: "values:\n  replicas: 4\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["explain", "prod/east", "values.replicas"], in: root)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("values.replicas = 4"))
        #expect(run.stdout.contains("environments/base.yaml:5:"))
        #expect(run.stdout.contains("environments/prod/east.yaml:6:"))
    }
}
