import Diagnostics
import YAML

/// The operator installed through OLM v1 (`operator.olm: v1`): a `ClusterExtension`, the
/// ServiceAccount OLM v1 installs it as with the ClusterRole and ClusterRoleBinding that
/// account needs, and a `ClusterCatalog` when `operator.catalogSource` names a custom
/// catalog image.
///
/// OLM v1 installs an operator in the AllNamespaces install mode only: no OperatorGroup, no
/// install plans to approve, no starting CSV. Those v0 fields are errors with `olm: v1`
/// rather than being dropped.
enum OLMv1Manifests {
    static let apiVersion = "olm.operatorframework.io/v1"
    /// The label OLM v1 puts on every ClusterCatalog, naming it; a ClusterExtension selects
    /// its catalog with it.
    static let catalogNameLabel = "olm.operatorframework.io/metadata.name"
    static let v0Only = ["source", "sourceNamespace", "installPlanApproval", "startingCSV", "config"]
    static let v0OnlyCatalogFields = ["displayName", "publisher", "pollInterval"]

    /// Objects in apply order: ClusterCatalog, ServiceAccount, ClusterRole,
    /// ClusterRoleBinding (one wave before), ClusterExtension (at `wave`).
    static func render(_ section: Section, package: String, namespace: String, wave: Int) throws(Diagnostic) -> [Node] {
        try section.refuse(v0Only, code: "manifests.olm-v0-field") { field in
            "\(field) applies to OLM v0 (a Subscription) only; with operator.olm: v1 remove it"
        }
        let before = [syncWaveAnnotation(wave - 1)]
        var objects: [Node] = []
        var catalogName: String?
        if let catalog = try section.child("catalogSource") {
            try catalog.refuse(v0OnlyCatalogFields, code: "manifests.olm-v0-field") { field in
                "\(field) applies to OLM v0 only: " + (field == "pollInterval"
                    ? "a ClusterCatalog pinned by digest never polls (OLM v1 refuses pollIntervalMinutes with a digest)"
                    : "a ClusterCatalog has no such field")
            }
            let name = try catalog.string("name") ?? "\(package)-catalog"
            catalogName = name
            let image = try OperatorManifests.pinnedCatalogImage(catalog)
            objects.append(object(
                apiVersion: apiVersion, kind: "ClusterCatalog", name: name, namespace: nil, annotations: before,
                body: [("spec", .mapping([("source", .mapping([("type", .string("Image")), ("image", .mapping([("ref", .string(image))]))]))]))]))
        }
        let installer = "\(package)-installer"
        objects.append(object(apiVersion: "v1", kind: "ServiceAccount", name: installer, namespace: namespace, annotations: before, body: []))
        objects.append(object(
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", name: installer, namespace: nil, annotations: before,
            body: [("rules", .sequence(installerRules(extension: package)))]))
        objects.append(object(
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", name: installer, namespace: nil, annotations: before,
            body: [
                ("roleRef", .mapping([
                    ("apiGroup", .string("rbac.authorization.k8s.io")), ("kind", .string("ClusterRole")), ("name", .string(installer)),
                ])),
                ("subjects", .sequence([.mapping([
                    ("kind", .string("ServiceAccount")), ("name", .string(installer)), ("namespace", .string(namespace)),
                ])])),
            ]))

        var catalogSpec: [(String, Node)] = [("packageName", .string(package))]
        if let channel = try section.string("channel") { catalogSpec.append(("channels", .sequence([.string(channel)]))) }
        if let version = try section.string("version") { catalogSpec.append(("version", .string(version))) }
        if let policy = try section.string("upgradeConstraintPolicy") {
            guard policy == "CatalogProvided" || policy == "SelfCertified" else {
                throw .error(
                    "manifests.upgrade-constraint-policy",
                    "operator.upgradeConstraintPolicy must be CatalogProvided or SelfCertified, found '\(policy)'",
                    at: section["upgradeConstraintPolicy"]?.mark.location)
            }
            catalogSpec.append(("upgradeConstraintPolicy", .string(policy)))
        }
        if let catalogName {
            catalogSpec.append(("selector", .mapping([("matchLabels", stringMap([(catalogNameLabel, catalogName)]))])))
        }
        objects.append(object(
            apiVersion: apiVersion, kind: "ClusterExtension", name: package, namespace: nil,
            annotations: [syncWaveAnnotation(wave)],
            body: [("spec", .mapping([
                ("namespace", .string(namespace)),
                ("serviceAccount", .mapping([("name", .string(installer))])),
                ("source", .mapping([("sourceType", .string("Catalog")), ("catalog", .mapping(catalogSpec))])),
            ]))]))
        return objects
    }

    /// What the installer account needs, following OLM v1's "derive a minimal service
    /// account" guide: to set the ClusterExtension's finalizers (that one extension only);
    /// to manage the bundle's CRDs and the operator's Deployment, ServiceAccounts, Services,
    /// ConfigMaps, Secrets and webhook configurations; and to manage the operator's RBAC
    /// with `bind` and `escalate`, so that it grants the operator's permissions without
    /// holding them all itself. The names of the bundle's objects are only known once the
    /// bundle is unpacked, so these rules cannot name them (see docs/environments.md).
    static func installerRules(extension name: String) -> [Node] {
        let manage = ["create", "list", "watch", "get", "update", "patch", "delete"]
        func rule(_ group: String, _ resources: [String], _ verbs: [String], names: [String] = []) -> Node {
            var entries: [(String, Node)] = [
                ("apiGroups", .sequence([.string(group)])),
                ("resources", .sequence(resources.map { .string($0) })),
            ]
            if !names.isEmpty { entries.append(("resourceNames", .sequence(names.map { .string($0) }))) }
            entries.append(("verbs", .sequence(verbs.map { .string($0) })))
            return .mapping(entries)
        }
        return [
            rule("olm.operatorframework.io", ["clusterextensions/finalizers"], ["update"], names: [name]),
            rule("apiextensions.k8s.io", ["customresourcedefinitions"], manage),
            rule("rbac.authorization.k8s.io", ["clusterroles", "clusterrolebindings", "roles", "rolebindings"], manage + ["bind", "escalate"]),
            rule("", ["serviceaccounts", "services", "configmaps", "secrets"], manage),
            rule("apps", ["deployments"], manage),
            rule("admissionregistration.k8s.io", ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"], manage),
        ]
    }
}

extension Section {
    /// Fields that must not be set here (they belong to the other OLM): the first one set
    /// is an error at its value, `message` saying why after the field's path.
    func refuse(_ fields: [String], code: String, _ message: (String) -> String) throws(Diagnostic) {
        for field in fields {
            if let value = self[field] {
                throw .error(code, "\(path).\(message(field))", at: value.mark.location)
            }
        }
    }
}
