import Diagnostics
import FileSources
import FoundationEssentials
import YAML

/// The objects a kustomization has gathered so far, with the transformer configuration
/// (field specs) its own and its bases' `configurations` contributed.
struct Accumulation: Sendable {
    var resources: [Resource] = []
    var config = TransformerConfig.builtin
    var vars = VarSet()
}

extension Resource {
    /// A generated object's name gets its content hash (kustomize's HashTransformer; the
    /// object still needs one at the end of the build, so a HashTransformer in
    /// `transformers:` makes two, as in kustomize).
    mutating func appendHashSuffix() {
        rememberId()
        name += "-" + Generators.hashSuffix(of: node)
    }
}

/// Builds kustomization folders as `kustomize build` (v5.5.0) does.
///
/// One builder serves many builds and may be used from several threads: files are parsed
/// once and folders used as resources are accumulated once (see `SourceStore`).
public final class KustomizeBuilder: Sendable {
    public let store: SourceStore
    public let loadRestrictions: LoadRestrictions

    /// kustomize's `--load-restrictor`: whether files a kustomization names must be in or
    /// below its folder (folders it names as resources or components never must).
    public enum LoadRestrictions: Sendable {
        case rootOnly
        /// Files anywhere the store's path resolver allows.
        case none
    }

    /// The value of `buildMetadata: [managedByLabel]`'s label: kubectl's kustomize writes
    /// `kustomize-(devel)`, a kustomize v5.5.0 binary `kustomize-v5.5.0`.
    public let managedByLabelValue: String
    /// kustomize's `--enable-managedby-label`: the label on every build, as with `buildMetadata`.
    public let addsManagedByLabel: Bool

    public init(
        store: SourceStore = SourceStore(), loadRestrictions: LoadRestrictions = .rootOnly,
        managedByLabelValue: String = "kustomize-(devel)", addsManagedByLabel: Bool = false
    ) {
        self.store = store
        self.loadRestrictions = loadRestrictions
        self.managedByLabelValue = managedByLabelValue
        self.addsManagedByLabel = addsManagedByLabel
    }

    /// The output of `kustomize build DIR`.
    public func buildYAML(_ directory: String) throws(Diagnostic) -> String {
        YAMLEmitter.emitStream(try build(directory).map(\.node))
    }

    /// The final objects of a kustomization folder, in output order. `reference` is where
    /// the folder is named, for errors about its kustomization file.
    public func build(_ directory: String, referencedAt reference: SourceLocation? = nil) throws(Diagnostic) -> [Resource] {
        let root = standardized(directory)
        try store.paths.check(root, at: reference)
        let kustomization = try loadKustomization(in: root, referencedAt: reference)
        var accumulation = try accumulate(kustomization, root: root, stack: [try store.paths.resolve(root, at: reference)])
        for index in accumulation.resources.indices where accumulation.resources[index].needsHashSuffix {
            accumulation.resources[index].appendHashSuffix()
        }
        try NameReference.fix(&accumulation.resources, config: accumulation.config)
        try VarResolution.resolve(accumulation.vars, specs: accumulation.config.varReference, &accumulation.resources, warn: store.warn)
        let order = try ResourceOrder(kustomization["sortOptions"])
        var output = accumulation.resources.filter { $0.annotations["config.kubernetes.io/local-config"] != "true" }
        var metadata = try BuildMetadata(kustomization)
        metadata.managedByLabel = metadata.managedByLabel || addsManagedByLabel
        try metadata.apply(to: &output, root: root, managedBy: managedByLabelValue)
        for index in output.indices {
            if let written = try JSONRoundTrip.output(output[index].node) { output[index].node = written }
        }
        return order.sorted(output)
    }

    // MARK: Loading

    func loadKustomization(in folder: String, referencedAt reference: SourceLocation?) throws(Diagnostic) -> Kustomization {
        let kustomization = try kustomizationFile(in: folder, referencedAt: reference).kustomization
        if kustomization.setsNoField {
            throw Diagnostic.error(
                "kustomize.empty", "kustomization file is empty: it sets no field (kustomize refuses to build it too)",
                at: kustomization.node.mark.location ?? SourceLocation(file: kustomization.file, line: 1, column: 1))
        }
        return kustomization
    }

