import Diagnostics
import Foundation
import Kustomize
import Testing

/// Differential checks against `kubectl kustomize` (kustomize v5.5.0) on trees the tests write.
enum KubectlParity {
    struct Outcome {
        /// gitopsc's output, or nil when it failed.
        var output: String?
        var error: Diagnostic?
        var warnings: [Diagnostic]
    }

    /// Builds `folder` of a tree with gitopsc.
    static func gitopsc(_ tree: TemporaryTree, folder: String) -> Outcome {
        let builder = KustomizeBuilder(store: SourceStore(displayBase: tree.path()))
        do {
            let output = try builder.buildYAML(tree.path(folder))
            return Outcome(output: output, error: nil, warnings: builder.store.sortedWarnings)
        } catch {
            return Outcome(output: nil, error: error, warnings: builder.store.sortedWarnings)
        }
    }

    /// Expects gitopsc to print exactly what kubectl prints, or both to fail with gitopsc's
    /// error naming a file and a line. Returns gitopsc's outcome for further checks.
    @discardableResult
    static func expectSame(_ files: [String: String], folder: String = "app", sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Outcome {
        let tree = try TemporaryTree(files)
        let oracle = try Kubectl.kustomize(tree.path(folder))
        let outcome = gitopsc(tree, folder: folder)
        if oracle.status == 0 {
            #expect(outcome.error == nil, "kubectl built the tree, gitopsc failed: \(outcome.error?.description ?? "")", sourceLocation: sourceLocation)
            if let output = outcome.output {
                #expect(output == oracle.output, "gitopsc differs from kubectl kustomize:\n--- kubectl\n\(oracle.output)--- gitopsc\n\(output)", sourceLocation: sourceLocation)
            }
        } else {
            #expect(outcome.output == nil, "kubectl failed (\(oracle.error)), gitopsc built the tree", sourceLocation: sourceLocation)
            if let error = outcome.error {
                #expect(error.location?.file.isEmpty == false && (error.location?.line ?? 0) > 0,
                        "the error names no file and line: \(error)", sourceLocation: sourceLocation)
            }
        }
        return outcome
    }
}
