import Diagnostics
import Manifests
import Testing
import YAML

private let results = ComponentApplicationInput(
    name: "tekton-results", namespace: "tekton-results", syncWave: 2,
    path: "clusters/production/east-1/tekton-results")

@Suite struct ArgoApplicationsTests {
    @Test func componentApplicationWithDefaults() throws {
        let app = try ArgoApplications.application(
            for: results, settings: try .init(nil), cluster: section("server: https://api.east-1.example.com:6443"), context: context)
        #expect(text(app, "apiVersion") == "argoproj.io/v1alpha1")
        #expect(text(app, "kind") == "Application")
        #expect(text(app, "metadata", "name") == "production-east-1-tekton-results")
        #expect(text(app, "metadata", "namespace") == "openshift-gitops")
        #expect(text(app, "metadata", "annotations", "argocd.argoproj.io/sync-wave") == "2")
        #expect(text(app, "metadata", "labels", "gitopsc.io/environment") == "production.east-1")
        #expect(text(app, "metadata", "labels", "gitopsc.io/component") == "tekton-results")
        #expect(app[path: ["metadata", "finalizers"]]?.items?.compactMap(\.text) == ["resources-finalizer.argocd.argoproj.io"])
        #expect(text(app, "spec", "project") == "default")
        #expect(app[path: ["spec", "destination"]]?.keys == ["server", "namespace"])
        #expect(text(app, "spec", "destination", "server") == "https://api.east-1.example.com:6443")
        #expect(text(app, "spec", "destination", "namespace") == "tekton-results")
        #expect(text(app, "spec", "source", "repoURL") == "https://github.com/example/gitops.git")
        #expect(text(app, "spec", "source", "path") == "clusters/production/east-1/tekton-results")
        #expect(text(app, "spec", "source", "targetRevision") == "rendered")
        #expect(text(app, "spec", "syncPolicy", "automated", "prune") == "true")
        #expect(text(app, "spec", "syncPolicy", "automated", "selfHeal") == "true")
        #expect(app[path: ["spec", "syncPolicy", "syncOptions"]]?.items?.compactMap(\.text) == ["CreateNamespace=true"])
        #expect(text(app, "spec", "syncPolicy", "retry", "limit") == "5")
        #expect(text(app, "spec", "syncPolicy", "retry", "backoff", "maxDuration") == "3m")
        #expect(app[path: ["spec", "ignoreDifferences"]] == nil)
    }

    @Test func destinationByArgoCDClusterName() throws {
        let app = try ArgoApplications.application(
            for: results, settings: try .init(nil), cluster: section("name: east-1\nargocdName: east-1-cluster"), context: context)
        #expect(app[path: ["spec", "destination"]]?.keys == ["name", "namespace"])
        #expect(text(app, "spec", "destination", "name") == "east-1-cluster")
    }

    @Test func argocdSectionShapesTheApplication() throws {
        let argocd = try section("""
            project: pipelines
            namespace: argocd
            finalizers: false
            labels: {team: pipelines, gitopsc.io/component: ignored, dropped: null}
            syncPolicy:
              automated: null
              syncOptions: [ServerSideApply=true]
              retry: {limit: 10}
            ignoreDifferences:
              - group: operator.tekton.dev
                kind: TektonConfig
                jsonPointers: [/spec/pipeline/params]
            """)
        let component = ComponentApplicationInput(name: "pipelines", namespace: "openshift-pipelines", path: "p")
        let app = try ArgoApplications.application(
            for: component, settings: try .init(argocd), cluster: section("server: https://kubernetes.default.svc"), context: context)
        #expect(text(app, "spec", "project") == "pipelines")
        #expect(text(app, "metadata", "namespace") == "argocd")
        #expect(app[path: ["metadata", "finalizers"]] == nil)
        #expect(app[path: ["metadata", "annotations"]] == nil, "no wave, no annotation")
        #expect(app[path: ["metadata", "labels"]]?.keys.sorted() == ["gitopsc.io/component", "gitopsc.io/environment", "team"])
        #expect(text(app, "metadata", "labels", "gitopsc.io/component") == "pipelines")
        #expect(app[path: ["spec", "syncPolicy", "automated"]] == nil, "null turns automated sync off")
        #expect(app[path: ["spec", "syncPolicy", "syncOptions"]]?.items?.compactMap(\.text) == ["ServerSideApply=true"])
        #expect(text(app, "spec", "syncPolicy", "retry", "limit") == "10")
        #expect(text(app, "spec", "syncPolicy", "retry", "backoff", "duration") == "5s", "maps merge key by key")
        #expect(app[path: ["spec", "ignoreDifferences"]]?.items?.count == 1)
    }