    /// The kustomization file of a folder (its path and its content, read as a build reads
    /// it), for `kustomize edit`.
    public func kustomizationFile(in folder: String, referencedAt reference: SourceLocation? = nil) throws(Diagnostic) -> (path: String, kustomization: Kustomization) {
        let found = Kustomization.fileNames.filter { store.files.kind(of: folder + "/" + $0) == .file }
        guard let name = found.first else {
            let location = reference ?? SourceLocation(file: store.display(folder), line: 0, column: 0)
            throw Diagnostic.error(
                "kustomize.missing-kustomization",
                "no kustomization file (\(Kustomization.fileNames.joined(separator: ", "))) in '\(store.display(folder))'",
                at: location)
        }
        if found.count > 1 {
            throw Diagnostic.error(
                "kustomize.ambiguous-kustomization",
                "found more than one kustomization file: \(found.joined(separator: ", ")); keep one",
                at: SourceLocation(file: store.display(folder + "/" + name), line: 0, column: 0))
        }
        let path = folder + "/" + name
        // A kustomization file that is a link must stay in its folder too, as in kustomize.
        try store.paths.check(path, in: folder, at: reference ?? SourceLocation(file: store.display(path), line: 0, column: 0))
        let documents = try store.kustomizationDocuments(at: path)
        guard documents.count == 1 else {
            throw Diagnostic.error(
                "kustomize.invalid", "a kustomization file must hold one YAML document, found \(documents.count)",
                at: SourceLocation(file: store.display(path), line: 1, column: 1))
        }
        var kustomization = try Kustomization(node: documents[0], file: store.display(path), warn: store.warn)
        kustomization.path = path
        return (path, kustomization)
    }

    /// The path a kustomization entry names, relative to the kustomization's folder.
    func entryPath(_ entry: Node, root: String) -> String {
        let relative = entry.text ?? ""
        return standardized(relative.hasPrefix("/") ? relative : root + "/" + relative)
    }

    /// The path of a file a kustomization names, checked against kustomize's load
    /// restrictor: links resolved, it must be in or below the kustomization's folder.
    func filePath(_ entry: Node, root: String) throws(Diagnostic) -> String {
        try store.paths.check(entryPath(entry, root: root), in: loadRestrictions == .rootOnly ? root : nil, at: entry.mark.location)
    }

    /// Reads a file a kustomization names, for generators and patches.
    func readFile(_ entry: Node, root: String) throws(Diagnostic) -> String {
        let path = try filePath(entry, root: root)
        guard store.files.kind(of: path) == .file else {
            throw Diagnostic.error("kustomize.missing-file", "file '\(entry.text ?? "")' not found", at: entry.mark.location)
        }
        return try store.text(at: path)
    }

    /// Reads a file's bytes, for generators (a file that is not UTF-8 becomes binaryData).
    func readBytes(_ entry: Node, root: String) throws(Diagnostic) -> [UInt8] {
        let path = try filePath(entry, root: root)
        guard store.files.kind(of: path) == .file, let bytes = store.files.contents(of: path) else {
            throw Diagnostic.error("kustomize.missing-file", "file '\(entry.text ?? "")' not found", at: entry.mark.location)
        }
        return bytes
    }

    static func isRemote(_ reference: String) -> Bool {
        ScalarType.contains(reference, "://") || reference.hasPrefix("github.com/") || reference.hasPrefix("git@")
            || ScalarType.contains(reference, "?ref=") || reference.hasPrefix("gitlab.com/") || reference.hasPrefix("bitbucket.org/")
    }

    // MARK: Accumulation

    /// Gathers and transforms a kustomization's objects (everything but the final hash
    /// suffixes, name references and sorting, which run once for the whole build).
    func accumulate(_ kustomization: Kustomization, root: String, stack: [String]) throws(Diagnostic) -> Accumulation {
        var accumulation = Accumulation()
        try run(kustomization, root: root, into: &accumulation, stack: stack)
        return accumulation
    }

