import Diagnostics
import Foundation
import Kustomize
import Testing

/// The kustomization's `sortOptions` (and the SortOrderTransformer kubectl cannot load),
/// compared with `kubectl kustomize`.
@Suite(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
struct SortOptionsTests {
    static let resources = [
        ("apps/v1", "Deployment", "web"), ("v1", "Namespace", "space"), ("v1", "ConfigMap", "b"),
        ("v1", "ConfigMap", "a"), ("example.com/v1", "Namespace", "custom"), ("v1", "Service", "web"),
        ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "hook"), ("v1", "Secret", "s"),
    ].map { "apiVersion: \($0.0)\nkind: \($0.1)\nmetadata:\n  name: \($0.2)\n" }.joined(separator: "---\n")

    static func tree(_ kustomization: String, base: String = "resources: [res.yaml]\n") -> [String: String] {
        ["base/res.yaml": resources, "base/kustomization.yaml": base, "app/kustomization.yaml": "resources: [../base]\n" + kustomization]
    }

    static let options: [String: String] = [
        "none": "",
        "fifo": "sortOptions:\n  order: fifo\n",
        "legacy": "sortOptions:\n  order: legacy\n",
        "legacy kinds": "sortOptions:\n  order: legacy\n  legacySortOptions:\n    orderFirst: [Service, Secret]\n    orderLast: [ConfigMap, Namespace]\n",
        "legacy, only orderLast": "sortOptions:\n  order: legacy\n  legacySortOptions:\n    orderLast: [Deployment]\n",
        "legacy kinds without order": "sortOptions:\n  legacySortOptions:\n    orderFirst: [Secret]\n",
        "fifo with legacy kinds": "sortOptions:\n  order: fifo\n  legacySortOptions:\n    orderFirst: [Secret]\n",
        "an unknown order": "sortOptions:\n  order: random\n",
        "empty sortOptions": "sortOptions: {}\n",
    ]

    @Test(arguments: options.keys.sorted())
    func sortsAsKubectl(name: String) throws {
        _ = try KubectlParity.expectSame(SortOptionsTests.tree(SortOptionsTests.options[name]!))
    }

    /// Only the top kustomization's `sortOptions` count.
    @Test func aBaseSortOptionsAreIgnored() throws {
        _ = try KubectlParity.expectSame(SortOptionsTests.tree("", base: "resources: [res.yaml]\nsortOptions:\n  order: fifo\n"))
    }

    /// kubectl kustomize v5.5.0 cannot load a SortOrderTransformer; gitopsc refuses it too.
    @Test func sortOrderTransformerFailsAsKubectl() throws {
        let outcome = try KubectlParity.expectSame(SortOptionsTests.tree("transformers:\n- |-\n  apiVersion: builtin\n  kind: SortOrderTransformer\n  metadata: {name: sort}\n  sortOptions: {order: fifo}\n"))
        #expect(outcome.error?.message.contains("sortOptions") == true)
    }
}
