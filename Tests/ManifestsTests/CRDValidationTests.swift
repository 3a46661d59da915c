import Diagnostics
import Foundation
import ProcessRunner
import Manifests
import Testing
import YAML

/// `<repo>/../shared/crds`: the real CRDs and their validator, present on the development
/// machine but not in a fresh clone.
private let crdFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/crds")

private let crdsPresent = FileManager.default.fileExists(atPath: crdFolder.appendingPathComponent("validate.py").path)

@Suite struct CRDValidationTests {
    /// A realistic set of everything the module renders.
    func renderedSet() throws -> [Node] {
        let digest = "sha256:" + String(repeating: "0123456789abcdef", count: 4)
        var objects = try OperatorManifests.render(section("""
            channel: pipelines-1.15
            installPlanApproval: Manual
            startingCSV: openshift-pipelines-operator-rh.v1.15.1
            config:
              env: [{name: AUTOINSTALL_COMPONENTS, value: "true"}]
              nodeSelector: {node-role.kubernetes.io/infra: ""}
              tolerations: [{key: node-role.kubernetes.io/infra, operator: Exists, effect: NoSchedule}]
            """), context: context)
        objects += try OperatorManifests.render(section("""
            namespace: pipelines-nightly
            sourceNamespace: openshift-marketplace
            syncWave: -5
            channel: latest
            catalogSource:
              name: pipelines-nightly
              image: quay.io/openshift-pipeline/catalog@\(digest)
              displayName: Pipelines nightly
              publisher: OpenShift Pipelines
              pollInterval: 30m
            """), context: context)
        objects.append(try TektonConfigManifest.render(section("""
            profile: all
            pipeline:
              enable-api-fields: beta
              performance: {buckets: 2, threads-per-controller: 4}
            chain:
              artifacts.oci.storage: oci
              artifacts.taskrun.format: in-toto
            result:
              db_host: results-db.example.com
              is_external_db: true
            pruner: {keep-since: 1440}
            trigger: {}
            platforms:
              openshift:
                pipelinesAsCode:
                  enable: true
                  settings: {application-name: Pipelines as Code CI}
            """), operatorSyncWave: -5, context: context))
        // Every section whose CRD schema has required fields, with none of them written.
        objects.append(try TektonConfigManifest.render(section("""
            profile: lite
            chain: {performance: {buckets: 1}}
            result: {performance: {replicas: 1}}
            dashboard: {}
            scheduler: {}
            tektonpruner: {}
            pruner: {disabled: true}
            """), context: context))
        let argocd = try section("""
            project: pipelines
            labels: {team: pipelines}
            syncPolicy:
              syncOptions: [CreateNamespace=true, ServerSideApply=true]
              retry: {limit: -1}
            ignoreDifferences:
              - group: operator.tekton.dev
                kind: TektonConfig
                jsonPointers: [/spec/pipeline/params]
            """)
        let clusters = [try section("server: https://api.east-1.example.com:6443"), try section("argocdName: east-1")]
        for (index, cluster) in clusters.enumerated() {
            for (name, namespace, wave) in [("openshift-pipelines", "openshift-operators", -1), ("tekton-results", "tekton-results", 2)] {
                let component = ComponentApplicationInput(
                    name: "\(name)-\(index)", namespace: namespace, syncWave: wave,
                    path: "\(context.environmentPath)/\(name)")
                objects.append(try ArgoApplications.application(for: component, settings: try .init(argocd), cluster: cluster, context: context))
            }
        }
        objects.append(try ArgoApplications.application(
            for: ComponentApplicationInput(name: "plain", namespace: "default", path: "x"),
            settings: try .init(section("finalizers: false\nsyncPolicy: {automated: null}")), cluster: clusters[0], context: context))
        objects.append(ArgoApplications.root(settings: try .init(argocd), context: context))
        return objects
    }

    @Test func outputIsDeterministic() throws {
        let first = YAMLEmitter.emitStream(try renderedSet())
        #expect(first == YAMLEmitter.emitStream(try renderedSet()))
        #expect(first.contains("argocd.argoproj.io/sync-wave: \"-5\""), "waves are quoted strings")
    }

    @Test(.enabled(if: crdsPresent, "../shared/crds (the real CRDs and validate.py) is absent"))
    func renderedObjectsPassTheRealCRDs() throws {
        let objects = try renderedSet()
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("gitopsc-manifests-\(ProcessInfo.processInfo.processIdentifier).yaml")
        try YAMLEmitter.emitStream(objects).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        let result = try runProcess("/usr/bin/env", ["python3", crdFolder.appendingPathComponent("validate.py").path, "--lint", "-w", file.path])
        let report = result.output

        #expect(result.status == 0, "\(report)")
        #expect(report.contains("\(objects.count) passed, 0 failed"), "\(report)")
        #expect(!report.contains("WARNING"), "\(report)")
    }
}