    func run(_ kustomization: Kustomization, root: String, into accumulation: inout Accumulation, stack: [String]) throws(Diagnostic) {
        do {
            let entries = try kustomization.stringList("resources") + kustomization.stringList("bases")
            var registered = Set(accumulation.resources.map(\.id.objectKey))
            for entry in entries {
                try addResource(entry, root: root, into: &accumulation, registered: &registered, stack: stack)
            }
            for entry in try kustomization.stringList("configurations") {
                let path = try filePath(entry, root: root)
                for document in try store.documents(at: path) where !document.isNull {
                    try accumulation.config.merge(try TransformerConfig.parse(document))
                }
            }
            try runGenerators(kustomization, root: root, into: &accumulation, stack: stack)
            for entry in try kustomization.stringList("components") {
                try addComponent(entry, root: root, into: &accumulation, stack: stack)
            }
            try transform(kustomization, root: root, &accumulation)
            let transformers = try Plugins.configurations(kustomization.stringList("transformers"), in: kustomization, root: root, builder: self, stack: stack)
            try Plugins.transform(transformers, root: root, builder: self, &accumulation.resources)
            let validators = try Plugins.configurations(kustomization.stringList("validators"), in: kustomization, root: root, builder: self, stack: stack)
            try Plugins.validate(validators, root: root, builder: self, accumulation.resources)
            if let vars = kustomization["vars"] {
                try accumulation.vars.declare(vars, resources: &accumulation.resources)
            }
        } catch {
            throw error.within(kustomization.file)
        }
    }

    func addResource(_ entry: Node, root: String, into accumulation: inout Accumulation, registered: inout Set<ResId.ObjectKey>, stack: [String]) throws(Diagnostic) {
        let reference = entry.text ?? ""
        if KustomizeBuilder.isRemote(reference) {
            throw Diagnostic.error("kustomize.remote", "remote resource '\(reference)' is not supported: gitopsc never fetches from the network", at: entry.mark.location)
        }
        let path = entryPath(entry, root: root)
        guard let kind = store.files.kind(of: path) else {
            _ = try store.paths.resolve(path, at: entry.mark.location)  // a link loop is not "not found"
            throw Diagnostic.error("kustomize.missing-resource", "resource '\(reference)' not found", at: entry.mark.location)
        }
        if kind == .folder {
            let real = try newRoot(entry, path: path, stack: stack)
            let folder = try store.folder(path) { () throws(Diagnostic) -> Accumulation in
                let kustomization = try loadKustomization(in: path, referencedAt: entry.mark.location)
                if kustomization.kind == .component {
                    throw Diagnostic.error("kustomize.invalid", "'\(reference)' is a Component: list it under 'components', not 'resources'", at: entry.mark.location)
                }
                return try accumulate(kustomization, root: path, stack: stack + [real])
            }
            for resource in folder.resources {
                try append(resource, to: &accumulation.resources, registered: &registered)
            }
            try accumulation.config.merge(folder.config)
            try accumulation.vars.absorb(folder.vars)
        } else {
            _ = try filePath(entry, root: root)
            for resource in try resources(inFile: path) {
                try append(resource, to: &accumulation.resources, registered: &registered)
            }
        }
    }

    func addComponent(_ entry: Node, root: String, into accumulation: inout Accumulation, stack: [String]) throws(Diagnostic) {
        let reference = entry.text ?? ""
        if KustomizeBuilder.isRemote(reference) {
            throw Diagnostic.error("kustomize.remote", "remote component '\(reference)' is not supported: gitopsc never fetches from the network", at: entry.mark.location)
        }
        let path = entryPath(entry, root: root)
        guard store.files.kind(of: path) == .folder else {
            throw Diagnostic.error("kustomize.missing-resource", "component folder '\(reference)' not found", at: entry.mark.location)
        }
        let real = try newRoot(entry, path: path, stack: stack)
        let component = try loadKustomization(in: path, referencedAt: entry.mark.location)
        guard component.kind == .component else {
            throw Diagnostic.error("kustomize.invalid", "'\(reference)' is a Kustomization: list it under 'resources', not 'components'", at: entry.mark.location)
        }
        try run(component, root: path, into: &accumulation, stack: stack + [real])
    }

