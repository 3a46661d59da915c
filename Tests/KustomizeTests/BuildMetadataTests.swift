import Diagnostics
import Foundation
import Kustomize
import Testing

/// `buildMetadata`, compared with `kubectl kustomize`.
@Suite(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
struct BuildMetadataTests {
    static let base: [String: String] = [
        "base/kustomization.yaml": "resources: [objects.yaml]\nnamePrefix: b-\n",
        "base/objects.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            ---
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: Service, metadata: {name: web}}

            """,
        "app/local.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: local, annotations: {a: b}}\n",
        "app/sub dir/odd: name.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: odd}\n",
    ]

    @Test(arguments: [
        "buildMetadata: [originAnnotations, managedByLabel]",
        "buildMetadata: [managedByLabel]",
        "buildMetadata: [originAnnotations]",
        "buildMetadata: []",
    ])
    func originAndManagedByAsKubectl(options: String) throws {
        let kustomization = """
            resources: [../base, local.yaml, "sub dir/odd: name.yaml"]
            namespace: ns
            \(options)
            configMapGenerator:
            - {name: generated, literals: [a=b]}
            secretGenerator:
            - {name: secret, literals: [c=d]}

            """
        let outcome = try KubectlParity.expectSame(BuildMetadataTests.base.merging(["app/kustomization.yaml": kustomization]) { $1 })
        #expect(outcome.output != nil)
    }

    /// kustomize reads only the built kustomization's buildMetadata, not its bases'.
    @Test func aBasesBuildMetadataIsIgnored() throws {
        var files = BuildMetadataTests.base
        files["base/kustomization.yaml"] = "resources: [objects.yaml]\nbuildMetadata: [originAnnotations, managedByLabel]\n"
        files["app/kustomization.yaml"] = "resources: [../base]\n"
        let outcome = try KubectlParity.expectSame(files)
        #expect(outcome.output?.contains("origin") == false)
    }

    /// kustomize records the transformers that ran over each object (see
    /// TransformerAnnotationsTests); a base's transformers are named by its path.
    @Test func transformerAnnotationsNameTheBasesTransformers() throws {
        let outcome = try KubectlParity.expectSame(BuildMetadataTests.base.merging(["app/kustomization.yaml": "resources: [../base]\nnamePrefix: p-\nbuildMetadata:\n- transformerAnnotations\n"]) { $1 })
        #expect(outcome.output?.contains("alpha.config.kubernetes.io/transformations") == true)
    }
}
