import Diagnostics
import YAML

/// The operator's TektonConfig, the one object through which all Tekton components are set up.
public enum TektonConfigManifest {
    /// The defaults the spec section is merged over (environment-spec merge: `null` deletes).
    public static let defaultSpec: Node = .mapping([
        ("profile", .string("all")),
        ("targetNamespace", .string("openshift-pipelines")),
    ])

    /// TektonConfig `config` with `tektonConfig` merged over `defaultSpec`, and the fields the
    /// CRD requires filled in for every section that is present (see `requiredDefaults`).
    ///
    /// Its CRD only exists once the operator runs, so Argo CD must skip the dry run, and the
    /// object syncs one wave after the operator's Subscription (`operatorSyncWave`, from
    /// `OperatorManifests.syncWave(of:)`, so inside `syncWaveRange`).
    public static func render(
        _ tektonConfigSection: Node?,
        operatorSyncWave: Int = OperatorManifests.defaultSyncWave,
        context: RenderContext
    ) throws(Diagnostic) -> Node {
        guard syncWaveRange.contains(operatorSyncWave) else {
            throw .error("manifests.integer-range",
                         "operator sync wave \(operatorSyncWave) is outside \(syncWaveRange.lowerBound)...\(syncWaveRange.upperBound)")
        }
        var spec = defaultSpec
        if let section = tektonConfigSection, !section.isNull {
            guard section.isMapping else {
                throw .error("manifests.type", "tektonConfig must be a mapping, found a \(section.kindName)",
                             at: section.mark.location)
            }
            spec = merged(spec, section)
        }
        try fillRequired(&spec)
        return object(
            apiVersion: "operator.tekton.dev/v1alpha1", kind: "TektonConfig", name: "config", namespace: nil,
            annotations: [
                ("argocd.argoproj.io/sync-options", "SkipDryRunOnMissingResource=true"),
                syncWaveAnnotation(operatorSyncWave + 1),
            ],
            body: [("spec", spec)], mark: tektonConfigSection?.mark ?? .none)
    }

    /// Fields the CRD (tektoncd/operator v0.81) marks required inside optional sections. The
    /// values keep a section doing what writing it asks for: the component enabled, an internal
    /// database, single-cluster scheduling.
    static let requiredDefaults: [(section: String, fields: [(String, Node)])] = [
        ("chain", [("disabled", .scalar("false"))]),
        ("trigger", [("disabled", .scalar("false"))]),
        ("pruner", [("disabled", .scalar("false"))]),
        ("result", [("disabled", .scalar("false")), ("is_external_db", .scalar("false"))]),
        ("dashboard", [("readonly", .scalar("false"))]),
        ("tektonpruner", [("disabled", .scalar("false")), ("global-config", .mapping([]))]),
        ("scheduler", [
            ("disabled", .scalar("false")),
            ("multi-cluster-disabled", .scalar("true")),
            ("multi-cluster-role", .string("")),
            ("config.yaml", .mapping([])),
        ]),
    ]

    /// Sections whose `performance` block requires `disable-ha`.
    static let performanceSections = ["pipeline", "chain", "result"]

    private static func fillRequired(_ spec: inout Node) throws(Diagnostic) {
        for (name, fields) in requiredDefaults {
            guard var section = try Section(node: spec, path: "tektonConfig").mapping(name) else { continue }
            for (field, value) in fields where section[field] == nil {
                section[field] = value
            }
            spec[name] = section
        }
        for name in performanceSections {
            guard var section = try Section(node: spec, path: "tektonConfig").mapping(name),
                  var performance = try Section(node: section, path: "tektonConfig.\(name)").mapping("performance"),
                  performance["disable-ha"] == nil else { continue }
            performance["disable-ha"] = .scalar("false")
            section["performance"] = performance
            spec[name] = section
        }
        try fillPruner(&spec)
    }

    /// The operator's webhook rejects an enabled pruner without resources or without exactly
    /// one of keep / keep-since; the operator's own defaults fill what the section leaves out.
    private static func fillPruner(_ spec: inout Node) throws(Diagnostic) {
        guard var pruner = try Section(node: spec, path: "tektonConfig").mapping("pruner"),
              try Section(node: pruner, path: "tektonConfig.pruner").bool("disabled") == false else { return }
        if pruner["resources"] == nil { pruner["resources"] = .sequence([.string("pipelinerun")]) }
        if pruner["keep"] == nil && pruner["keep-since"] == nil { pruner["keep"] = .scalar("100") }
        if pruner["schedule"] == nil { pruner["schedule"] = .string("0 8 * * *") }
        spec["pruner"] = pruner
    }
}