    /// A folder a kustomization names as a resource or component: anywhere (kustomize
    /// allows that for folders, not files) but relative and inside the allowed roots, and
    /// not one that contains a folder being built, links resolved (`ln -s . loop` would
    /// otherwise recurse). Returns the folder resolved, for the stack of visited roots.
    func newRoot(_ entry: Node, path: String, stack: [String]) throws(Diagnostic) -> String {
        let reference = entry.text ?? ""
        if reference.hasPrefix("/") {
            throw Diagnostic.error("kustomize.absolute-root", "new root '\(reference)' cannot be absolute", at: entry.mark.location)
        }
        try store.paths.check(path, at: entry.mark.location)
        let real = try store.paths.resolve(path, at: entry.mark.location)
        if let visited = stack.last(where: { PathResolver.isWithin($0, real) }) {
            throw Diagnostic.error(
                "kustomize.cycle",
                "cycle detected: candidate root '\(store.display(real))' contains visited root '\(store.display(visited))'",
                at: entry.mark.location)
        }
        return real
    }

    /// The objects of one manifest file: empty documents skipped, `List` kinds expanded.
    func resources(inFile path: String) throws(Diagnostic) -> [Resource] {
        var result: [Resource] = []
        for document in try store.documents(at: path) where !document.isNull {
            guard document.isMapping else {
                throw Diagnostic.error("kustomize.invalid", "a resource must be a mapping, found a \(document.kindName)", at: document.mark.location)
            }
            if let kind = document["kind"]?.text, kind.hasSuffix("List"), let items = document["items"]?.items {
                for item in items where !item.isNull {
                    var resource = try resource(from: item)
                    resource.origin = .file(path)
                    result.append(resource)
                }
            } else {
                var resource = try resource(from: document)
                resource.origin = .file(path)
                result.append(resource)
            }
        }
        return result
    }

    func resource(from node: Node) throws(Diagnostic) -> Resource {
        guard node.isMapping else {
            throw Diagnostic.error("kustomize.invalid", "a resource must be a mapping, found a \(node.kindName)", at: node.mark.location)
        }
        guard node["kind"]?.text?.isEmpty == false else {
            throw Diagnostic.error("kustomize.invalid", "resource has no 'kind'", at: node.mark.location)
        }
        guard node["apiVersion"]?.text?.isEmpty == false else {
            throw Diagnostic.error("kustomize.invalid", "resource has no 'apiVersion'", at: node.mark.location)
        }
        var resource = Resource(node: node)
        resource.normalizeAnnotations()
        return resource
    }

    func append(_ resource: Resource, to resources: inout [Resource], registered: inout Set<ResId.ObjectKey>) throws(Diagnostic) {
        let id = resource.id
        if !registered.insert(id.objectKey).inserted, let existing = resources.first(where: { $0.id.isSameObject(as: id) }) {
            var message = "may not add resource with an already registered id: \(id)"
            if let location = existing.location { message += " (first defined at \(location))" }
            throw Diagnostic.error("kustomize.duplicate-id", message, at: resource.location)
        }
        resources.append(resource)
    }

    // MARK: Generators

