import Diagnostics
import Manifests
import Testing
import YAML

@Suite struct TektonConfigManifestTests {
    @Test func defaultsAndAnnotations() throws {
        let config = try TektonConfigManifest.render(nil, context: context)
        #expect(text(config, "apiVersion") == "operator.tekton.dev/v1alpha1")
        #expect(text(config, "kind") == "TektonConfig")
        #expect(text(config, "metadata", "name") == "config")
        #expect(config[path: ["metadata", "namespace"]] == nil, "TektonConfig is cluster-scoped")
        #expect(text(config, "metadata", "annotations", "argocd.argoproj.io/sync-options") == "SkipDryRunOnMissingResource=true")
        #expect(text(config, "metadata", "annotations", "argocd.argoproj.io/sync-wave") == "-1")
        #expect(config["spec"]?.keys == ["profile", "targetNamespace"])
        #expect(text(config, "spec", "profile") == "all")
        #expect(text(config, "spec", "targetNamespace") == "openshift-pipelines")
    }

    @Test func syncsOneWaveAfterTheOperator() throws {
        let config = try TektonConfigManifest.render(nil, operatorSyncWave: 7, context: context)
        #expect(text(config, "metadata", "annotations", "argocd.argoproj.io/sync-wave") == "8")
    }

    @Test func sectionMergesOverTheDefaults() throws {
        let config = try TektonConfigManifest.render(section("""
            profile: basic
            targetNamespace: null
            pipeline:
              enable-api-fields: beta
              params: [{name: foo, value: bar}]
            platforms:
              openshift:
                pipelinesAsCode: {enable: true}
            """), context: context)
        #expect(text(config, "spec", "profile") == "basic")
        #expect(config[path: ["spec", "targetNamespace"]] == nil, "null deletes a default")
        #expect(text(config, "spec", "pipeline", "enable-api-fields") == "beta")
        #expect(config[path: ["spec", "pipeline", "params"]]?.items?.count == 1)
        #expect(text(config, "spec", "platforms", "openshift", "pipelinesAsCode", "enable") == "true")
    }

    @Test func requiredFieldsAreFilledInPresentSections() throws {
        let config = try TektonConfigManifest.render(section("""
            chain: {artifacts.oci.storage: oci}
            result: {disabled: true}
            trigger: {}
            dashboard: {}
            pipeline: {performance: {buckets: 2}}
            """), context: context)
        #expect(text(config, "spec", "chain", "disabled") == "false")
        #expect(text(config, "spec", "chain", "artifacts.oci.storage") == "oci")
        #expect(text(config, "spec", "result", "disabled") == "true", "an explicit value wins")
        #expect(text(config, "spec", "result", "is_external_db") == "false")
        #expect(text(config, "spec", "trigger", "disabled") == "false")
        #expect(text(config, "spec", "dashboard", "readonly") == "false")
        #expect(text(config, "spec", "pipeline", "performance", "disable-ha") == "false")
        #expect(text(config, "spec", "pipeline", "performance", "buckets") == "2")
        #expect(config[path: ["spec", "pruner"]] == nil, "absent sections stay absent")
        #expect(config[path: ["spec", "scheduler"]] == nil)
    }

    @Test func enabledPrunerGetsTheOperatorDefaults() throws {
        let empty = try TektonConfigManifest.render(section("pruner: {}"), context: context)
        #expect(text(empty, "spec", "pruner", "disabled") == "false")
        #expect(text(empty, "spec", "pruner", "keep") == "100")
        #expect(empty[path: ["spec", "pruner", "resources"]]?.items?.compactMap(\.text) == ["pipelinerun"])
        #expect(text(empty, "spec", "pruner", "schedule") == "0 8 * * *")

        let since = try TektonConfigManifest.render(section("pruner: {keep-since: 60}"), context: context)
        #expect(since[path: ["spec", "pruner", "keep"]] == nil, "keep and keep-since exclude each other")
        #expect(text(since, "spec", "pruner", "keep-since") == "60")

        let disabled = try TektonConfigManifest.render(section("pruner: {disabled: true}"), context: context)
        #expect(disabled[path: ["spec", "pruner"]]?.keys == ["disabled"])
    }

    @Test func nonMappingSectionIsDiagnosed() throws {
        let spec = try section("- profile: all\n")
        let error = diagnostic { () throws(Diagnostic) in _ = try TektonConfigManifest.render(spec, context: context) }
        #expect(error?.code == "manifests.type")
        #expect(error?.location?.line == 1)
    }

    @Test func nonMappingComponentSectionIsDiagnosed() throws {
        let spec = try section("profile: all\nchain: true\n")
        let error = diagnostic { () throws(Diagnostic) in _ = try TektonConfigManifest.render(spec, context: context) }
        #expect(error?.message == "tektonConfig.chain must be a mapping, found 'true'")
        #expect(error?.location?.line == 2)
    }
}
