import Compiler
import Diagnostics
import Foundation
import ProcessRunner
import Schemas
import Testing
import YAML

/// The bundled environments with one production cluster switched to OLM v1: its operator
/// component is a ClusterCatalog, the installer ServiceAccount, ClusterRole and
/// ClusterRoleBinding, and a ClusterExtension, valid against the real OLM v1 CRDs
/// (validate.py) and the Kubernetes OpenAPI (kubernetes-validate). The bundled golden output
/// stays OLM v0: the switch is made in a copy.
@Suite struct OLMv1Tests {
    static let cluster = "production/kflux-osp-p01"
    static let switchToV1 = """

        operator:
          olm: v1
          # OLM v0 fields the production layers set: a ClusterExtension has no place for them.
          source: null
          sourceNamespace: null
          installPlanApproval: null
          startingCSV: null
          version: ">=1.20.1 <1.21.0"
          upgradeConstraintPolicy: CatalogProvided
          catalogSource:
            displayName: null
            publisher: null
            pollInterval: null

        """

    func compiledCopy() throws -> (URL, RenderedComponent) {
        var spec = ""
        let copy = try bundledCopy(editing: Self.cluster) { text in
            spec = text
            return text + Self.switchToV1
        }
        #expect(!spec.contains("operator:"), "the cluster must not set operator itself for this test")
        let tree = try Compiler(root: copy.path, displayBase: copy.path).compile()
        let environment = try #require(tree.environments.first { $0.name == Self.cluster })
        let component = try #require(environment.components.first { $0.name == Compiler.operatorComponent })
        // The other clusters still render OLM v0.
        let others = tree.environments.filter { $0.name != Self.cluster }.flatMap(\.allObjects)
        #expect(others.contains { $0["kind"]?.text == "Subscription" })
        #expect(!others.contains { $0["kind"]?.text == "ClusterExtension" })
        return (copy, component)
    }

    @Test func rendersAClusterExtensionAndItsInstaller() throws {
        let (copy, component) = try compiledCopy()
        defer { try? FileManager.default.removeItem(at: copy) }
        #expect(Set(component.objects.compactMap { $0["kind"]?.text }) == ["ClusterCatalog", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ClusterExtension"])
        let text = YAMLEmitter.emitStream(component.objects)
        #expect(text.contains("""
            spec:
              namespace: openshift-operators
              serviceAccount:
                name: openshift-pipelines-operator-rh-installer
              source:
                catalog:
                  channels:
                  - pipelines-1.20
                  packageName: openshift-pipelines-operator-rh
                  selector:
                    matchLabels:
                      olm.operatorframework.io/metadata.name: pipeline-service-catalog
                  upgradeConstraintPolicy: CatalogProvided
                  version: '>=1.20.1 <1.21.0'
                sourceType: Catalog
            """), "\(text)")
        #expect(text.contains("ref: registry.example.com/olm/pipelines-index@sha256:"))
        #expect(!text.contains("pollIntervalMinutes"), "a digest-pinned ClusterCatalog never polls")
    }

    @Test(.enabled(if: crdsOrRequired, "../shared/crds is absent"))
    func objectsPassValidatePyAndGitopsc() throws {
        try requireCRDs()
        let (copy, component) = try compiledCopy()
        defer { try? FileManager.default.removeItem(at: copy) }
        let file = copy.appendingPathComponent("olm-v1.yaml")
        let custom = component.objects.filter { $0["apiVersion"]?.text?.hasPrefix("olm.operatorframework.io/") ?? false }
        #expect(custom.count == 2)
        try YAMLEmitter.emitStream(custom).write(to: file, atomically: true, encoding: .utf8)
        let result = try runProcess("/usr/bin/env", ["python3", crdFolder.appendingPathComponent("validate.py").path, "--lint", "-w", file.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("2 passed, 0 failed"), "\(result.output)")
        #expect(!result.stdout.contains("WARNING"), "\(result.output)")
        let schemas = try #require(sharedSchemas)
        for object in component.objects {
            if case .checked(let problems) = schemas.validate(object) { #expect(problems.isEmpty, "\(problems)") }
        }
    }

    @Test(.enabled(if: Oracles.executable("kubernetes-validate") != nil || Oracles.required, "kubernetes-validate is not installed"))
    func installerRBACPassesKubernetesValidate() throws {
        let validate = try #require(Oracles.executable("kubernetes-validate"), "kubernetes-validate is required")
        let (copy, component) = try compiledCopy()
        defer { try? FileManager.default.removeItem(at: copy) }
        let builtIn = component.objects.filter { !($0["apiVersion"]?.text?.hasPrefix("olm.operatorframework.io/") ?? true) }
        #expect(builtIn.count == 3)
        var files: [String] = []
        for (index, object) in builtIn.enumerated() {
            let file = copy.appendingPathComponent("builtin-\(index).yaml")
            try YAMLEmitter.emitStream([object]).write(to: file, atomically: true, encoding: .utf8)
            files.append(file.path)
        }
        let result = try runProcess(validate, ["--strict", "--kubernetes-version", "1.32.0"] + files)
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.output.contains("ERROR"), "\(result.output)")
    }
}
