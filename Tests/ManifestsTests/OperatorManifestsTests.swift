import Diagnostics
import Manifests
import Testing
import YAML

private let digest = "sha256:" + String(repeating: "ab12", count: 16)

@Suite struct OperatorManifestsTests {
    @Test func defaultsGiveOneSubscriptionInOpenshiftOperators() throws {
        let objects = try OperatorManifests.render(section("{}"), context: context)
        #expect(objects.count == 1)
        let subscription = try #require(objects.first)
        #expect(text(subscription, "apiVersion") == "operators.coreos.com/v1alpha1")
        #expect(text(subscription, "kind") == "Subscription")
        #expect(text(subscription, "metadata", "name") == "openshift-pipelines-operator-rh")
        #expect(text(subscription, "metadata", "namespace") == "openshift-operators")
        #expect(text(subscription, "metadata", "annotations", "argocd.argoproj.io/sync-wave") == "-2")
        #expect(text(subscription, "spec", "name") == "openshift-pipelines-operator-rh")
        #expect(text(subscription, "spec", "source") == "redhat-operators")
        #expect(text(subscription, "spec", "sourceNamespace") == "openshift-marketplace")
        #expect(text(subscription, "spec", "installPlanApproval") == "Automatic")
        #expect(subscription[path: ["spec", "channel"]] == nil)
        #expect(subscription[path: ["spec", "startingCSV"]] == nil)
        #expect(subscription[path: ["spec", "config"]] == nil)
    }

    @Test func disabledRendersNothing() throws {
        #expect(try OperatorManifests.render(section("enabled: false\nchannel: latest"), context: context).isEmpty)
    }

    @Test func fieldsReachTheSubscription() throws {
        let objects = try OperatorManifests.render(section("""
            package: my-operator
            channel: pipelines-1.15
            installPlanApproval: Manual
            startingCSV: openshift-pipelines-operator-rh.v1.15.1
            syncWave: 5
            config:
              env: [{name: AUTOINSTALL_COMPONENTS, value: "true"}]
            """), context: context)
        let subscription = try #require(objects.last)
        #expect(objects.count == 1)
        #expect(text(subscription, "metadata", "name") == "my-operator")
        #expect(text(subscription, "spec", "name") == "my-operator")
        #expect(text(subscription, "spec", "channel") == "pipelines-1.15")
        #expect(text(subscription, "spec", "installPlanApproval") == "Manual")
        #expect(text(subscription, "spec", "startingCSV") == "openshift-pipelines-operator-rh.v1.15.1")
        #expect(text(subscription, "metadata", "annotations", "argocd.argoproj.io/sync-wave") == "5")
        let env = try #require(subscription[path: ["spec", "config", "env"]]?.items)
        #expect(env.count == 1)
        #expect(text(env[0], "value") == "true")
        #expect(env[0]["value"]?.type == .string, "a quoted value stays a string")
        #expect(try OperatorManifests.syncWave(of: section("syncWave: 5")) == 5)
    }

    @Test func operatorGroupOnlyOutsideOpenshiftOperators() throws {
        let explicit = try OperatorManifests.render(section("namespace: openshift-operators"), context: context)
        #expect(explicit.map { text($0, "kind") } == ["Subscription"])

        let objects = try OperatorManifests.render(section("namespace: pipelines-operator"), context: context)
        #expect(objects.map { text($0, "kind") } == ["OperatorGroup", "Subscription"])
        let group = objects[0]
        #expect(text(group, "apiVersion") == "operators.coreos.com/v1")
        #expect(text(group, "metadata", "name") == "pipelines-operator")
        #expect(text(group, "metadata", "namespace") == "pipelines-operator")
        #expect(group[path: ["spec"]]?.entries?.isEmpty == true, "no targetNamespaces: AllNamespaces mode")
        #expect(text(group, "metadata", "annotations", "argocd.argoproj.io/sync-wave") == "-3")
        #expect(text(objects[1], "metadata", "namespace") == "pipelines-operator")
    }

