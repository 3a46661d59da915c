import Diagnostics
import YAML

/// Builtin plugin configurations in a kustomization's `generators:`, `transformers:` and
/// `validators:` (kustomize v5.5.0): objects with `apiVersion: builtin` and a builtin kind,
/// given inline, in files, or as the output of kustomization folders. Each runs the engine's
/// own transformer or generator with the configuration's `fieldSpecs` instead of the
/// built-in ones. Exec, container and KRM function plugins are refused: a build never runs
/// programs.
enum Plugins {
    enum Role: String {
        case generator = "generators"
        case transformer = "transformers"
        case validator = "validators"
    }

    static let generatorKinds: Set<String> = ["ConfigMapGenerator", "SecretGenerator"]

    /// Each transformer kind with the fields its configuration may have (besides
    /// apiVersion, kind and metadata).
    static let transformerFields: [String: Set<String>] = [
        "AnnotationsTransformer": ["annotations", "fieldSpecs"],
        "LabelTransformer": ["labels", "fieldSpecs"],
        "NamespaceTransformer": ["fieldSpecs", "unsetOnly", "setRoleBindingSubjects"],
        "PrefixSuffixTransformer": ["prefix", "suffix", "fieldSpecs"],
        "PrefixTransformer": ["prefix", "fieldSpecs"],
        "SuffixTransformer": ["suffix", "fieldSpecs"],
        "ImageTagTransformer": ["imageTag", "fieldSpecs"],
        "ReplicaCountTransformer": ["replica", "fieldSpecs"],
        "PatchTransformer": ["path", "patch", "target", "options"],
        "PatchJson6902Transformer": ["target", "path", "jsonOp"],
        "PatchStrategicMergeTransformer": ["paths", "patches"],
        "ReplacementTransformer": ["replacements"],
        "HashTransformer": [],
        "ValueAddTransformer": ValueAdd.fields,
    ]

    /// Builtin kinds gitopsc does not run, with the reason.
    static let refusedKinds: [String: String] = [
        // kubectl kustomize v5.5.0 cannot load it either ("unable to load builtin").
        "SortOrderTransformer": "a SortOrderTransformer is not supported (kustomize v5.5.0 cannot load it): use the kustomization's 'sortOptions'",
        "HelmChartInflationGenerator": "Helm charts are not supported: gitopsc never runs programs or fetches charts",
        "IAMPolicyGenerator": "an IAMPolicyGenerator is not supported",
    ]

    /// A configuration object and the file it was read from (the kustomization for an
    /// inline one), which kustomize's annotations name.
    struct Configuration {
        var node: Node
        var path: String

        /// How kustomize's origin and transformer annotations name it.
        var builtin: BuiltinConfiguration {
            BuiltinConfiguration(
                configuredIn: path, kind: node["kind"]?.text ?? "",
                name: node[path: ["metadata", "name"]]?.text ?? "", namespace: node[path: ["metadata", "namespace"]]?.text ?? "")
        }
    }

    /// The configuration objects a `generators:`/`transformers:`/`validators:` list of
    /// `kustomization` names: inline YAML documents first, then files and the objects
    /// kustomization folders build to (kustomize gathers the inline ones as it reads the
    /// list and the others after it).
    static func configurations(_ entries: [Node], in kustomization: Kustomization, root: String, builder: KustomizeBuilder, stack: [String]) throws(Diagnostic) -> [Configuration] {
        var configs: [Configuration] = []
        var scratch = Accumulation()
        var registered = Set<ResId.ObjectKey>()
        for entry in entries where entry.text?.contains("\n") == true {
            configs += try Patches.load(.mapping([("patch", entry)]), root: root, builder: builder).map { Configuration(node: yaml12Strings($0), path: kustomization.path) }
        }
        for entry in entries where entry.text?.contains("\n") != true {
            try builder.addResource(entry, root: root, into: &scratch, registered: &registered, stack: stack)
        }
        for resource in scratch.resources {
            // A configuration a kustomization folder generated has no file of its own.
            guard case .file(let path)? = resource.origin else {
                throw Diagnostic.error("kustomize.plugin", "a plugin configuration must be read from a file, not generated", at: resource.location)
            }
            configs.append(Configuration(node: yaml12Strings(resource.node), path: path))
        }
        return configs
    }

