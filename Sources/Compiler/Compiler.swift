import Diagnostics
import Environments
import FileSources
import FoundationEssentials
import Kustomize
import Manifests
import Schemas
import YAML


/// Environment specs and templates -> the rendered tree Argo CD reads.
public final class Compiler: Sendable {
    /// Components gitopsc renders itself from spec sections rather than from templates.
    public static let operatorComponent = "openshift-pipelines-operator"
    public static let tektonConfigComponent = "tektonconfig"
    static let builtInComponents: Set<String> = [operatorComponent, tektonConfigComponent]

    public let root: String
    public let settings: ProjectSettings
    let builder: KustomizeBuilder
    let displayBase: String
    let paths: SpecPaths
    /// Template and resource objects before placeholders: the same for every environment,
    /// built once per run (concurrent environments wait for the first build).
    private let templates = Memo<SharedBuild>(coalescing: true)
    /// The text of those objects, emitted once for all environments that leave them as built.
    private let emitted = EmittedDocuments()

    /// Sources are read from `files`: the working tree by default, or a snapshot of a
    /// revision mounted at `root`.
    public init(root: String, displayBase: String = FileManager.default.currentDirectoryPath, files: any FileSource = LocalFiles()) throws(Diagnostic) {
        self.root = root
        self.displayBase = displayBase
        settings = try ProjectSettings.load(root: root, displayBase: displayBase, files: files)
        paths = SpecPaths(root: root, templateRoots: settings.templateRoots, files: files, displayBase: displayBase)
        builder = KustomizeBuilder(store: SourceStore(paths: paths.resolver))
    }

    /// How many environments are rendered of how many, reported after each one (from the
    /// rendering threads), for a progress display.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int) -> Void

    /// Compiles the named environments (all concrete ones when empty), reporting every
    /// problem of every environment together. With `schemas`, a field of a `tektonConfig`
    /// section that the TektonConfig CRD does not know is an error before rendering
    /// (unless `allowUnknownFields`: validating the rendered object then warns about it).
    public func compile(_ names: [String] = [], schemas: SchemaSet? = nil, allowUnknownFields: Bool = false, progress: Progress? = nil) throws(DiagnosticList) -> RenderedTree {
        let (results, output) = try renderAll(names, schemas: schemas, allowUnknownFields: allowUnknownFields, keepingObjects: true, progress: progress)
        return RenderedTree(environments: results.map { $0.rendered! }, output: output)
    }

    /// Compiles as `compile` does, for what only writes or commits the files: each
    /// environment's objects are let go once its files are emitted, so a large fleet is
    /// never held in memory as nodes.
    public func compileFiles(_ names: [String] = [], schemas: SchemaSet? = nil, allowUnknownFields: Bool = false, progress: Progress? = nil) throws(DiagnosticList) -> RenderedFiles {
        try renderAll(names, schemas: schemas, allowUnknownFields: allowUnknownFields, keepingObjects: false, progress: progress).output
    }