    @Test func catalogSourceIsWiredToTheSubscription() throws {
        let objects = try OperatorManifests.render(section("""
            sourceNamespace: olm-catalogs
            syncWave: 1
            catalogSource:
              name: pipelines-nightly
              image: quay.io/example/catalog@\(digest)
              displayName: Pipelines nightly
              publisher: Example
              pollInterval: 1h30m
            """), context: context)
        #expect(objects.map { text($0, "kind") } == ["CatalogSource", "Subscription"])
        let (catalog, subscription) = (objects[0], objects[1])
        #expect(text(catalog, "metadata", "name") == "pipelines-nightly")
        #expect(text(catalog, "metadata", "namespace") == "olm-catalogs")
        #expect(text(catalog, "metadata", "annotations", "argocd.argoproj.io/sync-wave") == "0")
        #expect(text(catalog, "spec", "sourceType") == "grpc")
        #expect(text(catalog, "spec", "image") == "quay.io/example/catalog@\(digest)")
        #expect(text(catalog, "spec", "displayName") == "Pipelines nightly")
        #expect(text(catalog, "spec", "publisher") == "Example")
        #expect(text(catalog, "spec", "updateStrategy", "registryPoll", "interval") == "1h30m")
        #expect(text(subscription, "spec", "source") == "pipelines-nightly")
        #expect(text(subscription, "spec", "sourceNamespace") == "olm-catalogs")
        #expect(text(subscription, "metadata", "annotations", "argocd.argoproj.io/sync-wave") == "1")
    }

    @Test func catalogSourceDefaults() throws {
        let objects = try OperatorManifests.render(section("""
            catalogSource: {image: "registry.example.com/catalog@\(digest)"}
            source: openshift-pipelines-operator-rh-catalog
            """), context: context)
        let catalog = objects[0]
        #expect(text(catalog, "metadata", "name") == "openshift-pipelines-operator-rh-catalog")
        #expect(text(catalog, "metadata", "namespace") == "openshift-marketplace")
        #expect(text(catalog, "spec", "displayName") == "openshift-pipelines-operator-rh-catalog")
        #expect(catalog[path: ["spec", "updateStrategy"]] == nil)
        #expect(catalog[path: ["spec", "publisher"]] == nil)
        #expect(text(objects[1], "spec", "source") == "openshift-pipelines-operator-rh-catalog")
    }

    @Test func installPlanApprovalMustBeAutomaticOrManual() throws {
        let spec = try section("channel: latest\ninstallPlanApproval: automatic\n")
        let error = diagnostic { () throws(Diagnostic) in _ = try OperatorManifests.render(spec, context: context) }
        #expect(error?.code == "manifests.install-plan-approval")
        #expect(error?.location == SourceLocation(file: "environments/production/east-1.yaml", line: 2, column: 22))
        #expect(error?.message.contains("'automatic'") == true)
    }

    @Test(arguments: [
        "quay.io/example/catalog:v1.15",
        "quay.io/example/catalog@sha256:abc123",
        "quay.io/example/catalog@sha256:" + String(repeating: "AB12", count: 16),
        "quay.io/example/catalog@sha512:" + String(repeating: "ab12", count: 16),
    ])
    func catalogImageMustBePinnedByDigest(image: String) throws {
        let spec = try section("catalogSource:\n  name: custom\n  image: \"\(image)\"\n")
        let error = diagnostic { () throws(Diagnostic) in _ = try OperatorManifests.render(spec, context: context) }
        #expect(error?.code == "manifests.catalog-image-digest")
        #expect(error?.location?.line == 3)
        #expect(error?.location?.column == 10)
    }

    @Test func catalogNeedsAnImage() throws {
        let spec = try section("catalogSource:\n  name: custom\n")
        let error = diagnostic { () throws(Diagnostic) in _ = try OperatorManifests.render(spec, context: context) }
        #expect(error?.code == "manifests.catalog-image")
        #expect(error?.location?.line == 2)
    }

    @Test func pollIntervalMustBeAGoDuration() throws {
        let spec = try section("catalogSource:\n  image: q.io/c@\(digest)\n  pollInterval: 30 minutes\n")
        let error = diagnostic { () throws(Diagnostic) in _ = try OperatorManifests.render(spec, context: context) }
        #expect(error?.code == "manifests.catalog-poll-interval")
        #expect(error?.location?.line == 3)
    }

    @Test func sourceMustNotContradictTheCatalog() throws {
        let spec = try section("source: redhat-operators\ncatalogSource:\n  name: custom\n  image: q.io/c@\(digest)\n")
        let error = diagnostic { () throws(Diagnostic) in _ = try OperatorManifests.render(spec, context: context) }
        #expect(error?.code == "manifests.operator-source")
        #expect(error?.location?.line == 1)
    }

    @Test func wrongTypesAreDiagnosedAtTheValue() throws {
        let spec = try section("syncWave: early\n")
        let error = diagnostic { () throws(Diagnostic) in _ = try OperatorManifests.render(spec, context: context) }
        #expect(error?.code == "manifests.type")
        #expect(error?.message == "operator.syncWave must be an integer, found 'early'")
        #expect(error?.location?.column == 11)
    }
}
