import YAML

/// The environment spec, declared once: validation, `explain` and the published JSON
/// Schema (`schema/environment.schema.json`) all read this tree.
public enum EnvironmentSchema {
    /// Names of environments (paths below `environments/` without `.yaml`): lower-case
    /// segments separated by `/`, no empty, `.` or `..` segment, so that a name used as an
    /// output folder can never leave the output tree.
    public static let environmentName = ValuePattern(
        regex: #"^[a-z0-9_-]+(\.[a-z0-9_-]+)*(/[a-z0-9_-]+(\.[a-z0-9_-]+)*)*$"#,
        code: "environment.invalid-name",
        expectation: "a valid environment name (lower-case letters, digits, '.', '_', '-', segments separated by '/', no '..')")

    /// Component names become one folder of the output: the environment name's rules without `/`.
    public static let componentName = ValuePattern(
        regex: #"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$"#,
        code: "environment.invalid-name",
        expectation: "a valid component name (lower-case letters, digits, '.', '_', '-', no '/' or '..')")

    static let digestPinnedImage = ValuePattern(
        regex: #"^[^@\s]+@sha256:[0-9a-f]{64}$"#,
        code: "environment.unpinned-image",
        expectation: "an image pinned by digest (name@sha256:<64 lower-case hex digits>)")

    /// Go's `time.ParseDuration` syntax, as OLM reads `updateStrategy.registryPoll.interval`.
    static let duration = ValuePattern(
        regex: #"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"#,
        code: "environment.invalid-value",
        expectation: "a duration such as 30m or 1h30m")

    static let serverURL = ValuePattern(
        regex: #"^https?://[^\s]+$"#,
        code: "environment.invalid-value",
        expectation: "an API server URL (https://...)")

    static let patch = SchemaNode(.object([
        SchemaField("name", SchemaNode(.string, description: "Names the patch so that a later layer can change it in place or turn it off: a patch with the name of an inherited patch is merged over that one (a patch or path it sets replaces the inherited one's), and may then leave out patch and path.")),
        SchemaField("enabled", SchemaNode(.bool, description: "false turns the patch off; a later layer turns off an inherited patch with {name: ..., enabled: false}.", defaultValue: .bool(true))),
        SchemaField("patch", SchemaNode(.string, description: "The patch inline, as YAML text: a strategic merge patch, or a JSON 6902 patch (a list of operations). Placeholders such as ${values.x} are resolved in it. Exactly one of patch and path, unless the patch changes an inherited one by name.")),
        SchemaField("path", SchemaNode(.string, description: "A file holding the patch, relative to the root folder (the one holding environments/), or ROOT:PATH inside a template root of gitopsc.yaml. Exactly one of patch and path, unless the patch changes an inherited one by name.")),
        SchemaField("target", SchemaNode(.object([
            SchemaField("group", SchemaNode(.string, description: "API group, a regular expression.")),
            SchemaField("version", SchemaNode(.string, description: "API version, a regular expression.")),
            SchemaField("kind", SchemaNode(.string, description: "Kind, a regular expression.")),
            SchemaField("name", SchemaNode(.string, description: "Object name, a regular expression.")),
            SchemaField("namespace", SchemaNode(.string, description: "Object namespace, a regular expression.")),
            SchemaField("labelSelector", SchemaNode(.string, description: "A Kubernetes label selector, e.g. app=web,tier!=db.")),
            SchemaField("annotationSelector", SchemaNode(.string, description: "A label-selector expression over annotations.")),
        ], exactlyOne: []), description: "Which objects the patch applies to (as kustomize's patch target); without a target a strategic merge patch applies to the object it names. A target that matches nothing is an error.")),
    ], exactlyOne: ["patch", "path"]), description: "A kustomize-style patch with an optional target.", overrideKey: "name")

    static let component = SchemaNode(.object([
        SchemaField("template", SchemaNode(.string, description: "Folder below templates/ that holds the component: a kustomization folder or a plain folder of manifests; or ROOT:PATH, a folder inside a template root that gitopsc.yaml names. Default: the component's name.")),
        SchemaField("resources", SchemaNode(.list(SchemaNode(.string, description: "A manifest file or folder, relative to the root folder (the one holding environments/), or ROOT:PATH inside a template root of gitopsc.yaml.")), description: "More objects for this component, added to its template's before the patches run (a cluster's own objects). Accumulate over the chain: a parent's come first; null drops the inherited ones.")),
        SchemaField("namespace", SchemaNode(.string, description: "Destination namespace of the component's objects and of its Argo CD Application.")),
        SchemaField("syncWave", SchemaNode(.integer, description: "Argo CD sync wave of the component's Application (argocd.argoproj.io/sync-wave).")),
        SchemaField("enabled", SchemaNode(.bool, description: "Whether the component is rendered; a child turns off a component its parent deploys with enabled: false.", defaultValue: .bool(true))),
        SchemaField("patches", SchemaNode(.list(patch), description: "Patches applied to this component's objects. Accumulate over the chain: a parent's patches come first; null drops the inherited ones.")),
    ], exactlyOne: []), description: "One component: a template rendered into its own folder and Argo CD Application.")