    /// kustomize reads a configuration as an object (YAML 1.2) and hands the plugin that
    /// object re-serialized, with `y`, `no`, `on` and the like quoted: they stay strings,
    /// where a kustomization (read as YAML 1.1) would have booleans.
    static func yaml12Strings(_ node: Node) -> Node {
        var copy = node
        switch node.content {
        case .scalar(let scalar):
            if scalar.style == .plain, scalar.tag == nil, TransformerInput.yaml11Booleans.contains(scalar.value) {
                copy.content = .scalar(Scalar(scalar.value, style: .doubleQuoted))
            }
        case .sequence(let items):
            copy.content = .sequence(items.map(yaml12Strings))
        case .mapping(let entries):
            copy.content = .mapping(entries.map { MappingEntry(key: $0.key, value: yaml12Strings($0.value)) })
        }
        return copy
    }

    /// The kind of a configuration, checked: a builtin one that fits `role`.
    static func kind(of config: Node, role: Role) throws(Diagnostic) -> String {
        let kind = config["kind"]?.text ?? ""
        let apiVersion = config["apiVersion"]?.text ?? ""
        guard apiVersion == "builtin", generatorKinds.contains(kind) || transformerFields[kind] != nil else {
            if apiVersion == "builtin", let reason = refusedKinds[kind] {
                throw Diagnostic.error("kustomize.plugin", "\(role.rawValue): \(reason)", at: config.mark.location)
            }
            throw Diagnostic.error(
                "kustomize.plugin",
                "\(role.rawValue): '\(kind)' (apiVersion '\(apiVersion)') is not a builtin plugin; exec, container and KRM function plugins are not supported: gitopsc never runs programs",
                at: (config["kind"] ?? config).mark.location)
        }
        let isGenerator = generatorKinds.contains(kind)
        if isGenerator != (role == .generator) {
            throw Diagnostic.error(
                "kustomize.plugin", "\(role.rawValue): '\(kind)' is a \(isGenerator ? "generator" : "transformer"), not a \(role == .generator ? "generator" : "transformer")",
                at: (config["kind"] ?? config).mark.location)
        }
        return kind
    }

    // MARK: Generators

    /// The objects the generator configurations make.
    static func generate(_ configs: [Configuration], readFile: (String) throws(Diagnostic) -> [UInt8]) throws(Diagnostic) -> [Resource] {
        var generated: [Resource] = []
        for configuration in configs {
            let config = configuration.node
            let kind = try kind(of: config, role: .generator)
            // The configuration is the generator entry itself; its name and namespace may
            // come from its metadata instead.
            var entry = Node(.mapping((config.entries ?? []).filter { !["apiVersion", "kind", "metadata"].contains($0.name) }), mark: config.mark)
            for field in ["name", "namespace"] where entry[field]?.text?.isEmpty ?? true {
                if let value = config[path: ["metadata", field]] { entry[field] = value }
            }
            var resource = kind == "ConfigMapGenerator"
                ? try Generators.configMap(entry, options: nil, readFile: readFile)
                : try Generators.secret(entry, options: nil, readFile: readFile)
            resource.origin = .generator(configuration.builtin)
            generated.append(resource)
        }
        return generated
    }

    // MARK: Transformers

    static func transform(_ configs: [Configuration], root: String, builder: KustomizeBuilder, _ resources: inout [Resource]) throws(Diagnostic) {
        for config in configs {
            try transform(config.node, kind: try kind(of: config.node, role: .transformer), root: root, builder: builder, &resources)
            for index in resources.indices {
                resources[index].transformations.append(config.builtin)
            }
        }
    }

    /// Validators must not change anything: a builtin transformer as a validator passes
    /// when it would leave every object as it is.
    static func validate(_ configs: [Configuration], root: String, builder: KustomizeBuilder, _ resources: [Resource]) throws(Diagnostic) {
        for config in configs.map(\.node) {
            var copy = resources
            try transform(config, kind: try kind(of: config, role: .validator), root: root, builder: builder, &copy)
            let before = YAMLEmitter.emitStream(resources.map(\.node)), after = YAMLEmitter.emitStream(copy.map(\.node))
            guard before == after else {
                throw Diagnostic.error("kustomize.plugin", "validators: '\(config["kind"]?.text ?? "")' changes the objects; a validator must not", at: config.mark.location)
            }
        }
    }