    func runGenerators(_ kustomization: Kustomization, root: String, into accumulation: inout Accumulation, stack: [String]) throws(Diagnostic) {
        let options = kustomization["generatorOptions"]
        let read = { (relative: String) throws(Diagnostic) -> [UInt8] in
            try self.readBytes(.scalar(relative, mark: Mark(file: kustomization.file, line: 0, column: 0)), root: root)
        }
        var generated: [Resource] = []
        for entry in try kustomization.mappingList("configMapGenerator") {
            var resource = try Generators.configMap(entry, options: options, readFile: read)
            resource.origin = .generator(BuiltinConfiguration(configuredIn: kustomization.path, kind: "ConfigMapGenerator"))
            generated.append(resource)
        }
        for entry in try kustomization.mappingList("secretGenerator") {
            var resource = try Generators.secret(entry, options: options, readFile: read)
            resource.origin = .generator(BuiltinConfiguration(configuredIn: kustomization.path, kind: "SecretGenerator"))
            generated.append(resource)
        }
        let plugins = try Plugins.configurations(kustomization.stringList("generators"), in: kustomization, root: root, builder: self, stack: stack)
        generated += try Plugins.generate(plugins, readFile: read)
        for resource in generated {
            let id = resource.id
            let matches = accumulation.resources.indices.filter { index in
                let existing = accumulation.resources[index]
                return (existing.previousIds + [existing.id]).contains { $0.isSameObject(as: id) }
            }
            switch (matches.count, resource.behavior) {
            case (0, .create):
                accumulation.resources.append(resource)
            case (0, _):
                throw Diagnostic.error("kustomize.generator", "id \(id) does not exist; cannot merge or replace", at: resource.location)
            case (1, .create):
                throw Diagnostic.error("kustomize.duplicate-id", "id \(id) exists; behavior must be merge or replace", at: resource.location)
            case (1, .merge):
                accumulation.resources[matches[0]] = Generators.merge(resource, into: accumulation.resources[matches[0]])
            case (1, .replace):
                accumulation.resources[matches[0]] = Generators.replace(accumulation.resources[matches[0]], with: resource)
            default:
                throw Diagnostic.error("kustomize.generator", "id \(id) matches \(matches.count) objects; cannot merge or replace", at: resource.location)
            }
        }
    }

    // MARK: Transformers

    /// kustomize's fixed order of built-in transformers. Each one configured (one per entry
    /// for `patches`, `patchesJson6902`, `labels`, `replicas` and `images`) is recorded on
    /// every object, for `buildMetadata: [transformerAnnotations]`.
    func transform(_ kustomization: Kustomization, root: String, _ accumulation: inout Accumulation) throws(Diagnostic) {
        let config = accumulation.config
        var resources = accumulation.resources
        func record(_ kind: String, _ count: Int = 1) {
            let configuration = BuiltinConfiguration(configuredIn: kustomization.path, kind: kind)
            for index in resources.indices {
                resources[index].transformations += Array(repeating: configuration, count: count)
            }
        }
        let strategicMerge = try kustomization.stringList("patchesStrategicMerge")
        try Patches.strategicMerge(strategicMerge, root: root, builder: self, &resources)
        record("PatchStrategicMergeTransformer", strategicMerge.isEmpty ? 0 : 1)
        let patches = try kustomization.mappingList("patches")
        try Patches.patches(patches, root: root, builder: self, &resources)
        record("PatchTransformer", patches.count)
        if let namespace = try kustomization.string("namespace") {
            try Transformers.namespace(namespace, &resources, config: config)
            if try TransformerInput.string(namespace, field: "namespace")?.isEmpty == false { record("NamespaceTransformer") }
        }
        let prefix = try kustomization.string("namePrefix")
        let suffix = try kustomization.string("nameSuffix")
        if prefix != nil || suffix != nil {
            try Transformers.prefixSuffix(prefix: prefix, suffix: suffix, &resources, config: config)
            if try TransformerInput.string(prefix, field: "namePrefix")?.isEmpty == false { record("PrefixTransformer") }
            if try TransformerInput.string(suffix, field: "nameSuffix")?.isEmpty == false { record("SuffixTransformer") }
        }
        if let labels = kustomization["labels"] {
            try Transformers.labels(labels, &resources, config: config)
            record("LabelTransformer", labels.items?.count ?? 0)
        }
        if let labels = kustomization["commonLabels"] {
            try Transformers.commonLabels(labels, &resources, config: config)
            record("LabelTransformer", labels.entries?.isEmpty == false ? 1 : 0)
        }
        if let annotations = kustomization["commonAnnotations"] {
            try Transformers.commonAnnotations(annotations, &resources, config: config)
            record("AnnotationsTransformer", annotations.entries?.isEmpty == false ? 1 : 0)
        }
        let jsonPatches = try kustomization.mappingList("patchesJson6902")
        try Patches.json6902(jsonPatches, root: root, builder: self, &resources)
        record("PatchJson6902Transformer", jsonPatches.count)
        if let replicas = kustomization["replicas"] {
            try Transformers.replicas(replicas, &resources, config: config)
            record("ReplicaCountTransformer", replicas.items?.count ?? 0)
        }
        for field in ["images", "imageTags"] {
            if let images = kustomization[field] {
                try Transformers.images(images, &resources, config: config)
                record("ImageTagTransformer", images.items?.count ?? 0)
            }
        }
        if let replacements = kustomization["replacements"] {
            try Replacements.apply(replacements, root: root, builder: self, &resources)
            record("ReplacementTransformer", replacements.items?.isEmpty == false ? 1 : 0)
        }
        accumulation.resources = resources
    }

