import Diagnostics
import YAML

/// The OLM objects that install the OpenShift Pipelines Operator.
///
/// Sync waves order them inside their Argo CD Application: CatalogSource and OperatorGroup
/// one wave before the Subscription (OLM resolves a Subscription against both), the
/// Subscription at `operator.syncWave`, and the TektonConfig one wave after it (see
/// `TektonConfigManifest`). The default wave is negative so that the operator is installed
/// before the objects of wave 0 that use its CRDs.
public enum OperatorManifests {
    public static let defaultPackage = "openshift-pipelines-operator-rh"
    public static let defaultNamespace = "openshift-operators"
    public static let defaultSource = "redhat-operators"
    public static let defaultSourceNamespace = "openshift-marketplace"
    public static let defaultSyncWave = -2
    /// Fields of the ClusterExtension that a Subscription has no place for.
    static let v1Only = ["version", "upgradeConstraintPolicy"]

    /// With `olm: v1`, the objects of `OLMv1Manifests` instead. Otherwise (OLM v0, the
    /// default): Subscription, plus a CatalogSource when `catalogSource` is set (in `sourceNamespace`,
    /// with the Subscription's `source` pointing at it), plus an OperatorGroup when the
    /// namespace is not `openshift-operators` (which has a global one already). Nothing when
    /// `enabled: false`. Objects come in apply order: CatalogSource, OperatorGroup, Subscription.
    public static func render(_ operatorSection: Node, context: RenderContext) throws(Diagnostic) -> [Node] {
        let section = Section(node: operatorSection, path: "operator")
        guard try section.bool("enabled") ?? true else { return [] }

        let package = try section.string("package") ?? defaultPackage
        let namespace = try section.string("namespace") ?? defaultNamespace
        let wave = try syncWave(of: operatorSection)
        switch try section.string("olm") ?? "v0" {
        case "v0": break
        case "v1": return try OLMv1Manifests.render(section, package: package, namespace: namespace, wave: wave)
        case let other:
            throw .error("manifests.olm-version", "operator.olm must be v0 or v1, found '\(other)'", at: section["olm"]?.mark.location)
        }
        try section.refuse(v1Only, code: "manifests.olm-v1-field") { field in
            "\(field) applies to OLM v1 (a ClusterExtension) only; set operator.olm: v1 or remove it"
        }
        var source = try section.string("source") ?? defaultSource
        let sourceNamespace = try section.string("sourceNamespace") ?? defaultSourceNamespace

        var objects: [Node] = []
        if let catalog = try section.child("catalogSource") {
            let catalogName = try catalog.string("name") ?? "\(package)-catalog"
            if let explicit = section["source"], explicit.text != catalogName {
                throw .error(
                    "manifests.operator-source",
                    "operator.source '\(source)' contradicts operator.catalogSource.name '\(catalogName)'; remove source, the Subscription uses the catalog",
                    at: explicit.mark.location)
            }
            source = catalogName
            objects.append(try catalogSource(catalog, name: catalogName, namespace: sourceNamespace, wave: wave - 1))
        }
        if namespace != defaultNamespace {
            // The operator supports only the AllNamespaces install mode: no targetNamespaces.
            objects.append(object(
                apiVersion: "operators.coreos.com/v1", kind: "OperatorGroup", name: namespace, namespace: namespace,
                annotations: [syncWaveAnnotation(wave - 1)], body: [("spec", .mapping([]))]))
        }

        var spec: [(String, Node)] = []
        if let channel = try section.stringNode("channel") { spec.append(("channel", channel)) }
        spec.append(("installPlanApproval", .string(try installPlanApproval(section), mark: section["installPlanApproval"]?.mark ?? .none)))
        spec.append(("name", .string(package)))
        spec.append(("source", .string(source)))
        spec.append(("sourceNamespace", .string(sourceNamespace)))
        if let startingCSV = try section.stringNode("startingCSV") { spec.append(("startingCSV", startingCSV)) }
        if let config = try section.mapping("config") { spec.append(("config", config)) }
        objects.append(object(
            apiVersion: "operators.coreos.com/v1alpha1", kind: "Subscription", name: package, namespace: namespace,
            annotations: [syncWaveAnnotation(wave)], body: [("spec", .mapping(spec))], mark: operatorSection.mark))
        return objects
    }

    /// The Subscription's wave (`operator.syncWave`, default `defaultSyncWave`); objects that
    /// need the operator's CRDs go in a later wave.
    public static func syncWave(of operatorSection: Node?) throws(Diagnostic) -> Int {
        try Section(node: operatorSection, path: "operator").int("syncWave", in: syncWaveRange) ?? defaultSyncWave
    }

    private static func installPlanApproval(_ section: Section) throws(Diagnostic) -> String {
        guard let value = try section.string("installPlanApproval") else { return "Automatic" }
        guard value == "Automatic" || value == "Manual" else {
            throw .error(
                "manifests.install-plan-approval",
                "operator.installPlanApproval must be Automatic or Manual, found '\(value)'",
                at: section["installPlanApproval"]?.mark.location)
        }
        return value
    }

    // Compiled once: a pattern is parsed whenever a `Regex` is made, literals included.
    private static let digestPinned = Pattern(#"@sha256:[0-9a-f]{64}$"#)!

    /// Whether an image reference ends in a digest (`…@sha256:<64 hex digits>`).
    public static func isPinnedByDigest(_ image: String) -> Bool {
        digestPinned.matches(image)
    }
    private static let goDuration = Pattern(#"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"#)!

    /// The catalog image of `operator.catalogSource`, which must be pinned by digest.
    static func pinnedCatalogImage(_ catalog: Section) throws(Diagnostic) -> String {
        guard let image = try catalog.string("image") else {
            throw .error("manifests.catalog-image", "operator.catalogSource needs an image", at: catalog.location)
        }
        // A tag can move under a running cluster; only a digest makes the output reproducible.
        guard isPinnedByDigest(image) else {
            throw .error(
                "manifests.catalog-image-digest",
                "operator.catalogSource.image must be pinned by digest (…@sha256:<64 hex digits>), found '\(image)'",
                at: catalog["image"]?.mark.location)
        }
        return image
    }

    private static func catalogSource(_ catalog: Section, name: String, namespace: String, wave: Int) throws(Diagnostic) -> Node {
        let image = try pinnedCatalogImage(catalog)
        var spec: [(String, Node)] = [
            ("sourceType", .string("grpc")),
            ("image", .string(image, mark: catalog["image"]!.mark)),
            ("displayName", .string(try catalog.string("displayName") ?? name)),
        ]
        if let publisher = try catalog.string("publisher") { spec.append(("publisher", .string(publisher))) }
        if let interval = try catalog.string("pollInterval") {
            // OLM parses the interval with Go's time.ParseDuration.
            guard goDuration.matches(interval) else {
                throw .error(
                    "manifests.catalog-poll-interval",
                    "operator.catalogSource.pollInterval must be a Go duration such as 30m or 1h30m, found '\(interval)'",
                    at: catalog["pollInterval"]?.mark.location)
            }
            spec.append(("updateStrategy", .mapping([("registryPoll", .mapping([("interval", .string(interval))]))])))
        }
        return object(
            apiVersion: "operators.coreos.com/v1alpha1", kind: "CatalogSource", name: name, namespace: namespace,
            annotations: [syncWaveAnnotation(wave)], body: [("spec", .mapping(spec))], mark: catalog.node?.mark ?? .none)
    }
}
