import Compiler
import Diagnostics
import Foundation
import ProcessRunner

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let crdValidator = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/crds/validate.py")
let hasCRDValidator = FileManager.default.fileExists(atPath: crdValidator.path)

/// `validate.py --lint` of ../shared/crds over a folder: its exit status and output.
func validateCRDs(at folder: String) throws -> (status: Int32, output: String) {
    let result = try runProcess("/usr/bin/env", ["python3", crdValidator.path, "--lint", folder])
    return (result.status, result.output)
}

/// A source tree (gitopsc.yaml, environments/, templates/) in a temporary folder.
final class SourceTree {
    let root: URL

    init(_ files: [String: String]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-compile-\(UUID().uuidString)")
        for (path, text) in files {
            try write(path, text)
        }
    }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func compile(_ names: [String] = []) throws -> RenderedTree {
        try Compiler(root: root.path, displayBase: root.path).compile(names)
    }

    /// The diagnostics a compile must fail with.
    func failures(_ names: [String] = []) throws -> [Diagnostic] {
        do {
            _ = try Compiler(root: root.path, displayBase: root.path).compile(names)
        } catch let list as DiagnosticList {
            return list.diagnostics
        } catch let diagnostic as Diagnostic {
            return [diagnostic]
        }
        return []
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }
}

/// A small valid source tree: one base, one cluster, one plain template.
let minimalSources: [String: String] = [
    "environments/base.yaml": """
        abstract: true
        components:
          web:
            namespace: web
        values:
          replicas: 2
          greeting: hello

        """,
    "environments/prod/east.yaml": """
        extends: base
        cluster:
          name: east
          server: https://api.east.example.com:6443

        """,
    "templates/web/deployment.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: ${values.replicas}
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: registry.example/web@sha256:0000000000000000000000000000000000000000000000000000000000000000
                args: ["--greeting=${values.greeting} from ${cluster.name}"]

        """,
]