    /// The whole spec of one environment file.
    public static let spec = SchemaNode(.object([
        SchemaField("extends", SchemaNode(.string, description: "The parent environment's name (its path below environments/ without .yaml). One parent, any depth; this file's fields are merged over the parent's: mappings deep-merge, scalars and lists replace, null deletes an inherited key, patches accumulate parent first.")),
        SchemaField("abstract", SchemaNode(.bool, description: "A layer that is never rendered on its own (a base, a ring). Not inherited.", defaultValue: .bool(false))),
        SchemaField("description", SchemaNode(.string, description: "Free text for people.")),
        SchemaField("cluster", SchemaNode(.object([
            SchemaField("name", SchemaNode(.string, description: "The cluster's name, usable in templates as ${cluster.name}.")),
            SchemaField("server", SchemaNode(.string, description: "API server URL, Argo CD's destination.server. A concrete environment sets exactly one of server and argocdName.", pattern: serverURL)),
            SchemaField("argocdName", SchemaNode(.string, description: "The cluster's name in Argo CD, destination.name. A concrete environment sets exactly one of server and argocdName.")),
            SchemaField("shared", SchemaNode(.bool, description: "Set in every environment that deploys to the same cluster on purpose (e.g. one per namespace); without it, two environments with one destination are an error. Environments sharing a cluster may not deploy the same object.", defaultValue: .bool(false))),
        ], exactlyOne: []), description: "Where a concrete environment deploys. Required (after inheritance) in every environment that is not abstract.")),
        SchemaField("components", SchemaNode(.map(keys: componentName, values: component), description: "The components this environment deploys, by name. The name is the component's output folder.")),
        SchemaField("operator", SchemaNode(.object([
            SchemaField("enabled", SchemaNode(.bool, description: "Whether the OpenShift Pipelines Operator's Subscription (and CatalogSource, OperatorGroup) are rendered.")),
            SchemaField("olm", SchemaNode(.string, description: "Which Operator Lifecycle Manager installs the operator: v0 renders a Subscription (with CatalogSource and OperatorGroup as needed); v1 renders a ClusterExtension, the installer ServiceAccount with its ClusterRole and ClusterRoleBinding, and a ClusterCatalog for a catalogSource. OLM v1 installs in the AllNamespaces mode only; source, sourceNamespace, installPlanApproval, startingCSV, config and catalogSource's displayName, publisher and pollInterval are OLM v0 fields, and version and upgradeConstraintPolicy OLM v1 fields.", allowed: ["v0", "v1"], defaultValue: .string("v0"))),
            SchemaField("version", SchemaNode(.string, description: "OLM v1: the ClusterExtension's version range, e.g. '>=1.15.0 <1.16.0' or '1.15.x'.")),
            SchemaField("upgradeConstraintPolicy", SchemaNode(.string, description: "OLM v1: whether upgrades follow the catalog's upgrade edges (CatalogProvided) or any version in range (SelfCertified).", allowed: ["CatalogProvided", "SelfCertified"])),
            SchemaField("package", SchemaNode(.string, description: "The OLM package name.", defaultValue: .string("openshift-pipelines-operator-rh"))),
            SchemaField("channel", SchemaNode(.string, description: "The Subscription's channel (OLM v1: the ClusterExtension's only channel), e.g. pipelines-1.15 or latest.")),
            SchemaField("source", SchemaNode(.string, description: "The CatalogSource the Subscription installs from; defaults to catalogSource.name when a catalogSource is given.")),
            SchemaField("sourceNamespace", SchemaNode(.string, description: "Namespace of that CatalogSource, e.g. openshift-marketplace.")),
            SchemaField("installPlanApproval", SchemaNode(.string, description: "Whether OLM installs upgrades on its own (Automatic) or waits for approval (Manual).", allowed: ["Automatic", "Manual"])),
            SchemaField("startingCSV", SchemaNode(.string, description: "The ClusterServiceVersion to install first, e.g. openshift-pipelines-operator-rh.v1.15.0.")),
            SchemaField("namespace", SchemaNode(.string, description: "Namespace of the Subscription. openshift-operators has a global OperatorGroup; any other namespace gets one. OLM v1: the namespace the operator is installed in (it must exist), and of the installer ServiceAccount.", defaultValue: .string("openshift-operators"))),
            SchemaField("syncWave", SchemaNode(.integer, description: "Argo CD sync wave of the operator's objects.")),
            SchemaField("config", SchemaNode(.freeFormMapping, description: "The Subscription's spec.config (env, resources, nodeSelector, tolerations, ...), passed through.")),
            SchemaField("catalogSource", SchemaNode(.object([
                SchemaField("name", SchemaNode(.string, description: "The CatalogSource's name.")),
                SchemaField("image", SchemaNode(.string, description: "The catalog index image, pinned by digest (name@sha256:<64 hex digits>) so that a render is reproducible.", pattern: digestPinnedImage)),
                SchemaField("displayName", SchemaNode(.string, description: "The CatalogSource's spec.displayName.")),
                SchemaField("publisher", SchemaNode(.string, description: "The CatalogSource's spec.publisher.")),
                SchemaField("pollInterval", SchemaNode(.string, description: "How often OLM polls the image (updateStrategy.registryPoll.interval), a duration such as 30m.", pattern: duration)),
            ], exactlyOne: []), description: "A custom CatalogSource to install the operator from (e.g. a pre-release index); OLM v1: a ClusterCatalog of that image, which the ClusterExtension selects.")),
        ], exactlyOne: []), description: "The OpenShift Pipelines Operator installation through OLM.")),
        SchemaField("tektonConfig", SchemaNode(.freeFormMapping, description: "Merged into the TektonConfig's spec (profile, pipeline, chain, pruner, platforms.openshift.pipelinesAsCode, result, ...).")),
        SchemaField("argocd", SchemaNode(.object([
            SchemaField("project", SchemaNode(.string, description: "The Argo CD project of the generated Applications.")),
            SchemaField("namespace", SchemaNode(.string, description: "The namespace the Applications live in.", defaultValue: .string("openshift-gitops"))),
            SchemaField("syncPolicy", SchemaNode(.freeFormMapping, description: "The Applications' spec.syncPolicy (automated, syncOptions, retry, ...), passed through.")),
            SchemaField("ignoreDifferences", SchemaNode(.freeFormList, description: "The Applications' spec.ignoreDifferences, passed through.")),
            SchemaField("finalizers", SchemaNode(.bool, description: "Whether the Applications carry the resources finalizer, so that deleting one deletes its objects.", defaultValue: .bool(true))),
            SchemaField("labels", SchemaNode(.map(keys: nil, values: SchemaNode(.string, description: "A label value.")), description: "Labels added to the generated Applications.")),
        ], exactlyOne: []), description: "Settings of the generated Argo CD Applications.")),
        SchemaField("values", SchemaNode(.freeFormMapping, description: "Free-form data that templates reference as ${values.a.b}.")),
        SchemaField("patches", SchemaNode(.list(patch), description: "Patches applied to every rendered object of the environment. Accumulate over the chain: a parent's patches come first; null drops the inherited ones.")),
        SchemaField("secrets", SchemaNode(.object([
            SchemaField("allowPlaintext", SchemaNode(.bool, description: "Allow Secrets with plaintext data in the rendered output.", defaultValue: .bool(false))),
        ], exactlyOne: []), description: "Rules for Secret objects in the output.")),
    ], exactlyOne: []), description: "One gitopsc environment: a file environments/<name>.yaml, merged over the environment it extends.")

