import Diagnostics
import Manifests
import Testing
import YAML

let context = RenderContext(
    environment: "production/east-1",
    repositoryURL: "https://github.com/example/gitops.git",
    targetRevision: "rendered",
    folder: "clusters")

/// Parses a spec section the way the environment loader would, so that nodes carry marks.
func section(_ yaml: String) throws -> Node {
    try YAMLParser.parseDocument(yaml, file: "environments/production/east-1.yaml")
}

/// The text of the scalar at `path`, or nil when the path leads nowhere.
func text(_ node: Node, _ path: String...) -> String? {
    node[path: path]?.scalar?.value
}

/// The diagnostic a throwing render produced, failing the test when it did not throw one.
func diagnostic(_ body: () throws(Diagnostic) -> Void) -> Diagnostic? {
    do {
        try body()
        Issue.record("expected a diagnostic")
        return nil
    } catch {
        return error
    }
}
