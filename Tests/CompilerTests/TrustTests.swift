import Compiler
import Diagnostics
import Foundation
import ProcessRunner
import Testing

/// The compile never loses an object, never lets two things share a name or a path, and
/// never writes or deletes outside its output: each case was once a silent exit 0.
@Suite struct TrustTests {
    func sources(_ changes: [String: String]) throws -> SourceTree {
        var files = minimalSources
        for (path, text) in changes { files[path] = text }
        return try SourceTree(files)
    }

    static let serviceAccount = """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: web
          annotations: {team: web}

        """

    @Test(arguments: [
        "patches:\n- target: {kind: ServiceAccount}\n  patch: |\n    - op: remove\n      path: /metadata/annotations\n",
        "patches:\n- target: {kind: ServiceAccount}\n  patch: |\n    metadata:\n      annotations: null\n",
        "patches:\n- target: {kind: ServiceAccount}\n  patch: |\n    - op: replace\n      path: /metadata\n      value: {name: web}\n",
    ])
    func patchesThatDropAnnotationsKeepTheObject(patch: String) throws {
        let tree = try sources([
            "templates/web/sa.yaml": Self.serviceAccount,
            "environments/prod/east.yaml": "extends: base\ncluster: {name: east, server: https://api.east.example.com:6443}\n" + patch,
        ]).compile()
        let manifest = try #require(tree.files["clusters/prod/east/web/manifest.yaml"])
        #expect(manifest.contains("kind: ServiceAccount"))
        #expect(!manifest.contains("team: web"))
        #expect(!manifest.contains("gitopsc"), "no bookkeeping reaches the output")
    }

    @Test(arguments: ["False", "FALSE", "false"])
    func everySpellingOfFalseTurnsAComponentOff(spelling: String) throws {
        let tree = try sources([
            "environments/prod/east.yaml": "extends: base\ncluster: {name: east, server: https://api.east.example.com:6443}\ncomponents:\n  web: {enabled: \(spelling)}\n",
        ]).compile()
        #expect(tree.files["clusters/prod/east/web/manifest.yaml"] == nil)
        #expect(tree.environments[0].components.isEmpty)
    }

    @Test(arguments: ["False", "FALSE"])
    func everySpellingOfFalseTurnsAPatchOff(spelling: String) throws {
        let tree = try sources([
            "environments/prod/east.yaml": """
                extends: base
                cluster: {name: east, server: https://api.east.example.com:6443}
                patches:
                - enabled: \(spelling)
                  target: {kind: Deployment}
                  patch: |
                    - op: replace
                      path: /spec/replicas
                      value: 9

                """,
        ]).compile()
        #expect(tree.files["clusters/prod/east/web/manifest.yaml"]?.contains("replicas: 2\n") == true)
    }

    @Test func twoEnvironmentsWithOneApplicationNameAreAnError() throws {
        let failures = try sources([
            "environments/production/prod-east.yaml": "extends: base\ncluster: {name: a, server: https://a.example.com}\n",
            "environments/production-prod/east.yaml": "extends: base\ncluster: {name: b, server: https://b.example.com}\n",
        ]).failures()
        let collision = try #require(failures.first { $0.code == "compile.application-name-collision" })
        #expect(collision.message.contains("'production-prod-east-web'"))
        #expect(collision.message.contains("environments/production-prod/east.yaml") || collision.message.contains("environments/production/prod-east.yaml"))
        #expect(collision.location?.line == 3)
    }

    @Test func twoEnvironmentsOnOneClusterAreAnErrorUnlessShared() throws {
        let same = "cluster: {name: east, server: https://api.east.example.com:6443/}\n"
        let failures = try sources(["environments/prod/west.yaml": "extends: base\n" + same]).failures()
        let error = try #require(failures.first)
        #expect(error.code == "compile.shared-cluster")
        #expect(error.message.contains("'prod/east' and 'prod/west'"))
        #expect(error.location == SourceLocation(file: "environments/prod/west.yaml", line: 2, column: 10))

        // Shared on purpose, with the same objects: the objects collide.
        let shared = "cluster: {name: east, server: https://api.east.example.com:6443, shared: true}\n"
        let overlap = try sources([
            "environments/prod/east.yaml": "extends: base\n" + shared,
            "environments/prod/west.yaml": "extends: base\n" + shared,
        ]).failures()
        #expect(overlap.first?.code == "compile.shared-cluster-object")
        #expect(overlap.first?.message.contains("Deployment.v1.apps/web") == true)

        // Shared on purpose, in distinct namespaces: fine.
        let distinct = try sources([
            "environments/prod/east.yaml": "extends: base\n" + shared,
            "environments/prod/west.yaml": "extends: base\n" + shared + "components:\n  web: {namespace: west}\npatches:\n- target: {kind: Deployment}\n  patch: |\n    - {op: add, path: /metadata/namespace, value: west}\n",
        ]).compile()
        #expect(distinct.environments.count == 2)
    }

    @Test(arguments: ["apps", "root.yaml", "openshift-pipelines-operator"])
    func reservedComponentNamesAreAnError(name: String) throws {
        let failures = try sources([
            "templates/\(name)/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
            "environments/prod/east.yaml": "extends: base\ncluster: {name: east, server: https://api.east.example.com:6443}\ncomponents:\n  \(name): {}\n",
        ]).failures()
        let error = try #require(failures.first)
        #expect(error.code == "compile.reserved-component")
        #expect(error.message.hasPrefix("component name '\(name)' is reserved"))
        #expect(error.location == SourceLocation(file: "environments/prod/east.yaml", line: 4, column: 3))
    }

