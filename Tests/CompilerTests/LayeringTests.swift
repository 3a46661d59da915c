import Compiler
import Diagnostics
import Foundation
import Testing

/// What layers can express beyond plain merging: template roots outside the source folder,
/// a cluster's own resources, placeholders in patches and values, and named patches a
/// later layer changes or turns off.
@Suite struct LayeringTests {
    static let configMapTemplate = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: app
        data:
          mode: base

        """

    /// A base layer with one named patch, a ring below it and a cluster below that.
    func layeredSources(cluster: String, extra: [String: String] = [:]) throws -> SourceTree {
        var files: [String: String] = [
            "environments/base.yaml": """
                abstract: true
                cluster:
                  argocdName: ${cluster.name}
                values:
                  path: vault/${values.region}/${cluster.name}
                  settings:
                    owner: platform
                    url: https://${cluster.name}.example.com
                components:
                  app:
                    patches:
                      - name: mode
                        target: {kind: ConfigMap, name: settings}
                        patch: |
                          - {op: replace, path: /data/mode, value: "${values.path}"}
                      - name: settings
                        target: {kind: ConfigMap, name: settings}
                        patch: |
                          - {op: add, path: /data/extra, value: "${values.settings}"}

                """,
            "environments/ring.yaml": "extends: base\nabstract: true\nvalues:\n  region: eu\n",
            "environments/ring/east.yaml": cluster,
            "templates/app/settings.yaml": Self.configMapTemplate,
        ]
        files.merge(extra) { _, new in new }
        return try SourceTree(files)
    }

    /// The cluster's file: the ring's child with these component patches (one per line of `patches`).
    func cluster(patching patches: String) -> String {
        "extends: ring\ncluster: {name: east}\ncomponents:\n  app:\n    patches:\n"
            + patches.split(separator: "\n").map { "      " + $0 + "\n" }.joined()
    }

    @Test func placeholdersInPatchesValuesAndClusterResolvePerEnvironment() throws {
        let tree = try layeredSources(cluster: "extends: ring\ncluster: {name: east}\n").compile()
        let manifest = try #require(tree.files["clusters/ring/east/app/manifest.yaml"])
        // A value built from other values and the cluster's name, used in a JSON patch.
        #expect(manifest.contains("mode: vault/eu/east\n"))
        // A whole mapping placed by one placeholder, its own placeholders resolved too.
        #expect(manifest.contains("extra:\n    owner: platform\n    url: https://east.example.com\n"))
        // The cluster section resolves placeholders as well.
        let application = try #require(tree.files["clusters/ring/east/apps/app.yaml"])
        #expect(application.contains("name: east\n"))
    }

    @Test func aNamedPatchIsTurnedOffOrReplacedInPlace() throws {
        let off = try layeredSources(cluster: cluster(patching: "- {name: settings, enabled: false}")).compile()
        let manifest = try #require(off.files["clusters/ring/east/app/manifest.yaml"])
        #expect(manifest.contains("mode: vault/eu/east\n"))
        #expect(!manifest.contains("extra:"))

        // Replacing the first patch keeps its place: the second still runs after it.
        let replaced = try layeredSources(cluster: cluster(patching: """
            - {name: mode, patch: '[{op: replace, path: /data/mode, value: custom}]'}
            - {target: {kind: ConfigMap, name: settings}, patch: '[{op: remove, path: /data/extra/owner}]'}
            """)).compile()
        let text = try #require(replaced.files["clusters/ring/east/app/manifest.yaml"])
        #expect(text.contains("mode: custom\n"))
        #expect(text.contains("extra:\n    url: https://east.example.com\n"))
    }

    @Test func aNamedPatchThatChangesNothingInheritedIsAnError() throws {
        let tree = try layeredSources(cluster: cluster(patching: "- {name: setings, enabled: false}"))
        let errors = try tree.failures()
        #expect(errors.count == 1)
        let error = try #require(errors.first)
        #expect(error.code == "environment.unknown-patch")
        #expect(error.message.contains("'setings'"))
        #expect(error.location == SourceLocation(file: "environments/ring/east.yaml", line: 6, column: 9))
    }

    @Test func placeholderCycleIsReported() throws {
        let tree = try layeredSources(cluster: "extends: ring\ncluster: {name: east}\nvalues:\n  region: ${values.path}\n")
        let error = try #require(try tree.failures().first)
        #expect(error.code == "compile.placeholder-cycle")
        #expect(error.message.contains("${values.path} -> ${values.region} -> ${values.path}"))
        #expect(error.chain.last == "environments/ring/east.yaml")
    }

    @Test func resourcesAccumulateAndSortWithTheTemplate() throws {
        let tree = try layeredSources(cluster: """
            extends: ring
            cluster: {name: east}
            components:
              app:
                resources: [extras/east/namespace.yaml]

