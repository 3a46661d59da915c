import Compiler
import Diagnostics
import Foundation
import Testing

@Suite struct CompileErrorTests {
    func sources(replacing changes: [String: String]) throws -> SourceTree {
        var files = minimalSources
        for (path, text) in changes { files[path] = text }
        return try SourceTree(files)
    }

    @Test func minimalTreeCompiles() throws {
        let tree = try sources(replacing: [:]).compile()
        let manifest = try #require(tree.files["clusters/prod/east/web/manifest.yaml"])
        #expect(manifest.contains("replicas: 2\n"))
        #expect(manifest.contains("--greeting=hello from east"))
        #expect(tree.files["clusters/prod/east/apps/web.yaml"] != nil)
        #expect(tree.files["clusters/prod/east/root.yaml"] != nil)
        #expect(tree.files["clusters/.gitopsc/manifest.json"]?.contains("\"clusters/prod/east/web/manifest.yaml\"") == true)
    }

    @Test func extendsCycle() throws {
        let tree = try sources(replacing: [
            "environments/base.yaml": "extends: prod/east\nabstract: true\n",
        ])
        let errors = try tree.failures()
        #expect(errors.contains { $0.code == "environment.extends-cycle" && $0.message.contains("environments/base.yaml") })
    }

    @Test func missingParentSuggestsTheNearestName() throws {
        let tree = try sources(replacing: ["environments/prod/east.yaml": "extends: bse\ncluster: {name: east, server: https://x.example}\n"])
        let error = try #require(try tree.failures().first)
        #expect(error.code == "environment.missing-parent")
        #expect(error.message.contains("'base'"))
        #expect(error.location?.file == "environments/prod/east.yaml")
        #expect(error.location?.line == 1)
    }

    @Test func unknownFieldWithDidYouMean() throws {
        let tree = try sources(replacing: ["environments/prod/east.yaml": "extends: base\ncluster: {name: east, server: https://x.example}\noperater: {}\n"])
        let error = try #require(try tree.failures().first)
        #expect(error.code == "environment.unknown-field")
        #expect(error.message.contains("did you mean 'operator'"))
        #expect(error.location == SourceLocation(file: "environments/prod/east.yaml", line: 3, column: 1))
        #expect(error.chain.contains("environments/prod/east.yaml"))
    }

    @Test func wrongType() throws {
        let tree = try sources(replacing: ["environments/prod/east.yaml": "extends: base\ncluster: {name: east, server: https://x.example}\noperator:\n  enabled: maybe\n"])
        let error = try #require(try tree.failures().first)
        #expect(error.code == "environment.wrong-type")
        #expect(error.location?.line == 4)
    }

    @Test func unresolvedPlaceholderNamesTemplatePositionAndEnvironment() throws {
        let tree = try sources(replacing: ["environments/base.yaml": "abstract: true\ncomponents:\n  web: {namespace: web}\nvalues:\n  replicas: 2\n"])
        let error = try #require(try tree.failures().first)
        #expect(error.code == "compile.unresolved-placeholder")
        #expect(error.message.contains("${values.greeting}"))
        #expect(error.message.contains("'prod/east'"))
        #expect(error.location?.file == "templates/web/deployment.yaml")
        #expect(error.location?.line == 16)
        #expect(error.chain == ["environments/base.yaml", "environments/prod/east.yaml"])
    }

    @Test func missingTemplateFolder() throws {
        let tree = try sources(replacing: ["environments/prod/east.yaml": "extends: base\ncluster: {name: east, server: https://x.example}\ncomponents:\n  db:\n    template: postgres\n"])
        let error = try #require(try tree.failures().first)
        #expect(error.code == "compile.missing-template")
        #expect(error.message.contains("templates/postgres"))
        #expect(error.location == SourceLocation(file: "environments/prod/east.yaml", line: 5, column: 15))
    }

    @Test func namesThatWouldEscapeTheOutputFolder() throws {
        let tree = try sources(replacing: [
            "environments/prod/east.yaml": "extends: base\ncluster: {name: east, server: https://x.example}\ncomponents:\n  ../evil: {namespace: x}\n",
        ])
        let errors = try tree.failures()
        #expect(errors.contains { $0.code == "environment.invalid-name" && $0.message.contains("../evil") })
    }