    static func transform(_ config: Node, kind: String, root: String, builder: KustomizeBuilder, _ resources: inout [Resource]) throws(Diagnostic) {
        let allowed = transformerFields[kind]!.union(["apiVersion", "kind", "metadata"])
        try TransformerInput.checkFields(config, allowed: allowed, in: "a \(kind) configuration")
        var specs = TransformerConfig()
        let fieldSpecs = try config["fieldSpecs"].map { (node: Node) throws(Diagnostic) in try FieldSpec.list(node, field: "fieldSpecs") } ?? []
        switch kind {
        case "AnnotationsTransformer":
            specs.commonAnnotations = fieldSpecs
            if let annotations = config["annotations"] { try Transformers.commonAnnotations(annotations, &resources, config: specs) }
        case "LabelTransformer":
            specs.commonLabels = fieldSpecs
            if let labels = config["labels"] { try Transformers.commonLabels(labels, &resources, config: specs) }
        case "NamespaceTransformer":
            if try TransformerInput.bool(config["unsetOnly"], field: "unsetOnly") == true {
                throw Diagnostic.error("kustomize.plugin", "NamespaceTransformer: 'unsetOnly' is not supported", at: config["unsetOnly"]?.mark.location)
            }
            if let subjects = try TransformerInput.string(config["setRoleBindingSubjects"], field: "setRoleBindingSubjects"), subjects != "defaultOnly" {
                throw Diagnostic.error("kustomize.plugin", "NamespaceTransformer: setRoleBindingSubjects '\(subjects)' is not supported (only defaultOnly)", at: config["setRoleBindingSubjects"]?.mark.location)
            }
            specs.namespace = fieldSpecs
            if let namespace = config[path: ["metadata", "namespace"]] { try Transformers.namespace(namespace, &resources, config: specs) }
        case "PrefixSuffixTransformer", "PrefixTransformer", "SuffixTransformer":
            specs.namePrefix = fieldSpecs
            specs.nameSuffix = fieldSpecs
            try Transformers.prefixSuffix(prefix: config["prefix"], suffix: config["suffix"], &resources, config: specs)
        case "ImageTagTransformer":
            specs.images = fieldSpecs
            if let image = config["imageTag"] { try Transformers.images(.sequence([image]), &resources, config: specs) }
        case "ReplicaCountTransformer":
            specs.replicas = fieldSpecs
            if let replica = config["replica"] { try Transformers.replicas(.sequence([replica]), &resources, config: specs) }
        case "PatchTransformer":
            let entry = Node(.mapping((config.entries ?? []).filter { ["path", "patch", "target", "options"].contains($0.name) }), mark: config.mark)
            try Patches.patches([entry], root: root, builder: builder, &resources)
        case "PatchJson6902Transformer":
            var fields = (config.entries ?? []).filter { ["target", "path"].contains($0.name) }
            if let operations = config["jsonOp"] { fields.append(MappingEntry(key: .scalar("patch"), value: operations)) }
            try Patches.json6902([Node(.mapping(fields), mark: config.mark)], root: root, builder: builder, &resources)
        case "PatchStrategicMergeTransformer":
            let paths = try config["paths"].map { (node: Node) throws(Diagnostic) in try TransformerInput.list(node, field: "paths") } ?? []
            try Patches.strategicMerge(paths + (config["patches"].map { [$0] } ?? []), root: root, builder: builder, &resources)
        case "ValueAddTransformer":
            try ValueAdd(config, root: root).apply(&resources)
        case "ReplacementTransformer":
            if let replacements = config["replacements"] { try Replacements.apply(replacements, root: root, builder: builder, &resources) }
        default:  // HashTransformer: generated objects get their hash suffix now.
            for index in resources.indices where resources[index].needsHashSuffix {
                resources[index].appendHashSuffix()
            }
        }
    }
}