            """, extra: [
                "environments/ring.yaml": "extends: base\nabstract: true\nvalues:\n  region: eu\ncomponents:\n  app:\n    resources: [extras/role.yaml]\n",
                "extras/role.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader-${cluster.name}\n",
                "extras/east/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n",
            ]).compile()
        let manifest = try #require(tree.files["clusters/ring/east/app/manifest.yaml"])
        // kustomize's legacy order (Namespace, ..., ClusterRole, ..., ConfigMap); placeholders resolved.
        let kinds = manifest.split(separator: "\n").filter { $0.hasPrefix("kind: ") }
        #expect(kinds == ["kind: Namespace", "kind: ClusterRole", "kind: ConfigMap"])
        #expect(manifest.contains("name: reader-east\n"))
    }

    @Test func foldersOutsideTheSourceRootAreRefusedUnlessNamed() throws {
        let outside = try SourceTree(["shared/app/settings.yaml": Self.configMapTemplate])
        let cluster = "extends: ring\ncluster: {name: east}\ncomponents:\n  app:\n    template: %@\n"
        let escaping = try layeredSources(cluster: String(format: cluster, "../../\(outside.root.lastPathComponent)/shared/app"))
        let refused = try #require(try escaping.failures().first)
        #expect(refused.code == "path.outside-root")
        #expect(refused.message.contains("templateRoots"))
        #expect(refused.location == SourceLocation(file: "environments/ring/east.yaml", line: 5, column: 15))

        let unknown = try layeredSources(cluster: String(format: cluster, "shred:app"), extra: [
            "gitopsc.yaml": "templateRoots:\n  shared: \(outside.root.path)/shared\n",
        ])
        let unknownError = try #require(try unknown.failures().first)
        #expect(unknownError.code == "compile.unknown-template-root")
        #expect(unknownError.message.contains("did you mean 'shared'"))

        let leaving = try layeredSources(cluster: String(format: cluster, "shared:../../etc"), extra: [
            "gitopsc.yaml": "templateRoots:\n  shared: \(outside.root.path)/shared\n",
        ])
        #expect(try leaving.failures().first?.code == "path.outside-root")

        let missing = try layeredSources(cluster: String(format: cluster, "shared:app"), extra: [
            "gitopsc.yaml": "templateRoots:\n  shared: \(outside.root.path)/absent\n",
        ])
        let missingError = try #require(try missing.failures().first)
        #expect(missingError.code == "compile.missing-template-root")
        #expect(missingError.location == SourceLocation(file: "gitopsc.yaml", line: 2, column: 11))
        #expect(missingError.message.contains("environments/ring/east.yaml:5:15"))

        let named = try layeredSources(cluster: String(format: cluster, "shared:app"), extra: [
            "gitopsc.yaml": "templateRoots:\n  shared: \(outside.root.path)/shared\n",
        ]).compile()
        #expect(named.files["clusters/ring/east/app/manifest.yaml"]?.contains("mode: vault/eu/east\n") == true)
    }

    @Test func patchFilesOutsideTheRootNeedATemplateRootToo() throws {
        let outside = try SourceTree(["patches/mode.yaml": "- {op: replace, path: /data/mode, value: \"from-${cluster.name}\"}\n"])
        let cluster = "extends: ring\ncluster: {name: east}\ncomponents:\n  app:\n    patches:\n      - {target: {kind: ConfigMap}, path: %@}\n"
        let escaping = try layeredSources(cluster: String(format: cluster, "../\(outside.root.lastPathComponent)/patches/mode.yaml"))
        #expect(try escaping.failures().first?.code == "path.outside-root")
        let named = try layeredSources(cluster: String(format: cluster, "team:patches/mode.yaml"), extra: [
            "gitopsc.yaml": "templateRoots:\n  team: \(outside.root.path)\n",
        ]).compile()
        #expect(named.files["clusters/ring/east/app/manifest.yaml"]?.contains("mode: from-east\n") == true)
    }
}