    @Test func rootPointsAtTheAppsFolderOfTheEnvironment() throws {
        let argocd = try section("namespace: argocd\nproject: platform\nignoreDifferences: [{kind: TektonConfig, jsonPointers: [/spec]}]")
        let root = ArgoApplications.root(settings: try .init(argocd), context: context)
        #expect(text(root, "metadata", "name") == "production-east-1-root")
        #expect(text(root, "metadata", "namespace") == "argocd")
        #expect(text(root, "metadata", "labels", "gitopsc.io/environment") == "production.east-1")
        #expect(root[path: ["metadata", "labels", "gitopsc.io/component"]] == nil)
        #expect(text(root, "spec", "project") == "platform")
        #expect(text(root, "spec", "destination", "server") == "https://kubernetes.default.svc")
        #expect(text(root, "spec", "destination", "namespace") == "argocd")
        #expect(text(root, "spec", "source", "path") == "clusters/production/east-1/apps")
        #expect(root[path: ["metadata", "finalizers"]]?.items?.count == 1)
        #expect(root[path: ["spec", "ignoreDifferences"]] == nil, "the components' ignoreDifferences are not the root's")

        let atRepositoryRoot = RenderContext(environment: "dev", repositoryURL: "u", targetRevision: "main", folder: "./")
        let bare = ArgoApplications.root(settings: try .init(nil), context: atRepositoryRoot)
        #expect(text(bare, "spec", "source", "path") == "dev/apps")
        #expect(text(bare, "metadata", "namespace") == "openshift-gitops")
    }

    @Test func missingDestinationIsDiagnosedAtTheCluster() throws {
        let cluster = try section("\nname: east-1\n")
        let error = diagnostic { () throws(Diagnostic) in
            _ = try ArgoApplications.application(for: results, settings: try .init(nil), cluster: cluster, context: context)
        }
        #expect(error?.code == "manifests.cluster-destination")
        #expect(error?.location?.line == 2)
    }

    @Test func bothDestinationsAreDiagnosed() throws {
        let cluster = try section("server: https://api.example.com:6443\nargocdName: east-1\n")
        let error = diagnostic { () throws(Diagnostic) in
            _ = try ArgoApplications.application(for: results, settings: try .init(nil), cluster: cluster, context: context)
        }
        #expect(error?.code == "manifests.cluster-destination")
        #expect(error?.message.contains("both") == true)
    }

    @Test func invalidLabelsAreDiagnosed() throws {
        let badValue = try section("labels:\n  team: platform team\n")
        let valueError = diagnostic { () throws(Diagnostic) in _ = try ArgoApplications.Settings(badValue) }
        #expect(valueError?.code == "manifests.label")
        #expect(valueError?.location?.line == 2)
        #expect(valueError?.location?.column == 9)

        let badKey = try section("labels:\n  Example.com/team: x\n")
        let keyError = diagnostic { () throws(Diagnostic) in _ = try ArgoApplications.Settings(badKey) }
        #expect(keyError?.code == "manifests.label")
        #expect(keyError?.location?.column == 3)
    }

    @Test func namesAreDNSSafeAndLabelsLabelSafe() {
        #expect(ArgoApplications.applicationName(environment: "Production/East_1", component: "Tekton.Results")
            == "production-east-1-tekton-results")
        #expect(KubernetesNames.labelValue("production/east-1") == "production.east-1")
        #expect(KubernetesNames.labelValue("/weird env/") == "weird-env")
        #expect(KubernetesNames.name("///").wholeMatch(of: /[0-9a-f]{8}/) != nil, "nothing usable: the hash alone")
    }

    @Test func longNamesAreCutAndHashedDeterministically() {
        let long = String(repeating: "ring/", count: 60)
        let a = KubernetesNames.name(long + "a")
        let b = KubernetesNames.name(long + "b")
        #expect(a.count <= 253 && b.count <= 253)
        #expect(a != b, "the hash keeps long names distinct")
        #expect(a == KubernetesNames.name(long + "a"))
        #expect(a.wholeMatch(of: /[a-z0-9]([-a-z0-9]*[a-z0-9])?/) != nil)
        let label = KubernetesNames.labelValue(long)
        #expect(label.count <= 63)
        #expect(KubernetesNames.isValidLabelValue(label))
    }
}