    // MARK: Use outside kustomizations

    /// Applies one kustomize-style `patches` entry (inline `patch` or `path` relative to
    /// `root`, optional `target`) to objects; returns how many objects it selected, so
    /// that stricter callers can refuse a patch that matches nothing. `strict` refuses
    /// directives (`$retainKeys`, ...) that kustomize would copy into the output.
    /// `prepare` sees each patch document before it is applied.
    public func applyPatch(
        _ entry: Node, root: String, strict: Bool = false,
        prepare: (Node) throws(Diagnostic) -> Node = { $0 }, to resources: inout [Resource]
    ) throws(Diagnostic) -> Int {
        try Patches.apply(entry, root: root, builder: self, strict: strict, prepare: prepare, &resources)
    }

    /// The objects at a path: a kustomization folder built, a plain folder of manifests, or
    /// one manifest file.
    /// `reference` is where the path is named, for errors.
    public func objects(at path: String, referencedAt reference: SourceLocation? = nil) throws(Diagnostic) -> [Resource] {
        switch store.files.kind(of: path) {
        case .folder: return try isKustomization(path) ? build(path, referencedAt: reference) : resources(inFolder: path, referencedAt: reference)
        case .file: return try resources(inFile: store.paths.check(path, at: reference))
        case nil: throw Diagnostic.error("kustomize.missing-file", "'\(store.display(path))' not found", at: reference)
        }
    }

    /// The objects of a plain folder of manifests (every `.yaml`/`.yml` file, by name). Its
    /// files may be links, but must lead inside the allowed roots.
    public func resources(inFolder folder: String, referencedAt reference: SourceLocation? = nil) throws(Diagnostic) -> [Resource] {
        let names = (store.files.children(of: try store.paths.check(folder, at: reference)) ?? []).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
        var result: [Resource] = []
        var registered = Set<ResId.ObjectKey>()
        for name in names {
            for resource in try resources(inFile: store.paths.check(folder + "/" + name, at: reference)) {
                try append(resource, to: &result, registered: &registered)
            }
        }
        return result
    }

    /// Whether a folder holds a kustomization file.
    public func isKustomization(_ folder: String) -> Bool {
        Kustomization.fileNames.contains { store.files.kind(of: folder + "/" + $0) == .file }
    }

    /// Objects in kustomize's default output order.
    public static func sortedForOutput(_ resources: [Resource]) -> [Resource] {
        ResourceOrder.legacy.sorted(resources)
    }

    // MARK: Many folders

    /// Builds several folders concurrently; each result (the output text or the failure) is
    /// handed to `finish` on the thread that built it, with the folder's index.
    public func buildAll<Value: Sendable>(
        _ directories: [String], finish: @escaping @Sendable (Int, Result<String, Diagnostic>) -> Value
    ) -> [Value] {
        concurrentMap(directories.count) { index in finish(index, self.attemptBuild(directories[index])) }
    }

    private func attemptBuild(_ directory: String) -> Result<String, Diagnostic> {
        do {
            return .success(try buildYAML(directory))
        } catch {
            return .failure(error)
        }
    }
}
