import Diagnostics
import Manifests
import Testing
import YAML

private let digest = "sha256:" + String(repeating: "ab12", count: 16)

@Suite struct OLMv1ManifestsTests {
    @Test func defaultsGiveAClusterExtensionAndItsInstaller() throws {
        let objects = try OperatorManifests.render(section("olm: v1"), context: context)
        #expect(objects.map { text($0, "kind") } == ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ClusterExtension"])
        let extensionObject = try #require(objects.last)
        #expect(text(extensionObject, "apiVersion") == "olm.operatorframework.io/v1")
        #expect(text(extensionObject, "metadata", "name") == "openshift-pipelines-operator-rh")
        #expect(extensionObject[path: ["metadata", "namespace"]] == nil, "ClusterExtension is cluster-scoped")
        #expect(text(extensionObject, "spec", "namespace") == "openshift-operators")
        #expect(text(extensionObject, "spec", "serviceAccount", "name") == "openshift-pipelines-operator-rh-installer")
        #expect(text(extensionObject, "spec", "source", "sourceType") == "Catalog")
        #expect(text(extensionObject, "spec", "source", "catalog", "packageName") == "openshift-pipelines-operator-rh")
        #expect(extensionObject[path: ["spec", "source", "catalog", "selector"]] == nil, "no custom catalog: any catalog")
        #expect(text(extensionObject, "metadata", "annotations", "argocd.argoproj.io/sync-wave") == "-2")
        for installer in objects.dropLast() {
            #expect(text(installer, "metadata", "annotations", "argocd.argoproj.io/sync-wave") == "-3", "the installer exists first")
        }
        let binding = objects[2]
        #expect(text(binding, "roleRef", "name") == "openshift-pipelines-operator-rh-installer")
        #expect(binding[path: ["subjects"]]?.items?.first.map { text($0, "namespace") } == "openshift-operators")
        let finalizers = try #require(objects[1]["rules"]?.items?.first)
        #expect(finalizers["resourceNames"]?.items?.map(\.text) == ["openshift-pipelines-operator-rh"], "only its own extension")
    }

    @Test func channelVersionPolicyAndCatalog() throws {
        let objects = try OperatorManifests.render(section("""
            olm: v1
            channel: latest
            version: 1.15.x
            upgradeConstraintPolicy: SelfCertified
            catalogSource: {name: nightly, image: quay.io/x/catalog@\(digest)}
            """), context: context)
        #expect(objects.map { text($0, "kind") } == ["ClusterCatalog", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ClusterExtension"])
        #expect(text(objects[0], "metadata", "name") == "nightly")
        #expect(text(objects[0], "spec", "source", "type") == "Image")
        #expect(text(objects[0], "spec", "source", "image", "ref") == "quay.io/x/catalog@\(digest)")
        let catalog = try #require(objects.last?[path: ["spec", "source", "catalog"]])
        #expect(catalog["channels"]?.items?.map(\.text) == ["latest"])
        #expect(text(catalog, "version") == "1.15.x")
        #expect(text(catalog, "upgradeConstraintPolicy") == "SelfCertified")
        #expect(text(catalog, "selector", "matchLabels", "olm.operatorframework.io/metadata.name") == "nightly")
    }

    /// A field of the other OLM is an error at its line, never dropped.
    @Test func fieldsOfTheOtherOLMAreErrors() throws {
        let cases: [(String, String, Int)] = [
            ("olm: v1\ninstallPlanApproval: Manual", "manifests.olm-v0-field", 2),
            ("olm: v1\nstartingCSV: x.v1", "manifests.olm-v0-field", 2),
            ("olm: v1\nconfig: {env: []}", "manifests.olm-v0-field", 2),
            ("olm: v1\ncatalogSource:\n  image: quay.io/x/catalog@\(digest)\n  pollInterval: 30m", "manifests.olm-v0-field", 4),
            ("olm: v1\ncatalogSource:\n  image: quay.io/x/catalog:latest", "manifests.catalog-image-digest", 3),
            ("version: 1.15.x", "manifests.olm-v1-field", 1),
            ("upgradeConstraintPolicy: CatalogProvided", "manifests.olm-v1-field", 1),
            ("olm: v2", "manifests.olm-version", 1),
            ("olm: v1\nupgradeConstraintPolicy: Sometimes", "manifests.upgrade-constraint-policy", 2),
        ]
        for (yaml, code, line) in cases {
            do {
                _ = try OperatorManifests.render(section(yaml), context: context)
                Issue.record("no error for \(yaml)")
            } catch let error as Diagnostic {
                #expect(error.code == code, "\(yaml): \(error)")
                #expect(error.location?.line == line, "\(yaml): \(error)")
            }
        }
    }
}
