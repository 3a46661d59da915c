import Diagnostics
import Foundation
import Kustomize
import Testing

/// Kustomization files read as kustomize reads them, compared with `kubectl kustomize`.
@Suite(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
struct KustomizationParsingTests {
    static let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n"

    static func tree(_ kustomization: String) -> [String: String] {
        ["app/kustomization.yaml": kustomization, "app/cm.yaml": configMap]
    }

    /// Kustomizations kustomize builds.
    static let building: [String: String] = [
        "field names in any case": """
            RESOURCES: [cm.yaml]
            nameprefix: p-
            NameSuffix: -s
            commonlabels: {team: a}
            configmapgenerator:
            - NAME: extra
              Literals: [k=v]
              OPTIONS: {disablenamesuffixhash: true}

            """,
        "a key repeated: the last wins": "resources: [cm.yaml]\nnamespace: first\nnamespace: second\n",
        "one field in two spellings: byte order decides": "resources: [cm.yaml]\nnameprefix: lower-\nnamePrefix: camel-\n",
        "one map in two spellings: merged": "resources: [cm.yaml]\ncommonLabels: {a: '1', b: '2'}\nCommonLabels: {b: three, c: '4'}\n",
        "apiVersion and kind omitted": "resources: [cm.yaml]\n",
        "the Kustomization apiVersion": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\n",
        "deprecated fields still read": "bases: []\nresources: [cm.yaml]\nimageTags: []\npatchesStrategicMerge: []\n",
    ]

    @Test(arguments: building.keys.sorted())
    func buildsAsKubectl(name: String) throws {
        let outcome = try KubectlParity.expectSame(KustomizationParsingTests.tree(KustomizationParsingTests.building[name]!))
        #expect(outcome.output != nil)
    }

    static let failing: [String: String] = [
        "another apiVersion": "apiVersion: kustomize.config.k8s.io/v1\nresources: [cm.yaml]\n",
        "apiVersion in another case": "apiversion: v1\nresources: [cm.yaml]\n",
        "a Kustomization with the Component apiVersion": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Kustomization\nresources: [cm.yaml]\n",
        "another kind": "kind: Widget\nresources: [cm.yaml]\n",
        "an unknown field": "resources: [cm.yaml]\nnamePrefixes: p-\n",
    ]

    @Test(arguments: failing.keys.sorted())
    func failsAsKubectl(name: String) throws {
        let outcome = try KubectlParity.expectSame(KustomizationParsingTests.tree(KustomizationParsingTests.failing[name]!))
        #expect(outcome.error != nil)
    }

    @Test func aComponentNeedsItsOwnApiVersion() throws {
        for apiVersion in ["kustomize.config.k8s.io/v1alpha1", "kustomize.config.k8s.io/v1beta1"] {
            try KubectlParity.expectSame([
                "app/kustomization.yaml": "resources: [cm.yaml]\ncomponents: [../component]\n",
                "app/cm.yaml": KustomizationParsingTests.configMap,
                "component/kustomization.yaml": "apiVersion: \(apiVersion)\nkind: Component\nnamePrefix: c-\n",
            ])
        }
    }

    @Test func repeatsAreWarnedAtTheirLine() throws {
        let outcome = try KubectlParity.expectSame(KustomizationParsingTests.tree(
            "resources: [cm.yaml]\nnamespace: first\nnamespace: second\nnamePrefix: a-\nnameprefix: b-\n"))
        let lines = outcome.warnings.map { $0.location?.line ?? 0 }
        #expect(lines == [3, 5])
        #expect(outcome.warnings.allSatisfy { $0.severity == .warning })
    }
}
