import Diagnostics
import Environments
import Testing
import YAML

@Suite struct ExplainTests {
    let tree: SourceTree
    let environments: [Environment]

    init() throws {
        tree = try SourceTree([
            "base": "abstract: true\noperator:\n  channel: pipelines-1.14\ntektonConfig:\n  pipeline:\n    enable-api-fields: beta\n",
            "production": "extends: base\nabstract: true\noperator:\n  channel: pipelines-1.15\n",
            "production/ring-1": "extends: production\nabstract: true\ntektonConfig:\n  pipeline: null\n",
            "production/east-1": """
                extends: production/ring-1
                cluster: {server: "https://api.east:6443"}
                tektonConfig:
                  pipeline:
                    enable-api-fields: alpha
                components:
                  tekton-results:
                    namespace: results
                patches:
                  - patch: "a: 1"

                """,
        ])
        environments = try tree.load()
    }

    @Test func overriddenValueListsEveryLayer() throws {
        defer { tree.remove() }
        let explained = try Explain.explain("production/east-1", path: "operator.channel", in: environments)
        #expect(explained.value?.text == "pipelines-1.15")
        #expect(explained.layers.map(\.environment) == ["base", "production"])
        #expect(explained.layers.map(\.location) == [
            SourceLocation(file: "environments/base.yaml", line: 3, column: 3),
            SourceLocation(file: "environments/production.yaml", line: 4, column: 3),
        ])
        #expect(explained.layers.map { $0.value?.text } == ["pipelines-1.14", "pipelines-1.15"])
        #expect(explained.description == """
            production/east-1: operator.channel = pipelines-1.15
              environments/base.yaml:3:3: base sets pipelines-1.14
              environments/production.yaml:4:3: production sets pipelines-1.15
            """)
    }

    @Test func deletionIsALayer() throws {
        defer { tree.remove() }
        let explained = try Explain.explain("production/east-1", path: "tektonConfig.pipeline.enable-api-fields", in: environments)
        #expect(explained.value?.text == "alpha")
        #expect(explained.layers.map(\.environment) == ["base", "production/ring-1", "production/east-1"])
        #expect(explained.layers[1].value == nil)
        #expect(explained.layers[1].location == SourceLocation(file: "environments/production/ring-1.yaml", line: 4, column: 3))
        let ring = try Explain.explain("production/ring-1", path: "tektonConfig.pipeline.enable-api-fields", in: environments)
        #expect(ring.value == nil)
        #expect(ring.description.hasSuffix("production/ring-1 deletes it"))
    }

    @Test func defaultsComponentsAndPatches() throws {
        defer { tree.remove() }
        let namespace = try Explain.explain("production/east-1", path: "operator.namespace", in: environments)
        #expect(namespace.value == nil && namespace.layers.isEmpty)
        #expect(namespace.defaultValue?.text == "openshift-operators")
        #expect(namespace.description == "production/east-1: operator.namespace = openshift-operators (default, not set)")
        let results = try Explain.explain("production/east-1", path: "components.tekton-results.namespace", in: environments)
        #expect(results.value?.text == "results")
        #expect(results.layers.map(\.location.line) == [8])
        let patches = try Explain.explain("production/east-1", path: "patches", in: environments)
        #expect(patches.value?.items?.count == 1)
        #expect(patches.layers.map(\.environment) == ["production/east-1"])
        let abstract = try Explain.explain("production/ring-1", path: "abstract", in: environments)
        #expect(abstract.value?.text == "true")
        #expect(abstract.layers.map(\.environment) == ["production/ring-1"])
    }

    @Test func unknownPathsAndEnvironments() throws {
        defer { tree.remove() }
        #expect {
            try Explain.explain("production/east-1", path: "operator.chanel", in: environments)
        } throws: { error in
            let diagnostic = error as? Diagnostic
            return diagnostic?.code == "explain.unknown-field"
                && diagnostic?.message == "'chanel' is not a field of operator; did you mean 'channel'?"
        }
        #expect {
            try Explain.explain("production/east1", path: "operator.channel", in: environments)
        } throws: { error in
            (error as? Diagnostic)?.message == "no environment named 'production/east1'; did you mean 'production/east-1'?"
        }
        // Below free-form data every path is valid.
        let free = try Explain.explain("production/east-1", path: "tektonConfig.anything.at.all", in: environments)
        #expect(free.value == nil && free.layers.isEmpty)
    }
}
