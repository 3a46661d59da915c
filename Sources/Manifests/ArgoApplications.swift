import Diagnostics
import YAML

/// What the compiler knows about one component it deploys to an environment.
public struct ComponentApplicationInput: Sendable {
    public var name: String
    /// The namespace the component's objects go to (the Application's destination namespace).
    public var namespace: String
    public var syncWave: Int?
    /// The component's folder in the gitops repository, e.g. `rendered/production/east-1/tekton-results`.
    public var path: String

    public init(name: String, namespace: String, syncWave: Int? = nil, path: String) {
        self.name = name
        self.namespace = namespace
        self.syncWave = syncWave
        self.path = path
    }
}

/// Argo CD Applications: one per component, and the app-of-apps root that syncs them.
///
/// All Applications of all environments live in the Argo CD namespace, so their names carry
/// the environment: `<env>-<component>` made DNS-safe by `KubernetesNames.name`
/// (`production/east-1` + `tekton-results` → `production-east-1-tekton-results`). Labels name
/// the environment and component by `KubernetesNames.labelValue`, where `/` becomes `.`
/// (`gitopsc.io/environment: production.east-1`), so that a selector can pick them out.
public enum ArgoApplications {
    public static let environmentLabel = "gitopsc.io/environment"
    public static let componentLabel = "gitopsc.io/component"
    public static let defaultNamespace = "openshift-gitops"
    public static let defaultProject = "default"
    public static let inClusterServer = "https://kubernetes.default.svc"
    public static let resourcesFinalizer = "resources-finalizer.argocd.argoproj.io"

    /// The sync policy `argocd.syncPolicy` is merged over (environment-spec merge, so
    /// `automated: null` turns automated sync off). The retry values are Argo CD's own
    /// defaults, written out so that a failed sync is retried at all.
    public static let defaultSyncPolicy: Node = .mapping([
        ("automated", .mapping([("prune", .scalar("true")), ("selfHeal", .scalar("true"))])),
        ("syncOptions", .sequence([.string("CreateNamespace=true")])),
        ("retry", .mapping([
            ("limit", .scalar("5")),
            ("backoff", .mapping([
                ("duration", .string("5s")),
                ("factor", .scalar("2")),
                ("maxDuration", .string("3m")),
            ])),
        ])),
    ])

    /// A component's `syncWave`, inside `syncWaveRange`; nil when it sets none.
    public static func syncWave(of component: String, settings: Node?) throws(Diagnostic) -> Int? {
        try Section(node: settings, path: "components.\(component)").int("syncWave", in: syncWaveRange)
    }

    public static func applicationName(environment: String, component: String) -> String {
        KubernetesNames.name("\(environment)-\(component)")
    }

    public static func rootName(environment: String) -> String {
        KubernetesNames.name("\(environment)-root")
    }

    /// The Application of one component, deployed to the environment's cluster (`cluster.server`,
    /// or the cluster Argo CD knows as `cluster.argocdName`).
    public static func application(
        for component: ComponentApplicationInput, settings: Settings, cluster: Node, context: RenderContext
    ) throws(Diagnostic) -> Node {
        let destination = try self.destination(cluster, namespace: component.namespace)
        var labels = settings.labels
        set(&labels, environmentLabel, KubernetesNames.labelValue(context.environment))
        set(&labels, componentLabel, KubernetesNames.labelValue(component.name))
        return settings.application(
            name: applicationName(environment: context.environment, component: component.name),
            labels: labels, wave: component.syncWave, destination: destination, path: component.path,
            ignoreDifferences: settings.ignoreDifferences, context: context)
    }

    /// The environment's app-of-apps: syncs `<folder>/<env>/apps` into the Argo CD namespace
    /// of the cluster that runs it. Same project, sync policy and finalizer switch as the
    /// components, so that deleting the root cascades to them when finalizers are on; no
    /// `ignoreDifferences`, which are about the components' objects, not Applications.
    public static func root(settings: Settings, context: RenderContext) -> Node {
        var labels = settings.labels
        set(&labels, environmentLabel, KubernetesNames.labelValue(context.environment))
        let destination: Node = .mapping([("server", .string(inClusterServer)), ("namespace", .string(settings.namespace))])
        return settings.application(
            name: rootName(environment: context.environment), labels: labels, wave: nil,
            destination: destination, path: "\(context.environmentPath)/apps", ignoreDifferences: nil, context: context)
    }