    private func renderAll(
        _ names: [String], schemas: SchemaSet?, allowUnknownFields: Bool, keepingObjects: Bool, progress: Progress?
    ) throws(DiagnosticList) -> (results: [EnvironmentResult], output: RenderedFiles) {
        let all = try EnvironmentLoader.load(root: root, displayBase: displayBase, files: builder.store.files)
        var selected = all.filter { !$0.isAbstract }
        if !names.isEmpty {
            var problems: [Diagnostic] = []
            for name in names where !all.contains(where: { $0.name == name }) {
                problems.append(Diagnostic.error("compile.unknown-environment", "no environment named '\(name)' in environments/"))
            }
            for name in names where all.contains(where: { $0.name == name && $0.isAbstract }) {
                problems.append(Diagnostic.error("compile.abstract-environment", "environment '\(name)' is abstract and is never rendered on its own"))
            }
            if !problems.isEmpty { throw DiagnosticList(problems) }
            selected = selected.filter { names.contains($0.name) }
        }
        if let schemas, !allowUnknownFields {
            let typos = try Compiler.tektonConfigTypos(in: selected, schemas: schemas)
            if !typos.isEmpty { throw DiagnosticList(typos) }
        }
        let concrete = selected.sorted { $0.name < $1.name }
        let specs = concurrentMap(concrete.count) { index in
            Result { () throws(DiagnosticList) in try Placeholders.resolvedSpec(of: concrete[index]) }
        }
        prepareSharedBuilds(for: specs.compactMap { try? $0.get() })
        let done = Locked(0)
        let results = concurrentMap(concrete.count) { index in
            let result = self.render(concrete[index], spec: specs[index], keepingObjects: keepingObjects)
            if let progress { progress(done.withValue { $0 += 1; return $0 }, concrete.count) }
            return result
        }
        var rendered: [EnvironmentResult] = []
        var problems: [Diagnostic] = []
        for result in results {
            switch result {
            case .success(let environment): rendered.append(environment)
            case .failure(let list): problems += list.diagnostics
            }
        }
        // Nesting is checked over every concrete environment of the project (their folders
        // share the tree whichever are compiled); names and clusters over those compiled.
        problems += Collisions.problems(in: rendered, all: all, layout: layout)
        if settings.bootstrap == .applicationset {
            // An ApplicationSet creates its Applications in its own namespace: a root meant for
            // another one would silently land elsewhere.
            for result in rendered where result.rootNamespace != settings.argocdNamespace {
                var problem = Diagnostic.error(
                    "compile.bootstrap-namespace",
                    "environment '\(result.name)' puts its root Application in namespace '\(result.rootNamespace ?? "")', but the ApplicationSet of argocd.bootstrap creates it in '\(settings.argocdNamespace)' (argocd.namespace of gitopsc.yaml); set one namespace for both",
                    at: SourceLocation(file: result.file, line: 0, column: 0))
                problem.chain = result.chain
                problems.append(problem)
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        let sources = [paths.root + "/environments", paths.root + "/templates"] + settings.templateRoots.values.map(\.path).sorted()
        let applicationSet = settings.bootstrap == .applicationset ? ArgoApplications.applicationSet(
            name: KubernetesNames.name(layout.treeFolder.isEmpty ? "gitopsc-environments" : "gitopsc-\(layout.treeFolder)"),
            namespace: settings.argocdNamespace, repositoryURL: settings.repositoryURL, revision: settings.branch,
            filePattern: layout.bootstrapPattern) : nil
        let output = RenderedFiles(
            layout: layout, environments: rendered.map { ($0.name, $0.files) }, applicationSet: applicationSet, sourceFolders: sources)
        return (rendered, output)
    }

    public var layout: RenderedLayout { RenderedLayout(folder: settings.folder) }

    // MARK: One environment

    /// A rendered environment: its files, and what checks across environments need of it.
    struct EnvironmentResult: Sendable {
        var name: String
        var file: String
        var chain: [String]
        /// The resolved `cluster` section.
        var cluster: Node?
        /// Object identities per component, for the shared-cluster check.
        var objects: [ObjectIdentity]
        /// The environment's Argo CD Applications, for the name collision check.
        var applications: [ApplicationIdentity]
        var rootNamespace: String?
        /// The environment's files, sorted by path, emitted on the rendering thread.
        var files: [RenderedLayout.File]
        /// The rendered objects, when the caller keeps them.
        var rendered: RenderedEnvironment?
    }

    /// A rendered object's identity and the component that renders it. A struct, not a
    /// tuple: the runtime copies and destroys tuples in arrays through generic witnesses.
    struct ObjectIdentity: Sendable {
        var component: String
        var id: ResId.ObjectKey
        var location: SourceLocation?
    }

    /// An Application's name and namespace; `component` is nil for the root Application.
    struct ApplicationIdentity: Sendable {
        var namespace: String
        var name: String
        var component: String?
        var declaration: SourceLocation?
    }

    /// `spec` is the environment's spec with placeholders resolved, or why it could not be.
    private func render(_ environment: Environment, spec: Result<Node, DiagnosticList>, keepingObjects: Bool) -> Result<EnvironmentResult, DiagnosticList> {
        do throws(DiagnosticList) {
            let spec = try spec.get()
            var result = try renderEnvironment(environment, spec: spec)
            if !keepingObjects { result.rendered = nil }
            return .success(result)
        } catch {
            return .failure(DiagnosticList(error.diagnostics.map { diagnostic in
                var copy = diagnostic
                if copy.chain.isEmpty { copy.chain = environment.chainFiles }
                return copy
            }))
        }
    }

    /// A component to render: a template, or one of the components rendered from a spec section.
    private struct ComponentPlan {
        var name: String
        var settings: Node?
        var declaration: SourceLocation?
    }

    /// `spec` is the environment's spec with placeholders resolved; the environment itself
    /// (as written) is what placeholders in templates and patches look values up in.
    private func renderEnvironment(_ environment: Environment, spec: Node) throws(DiagnosticList) -> EnvironmentResult {
        let context = RenderContext(
            environment: environment.name, repositoryURL: settings.repositoryURL,
            targetRevision: settings.branch, folder: settings.folder)
        var problems: [Diagnostic] = []
        var objects: [Resource] = []
        var plans: [ComponentPlan] = []
        for entry in spec["components"]?.entries ?? [] where entry.value["enabled"]?.boolValue ?? true {
            if RenderedLayout.reservedComponentNames.contains(entry.name) || Compiler.builtInComponents.contains(entry.name) {
                let why = RenderedLayout.reservedComponentNames.contains(entry.name)
                    ? "its folder would be '\(entry.name)' of the environment's own layout"
                    : "gitopsc renders a component of that name from the \(entry.name == Compiler.operatorComponent ? "operator" : "tektonConfig") section"
                problems.append(Diagnostic.error(
                    "compile.reserved-component", "component name '\(entry.name)' is reserved: \(why)", at: entry.key.mark.location))
                continue
            }
            do {
                objects += try renderTemplate(entry.name, settings: entry.value, for: environment)
                plans.append(ComponentPlan(name: entry.name, settings: entry.value, declaration: entry.key.mark.location))
            } catch {
                problems += error.diagnostics
            }
        }
        do throws(DiagnosticList) {
            if let section = spec["operator"], section["enabled"]?.boolValue ?? true {
                objects += try listing { () throws(Diagnostic) in try OperatorManifests.render(section, context: context) }
                    .map { owned(Resource(node: $0), by: Compiler.operatorComponent) }
                plans.append(ComponentPlan(name: Compiler.operatorComponent, settings: section, declaration: section.mark.location))
            }
            if let section = spec["tektonConfig"] {
                let tektonConfig = try listing { () throws(Diagnostic) in
                    try TektonConfigManifest.render(section, operatorSyncWave: try OperatorManifests.syncWave(of: spec["operator"]), context: context)
                }
                objects.append(owned(Resource(node: tektonConfig), by: Compiler.tektonConfigComponent))
                plans.append(ComponentPlan(name: Compiler.tektonConfigComponent, settings: section, declaration: section.mark.location))
            }
            try applyPatches(environment.patches, to: &objects, for: environment)
        } catch {
            problems += error.diagnostics
        }
        problems += checkObjects(objects, environment: environment)
        if !problems.isEmpty { throw DiagnosticList(problems) }

        var byComponent: [String: [Resource]] = [:]
        for object in objects { byComponent[object.owner ?? "", default: []].append(object) }
        var components: [RenderedComponent] = []
        let root: Node
        do throws(Diagnostic) {
            // Read when first needed, so that a component's own error still comes first.
            var argocd: ArgoApplications.Settings?
            for plan in plans {
                let own = (byComponent[plan.name] ?? []).map { resource in
                    var copy = resource
                    copy.normalizeAnnotations()
                    return copy
                }
                let input = ComponentApplicationInput(
                    name: plan.name,
                    namespace: plan.settings?["namespace"]?.text ?? defaultNamespace(plan.name, spec),
                    syncWave: try ArgoApplications.syncWave(of: plan.name, settings: plan.settings),
                    path: layout.componentFolder(environment: environment.name, component: plan.name))
                if argocd == nil { argocd = try ArgoApplications.Settings(spec["argocd"]) }
                let application = try ArgoApplications.application(
                    for: input, settings: argocd!, cluster: spec["cluster"] ?? Node(.mapping([])), context: context)
                components.append(RenderedComponent(
                    name: plan.name, objects: KustomizeBuilder.sortedForOutput(own).map(\.node),
                    application: application, declaration: plan.declaration))
            }
            if argocd == nil { argocd = try ArgoApplications.Settings(spec["argocd"]) }
            root = ArgoApplications.root(settings: argocd!, context: context)
        } catch {
            throw DiagnosticList([error])
        }
        let rendered = RenderedEnvironment(
            name: environment.name, chain: environment.chainFiles, components: components, root: root, file: environment.file,
            clusterName: spec[path: ["cluster", "name"]]?.text)
        func identity(_ application: Node, component: String?, declaration: SourceLocation?) -> ApplicationIdentity {
            ApplicationIdentity(
                namespace: application[path: ["metadata", "namespace"]]?.text ?? "",
                name: application[path: ["metadata", "name"]]?.text ?? "", component: component, declaration: declaration)
        }
        return EnvironmentResult(
            name: environment.name, file: environment.file, chain: environment.chainFiles, cluster: spec["cluster"],
            objects: objects.map { ObjectIdentity(component: $0.owner ?? "", id: $0.id.objectKey, location: $0.location) },
            applications: components.map { identity($0.application, component: $0.name, declaration: $0.declaration) }
                + [identity(root, component: nil, declaration: nil)],
            rootNamespace: root[path: ["metadata", "namespace"]]?.text, files: layout.files(of: rendered, reusing: emitted), rendered: rendered)
    }

    private func defaultNamespace(_ component: String, _ spec: Node) -> String {
        switch component {
        case Compiler.operatorComponent: return spec[path: ["operator", "namespace"]]?.text ?? "openshift-operators"
        case Compiler.tektonConfigComponent: return spec[path: ["tektonConfig", "targetNamespace"]]?.text ?? "openshift-pipelines"
        default: return component
        }
    }

    /// A component's objects: its template folder (a kustomization built by the engine, or
    /// a plain folder of manifests) and its extra `resources`; then placeholders and the
    /// component's own patches.
    private func renderTemplate(_ name: String, settings: Node, for environment: Environment) throws(DiagnosticList) -> [Resource] {
        var objects: [Resource] = []
        let sources = try listing { () throws(Diagnostic) in try self.sources(of: name, settings: settings) }
        var problems: [Diagnostic] = []
        for source in sources {
            do throws(DiagnosticList) {
                objects += try resolvedObjects(at: source, for: environment)
            } catch {
                problems += error.diagnostics
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        for index in objects.indices { objects[index].owner = name }
        try applyPatches(settings["patches"]?.items ?? [], to: &objects, for: environment)
        return objects
    }

    /// Where a component's objects come from: its template folder and its extra `resources`.
    private func sources(of name: String, settings: Node) throws(Diagnostic) -> [SpecPaths.Location] {
        let templateNode = settings["template"] ?? Node.string(name, mark: settings.mark)
        let template = try paths.locate(templateNode, defaultBase: paths.root + "/templates")
        guard builder.store.files.kind(of: template.path) == .folder else {
            throw Diagnostic.error(
                "compile.missing-template",
                "template folder '\(paths.display(template.path))' of component '\(name)' not found",
                at: (settings["template"] ?? settings).mark.location)
        }
        var sources = [template]
        for entry in settings["resources"]?.items ?? [] {
            let resource = try paths.locate(entry, defaultBase: paths.root)
            guard builder.store.files.kind(of: resource.path) != nil else {
                throw Diagnostic.error(
                    "compile.missing-resource", "resource '\(paths.display(resource.path))' of component '\(name)' not found",
                    at: entry.mark.location)
            }
            sources.append(resource)
        }
        return sources
    }

    /// Builds the templates and resources that environments (their resolved `specs`) use,
    /// side by side, before any environment is rendered: otherwise the first environment to
    /// need a build makes it while the others wait for it. Problems are left for rendering
    /// to report.
    private func prepareSharedBuilds(for specs: [Node]) {
        let used = concurrentMap(specs.count) { index -> [SpecPaths.Location] in
            (specs[index]["components"]?.entries ?? []).filter { $0.value["enabled"]?.boolValue ?? true }.flatMap { entry in
                (try? self.sources(of: entry.name, settings: entry.value)) ?? []
            }
        }
        var seen: Set<String> = []
        let locations = used.joined().filter { seen.insert($0.path).inserted }
        _ = concurrentMap(locations.count) { [locations] index in try? self.sharedBuild(at: locations[index]) }
    }

    /// A template or resource path built as written, once per run.
    struct SharedBuild: Sendable {
        var objects: [Resource]
        /// Each object's node and where it holds placeholders.
        var sites: [PlaceholderSites]
        /// Whether the path is a kustomization whose objects still hold placeholders.
        var needsResolvedBuild: Bool
    }

    /// The objects of a template or resource path for one environment, placeholders
    /// resolved. Most paths are built once and resolved afterwards, object by object. A
    /// kustomization whose objects hold placeholders is built again with the environment's
    /// values resolved in every document it reads, so that generators hash, and transformers
    /// see, the resolved data: the output is what `gitopsc build` gives on the resolved folder.
    private func resolvedObjects(at location: SpecPaths.Location, for environment: Environment) throws(DiagnosticList) -> [Resource] {
        do {
            let shared = try sharedBuild(at: location)
            if !shared.needsResolvedBuild { return try substituted(shared, for: environment) }
        } catch {
            // A build that fails as written may be one that needs its placeholders resolved
            // (a placeholder in a patch target); the build below reports its own failure.
        }
        // Problems gathered inside a callback that can throw only one.
        let unresolved = Locked<[Diagnostic]>([])
        let store = SourceStore(sharing: builder.store) { document throws(Diagnostic) in
            do throws(DiagnosticList) {
                return try Placeholders.substitute(in: document, for: environment)
            } catch {
                unresolved.withValue { $0 += error.diagnostics }
                throw error.diagnostics[0]
            }
        }
        do {
            return try KustomizeBuilder(store: store).objects(at: location.path, referencedAt: location.reference)
        } catch {
            let collected = unresolved.withValue { $0 }
            throw DiagnosticList(collected.isEmpty ? [error] : collected)
        }
    }

    /// The build of a template or resource path as written, made once per run.
    private func sharedBuild(at location: SpecPaths.Location) throws(Diagnostic) -> SharedBuild {
        try templates.value(for: location.path) { () throws(Diagnostic) in
            let objects = try builder.objects(at: location.path, referencedAt: location.reference)
            // Plain manifests go through no kustomize computation: resolving after reading
            // is exact. Only a kustomization's build can depend on the resolved data.
            var needsResolvedBuild = false
            if builder.store.files.kind(of: location.path) == .folder, builder.isKustomization(location.path) {
                let images = transformsImages(location.path)
                needsResolvedBuild = objects.contains { buildDependsOnPlaceholders($0, imagesTransformed: images) }
            }
            if !needsResolvedBuild { emitted.share(objects.map(\.node)) }
            return SharedBuild(objects: objects, sites: objects.map { PlaceholderSites(of: $0.node) }, needsResolvedBuild: needsResolvedBuild)
        }
    }

    /// A shared build's objects with every placeholder resolved; every unresolved one reported.
    private func substituted(_ shared: SharedBuild, for environment: Environment) throws(DiagnosticList) -> [Resource] {
        var result = shared.objects
        var problems: [Diagnostic] = []
        for index in result.indices {
            do throws(DiagnosticList) {
                result[index].node = try Placeholders.substitute(shared.sites[index], for: environment)
            } catch {
                problems += error.diagnostics
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return result
    }

    /// Whether kustomize's computation on this object could come out differently once its
    /// placeholders are resolved: a generated object hashes its data; names, namespaces,
    /// labels and annotations identify and select objects (name references, selectors,
    /// output order); a list item's `name` is a merge key; an image is what an `images:`
    /// entry matches. A placeholder anywhere else is copied as it is, so resolving it after
    /// the build gives what a build of the resolved folder gives.
    private func buildDependsOnPlaceholders(_ object: Resource, imagesTransformed: Bool) -> Bool {
        if object.needsHashSuffix, generatedDataHoldsPlaceholder(object) { return true }
        let identity = ["apiVersion", "kind"].compactMap { object.node[$0] }
            + ["name", "namespace", "labels", "annotations"].compactMap { object.node[path: ["metadata", $0]] }
        return identity.contains(where: holdsPlaceholder) || holdsMatchedPlaceholder(object.node, images: imagesTransformed)
    }

    /// A `name` of a list item, or (with `images`) an `image`, holding a placeholder.
    private func holdsMatchedPlaceholder(_ node: Node, images: Bool) -> Bool {
        switch node.content {
        case .scalar: return false
        case .sequence(let items):
            return items.contains { item in
                (item["name"]?.text.map(Placeholders.mentionsPlaceholder) ?? false) || holdsMatchedPlaceholder(item, images: images)
            }
        case .mapping(let entries):
            return entries.contains { entry in
                (images && entry.name == "image" && entry.value.text.map(Placeholders.mentionsPlaceholder) == true) || holdsMatchedPlaceholder(entry.value, images: images)
            }
        }
    }

    /// A generator's output: its data, base64-decoded for a Secret (a secret generator
    /// encodes what it reads).
    private func generatedDataHoldsPlaceholder(_ object: Resource) -> Bool {
        if holdsPlaceholder(object.node) { return true }
        guard object.gvk.kind == "Secret", let entries = object.node["data"]?.entries else { return false }
        return entries.contains { entry in
            entry.value.text.flatMap { Data(base64Encoded: $0) }.map { Placeholders.mentionsPlaceholder(String(decoding: $0, as: UTF8.self)) } ?? false
        }
    }

    private func holdsPlaceholder(_ node: Node) -> Bool {
        switch node.content {
        case .scalar(let scalar): return Placeholders.mentionsPlaceholder(scalar.value)
        case .sequence(let items): return items.contains(where: holdsPlaceholder)
        case .mapping(let entries): return entries.contains { holdsPlaceholder($0.key) || holdsPlaceholder($0.value) }
        }
    }

    /// Whether a kustomization folder's own file has an `images:` field (the transformer
    /// that matches image names).
    private func transformsImages(_ folder: String) -> Bool {
        Kustomization.fileNames.contains { name in
            (try? builder.store.documents(at: folder + "/" + name))?.contains { $0["images"] != nil } ?? false
        }
    }

    /// Environment and component patches are strict: a patch that selects nothing is an
    /// error. Placeholders are resolved in them; turned-off patches are skipped.
    private func applyPatches(_ patches: [Node], to objects: inout [Resource], for environment: Environment) throws(DiagnosticList) {
        for var patch in patches where patch["enabled"]?.boolValue ?? true {
            patch["name"] = nil
            patch["enabled"] = nil
            var unresolved: [Diagnostic] = []
            do throws(Diagnostic) {
                var root = paths.root
                if let file = patch["path"] {
                    let location = try paths.locate(file, defaultBase: paths.root)
                    root = location.base
                    patch["path"] = Node.string(location.relative, mark: file.mark)
                }
                let selected = try builder.applyPatch(patch, root: root, strict: true, prepare: { document throws(Diagnostic) in
                    do throws(DiagnosticList) {
                        return try Placeholders.substitute(in: document, for: environment)
                    } catch {
                        // The engine reports one problem; keep them all for the report.
                        unresolved = error.diagnostics
                        throw error.diagnostics[0]
                    }
                }, to: &objects)
                if selected == 0 {
                    throw Diagnostic.error("compile.patch-matches-nothing", "patch target matches no rendered object", at: patch.mark.location)
                }
            } catch {
                throw DiagnosticList(unresolved.isEmpty ? [error] : unresolved)
            }
        }
    }

    /// Checks over all objects of an environment: no object rendered twice, no plaintext Secret.
    private func checkObjects(_ objects: [Resource], environment: Environment) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        var seen: [ResId.ObjectKey: String] = [:]
        seen.reserveCapacity(objects.count)
        let allowPlaintext = environment.spec[path: ["secrets", "allowPlaintext"]]?.boolValue ?? false
        for object in objects {
            let component = object.owner ?? ""
            // Read once: each read walks the object's node.
            let id = object.id
            if let other = seen.updateValue(component, forKey: id.objectKey) {
                problems.append(Diagnostic.error(
                    "compile.duplicate-object",
                    "\(id) is rendered by both components '\(other)' and '\(component)'",
                    at: object.location))
            }
            if id.gvk.kind == "Secret", id.gvk.group.isEmpty, !allowPlaintext,
               hasContent(object.node["data"]) || hasContent(object.node["stringData"]) {
                problems.append(Diagnostic.error(
                    "compile.plaintext-secret",
                    "Secret '\(object.name)' of component '\(component)' has plaintext data; use a sealed or external secret, or set secrets.allowPlaintext",
                    at: object.location))
            }
        }
        return problems
    }

    /// Whether a Secret field carries anything: an empty mapping or null does not; a
    /// non-empty mapping, and any other value (which the API server would refuse, and
    /// which must not slip past the plaintext check), does.
    private func hasContent(_ field: Node?) -> Bool {
        guard let field, !field.isNull else { return false }
        return field.entries.map { !$0.isEmpty } ?? true
    }

    private func owned(_ resource: Resource, by component: String) -> Resource {
        var copy = resource
        copy.owner = component
        return copy
    }
}

/// Runs a step that fails with one diagnostic where a list is expected.
func listing<Value>(_ body: () throws(Diagnostic) -> Value) throws(DiagnosticList) -> Value {
    do {
        return try body()
    } catch {
        throw DiagnosticList([error])
    }
}