    @Test func concreteEnvironmentsDoNotNest() throws {
        let failures = try sources([
            "environments/prod.yaml": "extends: base\ncluster: {name: p, server: https://p.example.com}\n",
        ]).failures()
        let error = try #require(failures.first)
        #expect(error.code == "compile.nested-environment")
        #expect(error.message.hasPrefix("environment 'prod/east' would be rendered inside 'clusters/prod'"))
        #expect(error.location == SourceLocation(file: "environments/prod/east.yaml", line: 1, column: 1))
    }

    @Test func everyUnresolvedPlaceholderIsReportedAtItsPosition() throws {
        let failures = try sources([
            "templates/web/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: ${values.one}\n  b: x-${values.two}-${values.three}\n",
        ]).failures()
        let unresolved = failures.filter { $0.code == "compile.unresolved-placeholder" }
        #expect(unresolved.map(\.message) == [
            "unresolved placeholder ${values.one} for environment 'prod/east'",
            "unresolved placeholder ${values.two} for environment 'prod/east'",
            "unresolved placeholder ${values.three} for environment 'prod/east'",
        ])
        #expect(unresolved.map { $0.location?.line } == [5, 6, 6])
        #expect(unresolved.allSatisfy { $0.location?.file.hasSuffix("templates/web/cm.yaml") == true })
    }

    @Test func aPlainTextSecretIsRefusedWhateverTheShapeOfItsData() throws {
        let failures = try sources([
            "templates/web/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: cGFzc3dvcmQ=\n",
        ]).failures()
        #expect(failures.map(\.code) == ["compile.plaintext-secret"])
    }

    /// A generated ConfigMap's hash is kustomize's hash of the resolved data: what
    /// `kubectl kustomize` gives on the template folder with the values written in.
    @Test(.enabled(if: Oracles.executable("kubectl") != nil, "kubectl is not on PATH: skipping the generator hash comparison"))
    func generatedNamesHashTheResolvedData() throws {
        let kustomization = "configMapGenerator:\n- name: settings\n  literals:\n  - GREETING=GREETING_VALUE\nresources:\n- deployment.yaml\n"
        let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      volumes:\n      - name: s\n        configMap: {name: settings}\n"
        let tree = try sources([
            "templates/web/deployment.yaml": deployment,
            "templates/web/kustomization.yaml": kustomization.replacingOccurrences(of: "GREETING_VALUE", with: "${values.greeting}"),
            "environments/prod/west.yaml": "extends: base\ncluster: {name: west, server: https://api.west.example.com:6443}\nvalues: {greeting: bonjour}\n",
        ]).compile()
        for (environment, greeting) in [("prod/east", "hello"), ("prod/west", "bonjour")] {
            let resolved = try SourceTree([
                "deployment.yaml": deployment,
                "kustomization.yaml": kustomization.replacingOccurrences(of: "GREETING_VALUE", with: greeting),
            ])
            let oracle = try runProcess(Oracles.executable("kubectl")!, ["kustomize", resolved.root.path])
            #expect(oracle.status == 0, "\(oracle.stderr)")
            #expect(tree.files["clusters/\(environment)/web/manifest.yaml"] == oracle.stdout)
        }
        #expect(tree.files["clusters/prod/east/web/manifest.yaml"] != tree.files["clusters/prod/west/web/manifest.yaml"])
    }

    @Test func unresolvedPlaceholdersInAGeneratorAreReportedAtTheirPosition() throws {
        let failures = try sources([
            "templates/web/kustomization.yaml": "configMapGenerator:\n- name: settings\n  literals:\n  - A=${values.nope}\n  - B=${values.neither}\n",
        ]).failures()
        #expect(failures.map(\.code) == ["compile.unresolved-placeholder", "compile.unresolved-placeholder"])
        #expect(failures.map { $0.location?.line } == [4, 5])
        #expect(failures.allSatisfy { $0.location?.file.hasSuffix("templates/web/kustomization.yaml") == true })
    }

    /// A placeholder in an object's name changes what kustomize computes from names (here
    /// the name reference from a Deployment that names the ConfigMap as resolved): the build
    /// sees the resolved name, as `kubectl kustomize` of the resolved folder does.
    @Test(.enabled(if: Oracles.executable("kubectl") != nil, "kubectl is not on PATH: skipping the comparison"))
    func placeholdersInNamesAreResolvedBeforeTheBuild() throws {
        let objects = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: FIRST\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\nspec:\n  template:\n    spec:\n      volumes:\n      - name: v\n        configMap: {name: z}\n"
        let kustomization = "resources: [cms.yaml]\nnamePrefix: p-\n"
        let tree = try sources([
            "templates/web/cms.yaml": objects.replacingOccurrences(of: "FIRST", with: "${values.first}"),
            "templates/web/kustomization.yaml": kustomization,
            "environments/base.yaml": "abstract: true\ncomponents:\n  web: {namespace: web}\nvalues: {first: z}\n",
        ]).compile()
        let resolved = try SourceTree(["cms.yaml": objects.replacingOccurrences(of: "FIRST", with: "z"), "kustomization.yaml": kustomization])
        let oracle = try runProcess(Oracles.executable("kubectl")!, ["kustomize", resolved.root.path])
        #expect(oracle.status == 0, "\(oracle.stderr)")
        #expect(tree.files["clusters/prod/east/web/manifest.yaml"] == oracle.stdout)
        #expect(oracle.stdout.contains("configMap:\n          name: p-z"))
    }
}