    @Test func twoComponentsRenderingTheSameObject() throws {
        let tree = try sources(replacing: [
            "environments/base.yaml": "abstract: true\ncomponents:\n  web: {namespace: web}\n  copy: {template: web}\nvalues:\n  replicas: 2\n  greeting: hi\n",
        ])
        let error = try #require(try tree.failures().first)
        #expect(error.code == "compile.duplicate-object")
        #expect(error.message.contains("'web'") && error.message.contains("'copy'"))
    }

    @Test func patchThatMatchesNothing() throws {
        let tree = try sources(replacing: [
            "environments/prod/east.yaml": """
                extends: base
                cluster: {name: east, server: https://x.example}
                patches:
                - target: {kind: StatefulSet}
                  patch: |
                    - op: replace
                      path: /spec/replicas
                      value: 3

                """,
        ])
        let error = try #require(try tree.failures().first)
        #expect(error.code == "compile.patch-matches-nothing")
        #expect(error.location?.file == "environments/prod/east.yaml")
        #expect(error.location?.line == 4)
    }

    @Test func patchesApplyToRenderedObjects() throws {
        let tree = try sources(replacing: [
            "environments/prod/east.yaml": """
                extends: base
                cluster: {name: east, server: https://x.example}
                patches:
                - target: {kind: Deployment, name: web}
                  patch: |
                    - op: replace
                      path: /spec/replicas
                      value: 7

                """,
        ]).compile()
        #expect(tree.files["clusters/prod/east/web/manifest.yaml"]?.contains("replicas: 7\n") == true)
    }

    @Test func plaintextSecretIsRefusedUnlessAllowed() throws {
        let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\nstringData:\n  token: hunter2\n"
        let refused = try sources(replacing: ["templates/web/secret.yaml": secret])
        let error = try #require(try refused.failures().first)
        #expect(error.code == "compile.plaintext-secret")
        #expect(error.location?.file == "templates/web/secret.yaml")
        let allowed = try sources(replacing: [
            "templates/web/secret.yaml": secret,
            "environments/prod/east.yaml": "extends: base\ncluster: {name: east, server: https://x.example}\nsecrets:\n  allowPlaintext: true\n",
        ])
        #expect(try allowed.compile().files["clusters/prod/east/web/manifest.yaml"]?.contains("hunter2") == true)
    }

    @Test func everyErrorOfARunIsReported() throws {
        let tree = try sources(replacing: [
            "environments/prod/east.yaml": "extends: base\ncluster: {name: east, server: https://x.example}\nopertor: {}\n",
            "environments/prod/west.yaml": "extends: base\ncluster: {name: west, server: https://y.example}\nargocd:\n  finalizers: sometimes\n",
        ])
        let errors = try tree.failures()
        #expect(errors.count >= 2)
        #expect(errors.contains { $0.location?.file == "environments/prod/east.yaml" })
        #expect(errors.contains { $0.location?.file == "environments/prod/west.yaml" })
    }
}

@Suite struct OutputWriterTests {
    @Test func replacesAndPrunesOnlyOwnedPaths() throws {
        let tree = try SourceTree(minimalSources)
        let output = tree.root.appendingPathComponent("out").path
        _ = try OutputWriter.write(try tree.compile().output, to: output)
        try tree.write("out/clusters/README.md", "hand-written, not gitopsc's\n")
        try tree.write("environments/prod/west.yaml", "extends: base\ncluster: {name: west, server: https://y.example}\n")
        _ = try OutputWriter.write(try tree.compile().output, to: output)
        #expect(FileManager.default.fileExists(atPath: output + "/clusters/prod/west/web/manifest.yaml"))
        try FileManager.default.removeItem(at: tree.root.appendingPathComponent("environments/prod/west.yaml"))
        let summary = try OutputWriter.write(try tree.compile().output, to: output)
        #expect(summary.deleted == 3)
        #expect(!FileManager.default.fileExists(atPath: output + "/clusters/prod/west"))
        #expect(FileManager.default.fileExists(atPath: output + "/clusters/prod/east/web/manifest.yaml"))
        #expect(FileManager.default.fileExists(atPath: output + "/clusters/README.md"))
    }
}