    /// The schema of the value at a path of keys (map keys and list indexes included), or
    /// the first key the schema does not know. Below free-form data every path is valid.
    static func lookup(_ path: [String]) -> Result<SchemaNode?, UnknownKey> {
        var node = spec
        for (index, key) in path.enumerated() {
            switch node.kind {
            case .object(let fields, _):
                guard let field = fields.first(where: { $0.name == key }) else {
                    return .failure(UnknownKey(prefix: Array(path[..<index]), key: key, known: fields.map(\.name)))
                }
                node = field.schema
            case .map(_, let values):
                node = values
            case .list(let item):
                guard Int(key) != nil else {
                    return .failure(UnknownKey(prefix: Array(path[..<index]), key: key, known: []))
                }
                node = item
            case .freeFormMapping, .freeFormList:
                return .success(nil)
            case .string, .bool, .integer:
                return .failure(UnknownKey(prefix: Array(path[..<index]), key: key, known: []))
            }
        }
        return .success(node)
    }

    struct UnknownKey: Error {
        var prefix: [String]
        var key: String
        var known: [String]
    }

    /// The default the schema documents for a path, e.g. `operator.namespace`.
    public static func defaultValue(at path: [String]) -> Node? {
        guard case .success(let node?) = lookup(path) else { return nil }
        return node.defaultValue?.node
    }
}