    /// The ApplicationSet of `argocd.bootstrap: applicationset`: a git files generator over
    /// the published branch reads one file per environment (its root Application, at a path
    /// `filePattern` matches) and creates that root Application, so no cluster's `root.yaml`
    /// is applied by hand. The template copies the file's fields, the structured ones
    /// (labels, finalizers, sync policy) through `templatePatch`, so the Application created is
    /// the root Application gitopsc rendered.
    public static func applicationSet(
        name: String, namespace: String, repositoryURL: String, revision: String, filePattern: String
    ) -> Node {
        let field = { (path: String) in Node.string("{{.\(path)}}") }
        let template: Node = .mapping([
            ("metadata", .mapping([("name", field("metadata.name"))])),
            ("spec", .mapping([
                ("project", field("spec.project")),
                ("destination", .mapping([
                    ("server", field("spec.destination.server")),
                    ("namespace", field("spec.destination.namespace")),
                ])),
                ("source", .mapping([
                    ("repoURL", field("spec.source.repoURL")),
                    ("path", field("spec.source.path")),
                    ("targetRevision", field("spec.source.targetRevision")),
                ])),
            ])),
        ])
        // `hasKey`: with missingkey=error, reading an absent key fails even inside `if`.
        let patch = """
            metadata:
              labels: {{ toJson .metadata.labels }}
            {{- if hasKey .metadata "finalizers" }}
              finalizers: {{ toJson .metadata.finalizers }}
            {{- end }}
            spec:
              syncPolicy: {{ toJson .spec.syncPolicy }}

            """
        return object(
            apiVersion: "argoproj.io/v1alpha1", kind: "ApplicationSet", name: name, namespace: namespace,
            body: [("spec", .mapping([
                ("goTemplate", .scalar("true")),
                ("goTemplateOptions", .sequence([.string("missingkey=error")])),
                ("generators", .sequence([.mapping([("git", .mapping([
                    ("repoURL", .string(repositoryURL)),
                    ("revision", .string(revision)),
                    ("files", .sequence([.mapping([("path", .string(filePattern))])])),
                ]))])])),
                ("template", template),
                ("templatePatch", .string(patch)),
            ]))])
    }

    private static func destination(_ cluster: Node, namespace: String) throws(Diagnostic) -> Node {
        let section = Section(node: cluster, path: "cluster")
        let server = try section.stringNode("server")
        let name = try section.stringNode("argocdName")
        // Argo CD rejects a destination with both, and one with neither has nowhere to go.
        switch (server, name) {
        case (let server?, nil):
            return .mapping([("server", server), ("namespace", .string(namespace))])
        case (nil, let name?):
            return .mapping([("name", name), ("namespace", .string(namespace))])
        case (.some, .some):
            throw .error("manifests.cluster-destination", "cluster sets both server and argocdName; set one",
                         at: cluster.mark.location)
        case (nil, nil):
            throw .error("manifests.cluster-destination",
                         "cluster has no destination: set cluster.server (API URL) or cluster.argocdName",
                         at: cluster.mark.location)
        }
    }

    private static func set(_ labels: inout [(String, String)], _ key: String, _ value: String) {
        labels.removeAll { $0.0 == key }
        labels.append((key, value))
    }

    /// An environment's `argocd` section, read and checked once for all its Applications.
    public struct Settings: Sendable {
        var project: Node
        var namespace: String
        var syncPolicy: Node
        var ignoreDifferences: Node?
        var finalizers: Bool
        var labels: [(String, String)]

        public init(_ argocd: Node?) throws(Diagnostic) {
            let section = Section(node: argocd, path: "argocd")
            project = try section.stringNode("project") ?? .string(ArgoApplications.defaultProject)
            namespace = try section.string("namespace") ?? ArgoApplications.defaultNamespace
            syncPolicy = try section.mapping("syncPolicy").map { merged(defaultSyncPolicy, $0) } ?? defaultSyncPolicy
            ignoreDifferences = try section.sequence("ignoreDifferences")
            finalizers = try section.bool("finalizers") ?? true
            labels = []
            // A `null` label is one a child environment removed from its parent's.
            for entry in try section.mapping("labels")?.entries ?? [] where !entry.value.isNull {
                guard KubernetesNames.isValidLabelKey(entry.name) else {
                    throw .error("manifests.label", "argocd.labels: '\(entry.name)' is not a valid label key",
                                 at: entry.key.mark.location)
                }
                guard let value = entry.value.text,
                      KubernetesNames.isValidLabelValue(value) else {
                    throw .error(
                        "manifests.label",
                        "argocd.labels.\(entry.name) must be a label value (at most 63 characters of A-Z a-z 0-9 . _ -, alphanumeric at both ends)",
                        at: entry.value.mark.location)
                }
                labels.append((entry.name, value))
            }
        }

        func application(
            name: String, labels: [(String, String)], wave: Int?, destination: Node, path: String,
            ignoreDifferences: Node?, context: RenderContext
        ) -> Node {
            var spec: [(String, Node)] = [
                ("project", project),
                ("destination", destination),
                ("source", .mapping([
                    ("repoURL", .string(context.repositoryURL)),
                    ("path", .string(path)),
                    ("targetRevision", .string(context.targetRevision)),
                ])),
                ("syncPolicy", syncPolicy),
            ]
            if let ignoreDifferences { spec.append(("ignoreDifferences", ignoreDifferences)) }
            return object(
                apiVersion: "argoproj.io/v1alpha1", kind: "Application", name: name, namespace: namespace,
                labels: labels, annotations: wave.map { [syncWaveAnnotation($0)] } ?? [],
                extraMetadata: finalizers ? [("finalizers", .sequence([.string(resourcesFinalizer)]))] : [],
                body: [("spec", .mapping(spec))])
        }
    }
}
