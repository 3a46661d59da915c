import Diagnostics
import Environments
import FileSources
import Foundation
import Kustomize
import Manifests
import YAML


/// Environment specs and templates -> the rendered tree Argo CD reads.
public final class Compiler: Sendable {
    /// Components gitopsc renders itself from spec sections rather than from templates.
    public static let operatorComponent = "openshift-pipelines-operator"
    public static let tektonConfigComponent = "tektonconfig"
    /// Marks which component an object came from while environment patches run.
    static let componentAnnotation = "internal.gitopsc.dev/component"

    public let root: String
    public let settings: ProjectSettings
    let builder: KustomizeBuilder
    let displayBase: String
    let paths: SpecPaths
    /// Template and resource objects before placeholders: the same for every environment,
    /// built once.
    private let templates = Memo<[Resource]>()

    /// Sources are read from `files`: the working tree by default, or a snapshot of a
    /// revision mounted at `root`.
    public init(root: String, displayBase: String = FileManager.default.currentDirectoryPath, files: any FileSource = LocalFiles()) throws(Diagnostic) {
        self.root = root
        self.displayBase = displayBase
        builder = KustomizeBuilder(store: SourceStore(displayBase: displayBase, files: files))
        settings = try ProjectSettings.load(root: root, displayBase: displayBase, files: files)
        paths = SpecPaths(root: URL(fileURLWithPath: root).standardizedFileURL.path, templateRoots: settings.templateRoots, files: files)
    }

    /// Compiles the named environments (all concrete ones when empty), reporting every
    /// problem of every environment together.
    public func compile(_ names: [String] = []) throws(DiagnosticList) -> RenderedTree {
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
        let concrete = selected
        let results = Slots(count: concrete.count)
        DispatchQueue.concurrentPerform(iterations: concrete.count) { index in
            results.set(index, render(concrete[index]))
        }
        var files: [String: String] = [:]
        var problems: [Diagnostic] = []
        for result in results.values {
            switch result {
            case .success(let rendered): files.merge(rendered) { first, _ in first }
            case .failure(let list): problems += list.diagnostics
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        let names = selected.map(\.name)
        files[OwnershipManifest.path(in: settings.folder)] = OwnershipManifest(paths: files.keys.sorted(), environments: names).json
        return RenderedTree(folder: settings.folder, files: files, environments: names)
    }

    // MARK: One environment

    private func render(_ environment: Environment) -> Result<[String: String], DiagnosticList> {
        do throws(DiagnosticList) {
            let spec: Node
            do {
                spec = try Placeholders.resolvedSpec(of: environment)
            } catch {
                throw DiagnosticList([error])
            }
            return .success(try renderEnvironment(environment, spec: spec))
        } catch {
            return .failure(DiagnosticList(error.diagnostics.map { diagnostic in
                var copy = diagnostic
                if copy.chain.isEmpty { copy.chain = environment.chainFiles }
                return copy
            }))
        }
    }

    /// `spec` is the environment's spec with placeholders resolved; the environment itself
    /// (as written) is what placeholders in templates and patches look values up in.
    private func renderEnvironment(_ environment: Environment, spec: Node) throws(DiagnosticList) -> [String: String] {
        let context = RenderContext(
            environment: environment.name, repositoryURL: settings.repositoryURL,
            targetRevision: settings.branch, folder: settings.folder)
        var problems: [Diagnostic] = []
        var objects: [Resource] = []
        var components: [(name: String, settings: Node?)] = []
        for entry in spec["components"]?.entries ?? [] where entry.value["enabled"]?.text != "false" {
            do {
                objects += try renderTemplate(entry.name, settings: entry.value, for: environment)
                components.append((entry.name, entry.value))
            } catch {
                problems.append(error)
            }
        }
        do {
            if let section = spec["operator"], section["enabled"]?.text != "false" {
                objects += try OperatorManifests.render(section, context: context).map { tagged(Resource(node: $0), Compiler.operatorComponent) }
                components.append((Compiler.operatorComponent, section))
            }
            if let section = spec["tektonConfig"] {
                let wave = try OperatorManifests.syncWave(of: spec["operator"])
                let tektonConfig = try TektonConfigManifest.render(section, operatorSyncWave: wave, context: context)
                objects.append(tagged(Resource(node: tektonConfig), Compiler.tektonConfigComponent))
                components.append((Compiler.tektonConfigComponent, section))
            }
            try applyPatches(environment.patches, to: &objects, for: environment)
        } catch {
            problems.append(error)
        }
        problems += checkObjects(objects, environment: environment)
        if !problems.isEmpty { throw DiagnosticList(problems) }

        var files: [String: String] = [:]
        let base = "\(settings.folder)/\(environment.name)"
        do {
            for component in components {
                let own = objects.filter { $0.annotations[Compiler.componentAnnotation] == component.name }.map(untagged)
                files["\(base)/\(component.name)/manifest.yaml"] = YAMLEmitter.emitStream(KustomizeBuilder.sortedForOutput(own).map(\.node))
                let input = ComponentApplicationInput(
                    name: component.name,
                    namespace: component.settings?["namespace"]?.text ?? defaultNamespace(component.name, spec),
                    syncWave: try ArgoApplications.syncWave(of: component.name, settings: component.settings),
                    path: "\(base)/\(component.name)")
                let application = try ArgoApplications.application(
                    for: input, argocd: spec["argocd"], cluster: spec["cluster"] ?? Node(.mapping([])), context: context)
                files["\(base)/apps/\(component.name).yaml"] = YAMLEmitter.emit(application)
            }
            files["\(base)/root.yaml"] = YAMLEmitter.emit(try ArgoApplications.root(argocd: spec["argocd"], context: context))
        } catch {
            throw DiagnosticList([error])
        }
        return files
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
    private func renderTemplate(_ name: String, settings: Node, for environment: Environment) throws(Diagnostic) -> [Resource] {
        let templateNode = settings["template"] ?? Node.string(name, mark: settings.mark)
        let template = try paths.locate(templateNode, defaultBase: paths.root + "/templates")
        guard builder.store.files.kind(of: template.path) == .folder else {
            throw Diagnostic.error(
                "compile.missing-template",
                "template folder '\(paths.display(template.path))' of component '\(name)' not found",
                at: (settings["template"] ?? settings).mark.location)
        }
        var objects = try sourceObjects(at: template.path)
        for entry in settings["resources"]?.items ?? [] {
            let resource = try paths.locate(entry, defaultBase: paths.root)
            guard builder.store.files.kind(of: resource.path) != nil else {
                throw Diagnostic.error(
                    "compile.missing-resource", "resource '\(paths.display(resource.path))' of component '\(name)' not found",
                    at: entry.mark.location)
            }
            objects += try sourceObjects(at: resource.path)
        }
        for index in objects.indices {
            objects[index].node = try Placeholders.substitute(in: objects[index].node, for: environment)
            objects[index] = tagged(objects[index], name)
        }
        try applyPatches(settings["patches"]?.items ?? [], to: &objects, for: environment)
        return objects
    }

    private func sourceObjects(at path: String) throws(Diagnostic) -> [Resource] {
        try templates.value(for: path) { () throws(Diagnostic) in try builder.objects(at: path) }
    }

    /// Environment and component patches are strict: a patch that selects nothing is an
    /// error. Placeholders are resolved in them; turned-off patches are skipped.
    private func applyPatches(_ patches: [Node], to objects: inout [Resource], for environment: Environment) throws(Diagnostic) {
        for var patch in patches where patch["enabled"]?.text != "false" {
            patch["name"] = nil
            patch["enabled"] = nil
            var root = paths.root
            if let file = patch["path"] {
                let location = try paths.locate(file, defaultBase: paths.root)
                root = location.base
                patch["path"] = Node.string(location.relative, mark: file.mark)
            }
            let selected = try builder.applyPatch(patch, root: root, strict: true, prepare: { document throws(Diagnostic) in
                try Placeholders.substitute(in: document, for: environment)
            }, to: &objects)
            if selected == 0 {
                throw Diagnostic.error("compile.patch-matches-nothing", "patch target matches no rendered object", at: patch.mark.location)
            }
        }
    }

    /// Checks over all objects of an environment: no object rendered twice, no plaintext Secret.
    private func checkObjects(_ objects: [Resource], environment: Environment) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        var seen: [ResId.ObjectKey: String] = [:]
        let allowPlaintext = environment.spec[path: ["secrets", "allowPlaintext"]]?.text == "true"
        for object in objects {
            let component = object.annotations[Compiler.componentAnnotation] ?? ""
            if let other = seen.updateValue(component, forKey: object.id.objectKey) {
                problems.append(Diagnostic.error(
                    "compile.duplicate-object",
                    "\(object.id) is rendered by both components '\(other)' and '\(component)'",
                    at: object.location))
            }
            if object.gvk.kind == "Secret", object.gvk.group.isEmpty, !allowPlaintext,
               object.node["data"]?.entries?.isEmpty == false || object.node["stringData"]?.entries?.isEmpty == false {
                problems.append(Diagnostic.error(
                    "compile.plaintext-secret",
                    "Secret '\(object.name)' of component '\(component)' has plaintext data; use a sealed or external secret, or set secrets.allowPlaintext",
                    at: object.location))
            }
        }
        return problems
    }

    private func tagged(_ resource: Resource, _ component: String) -> Resource {
        var copy = resource
        copy.node.set(["metadata", "annotations", Compiler.componentAnnotation], to: .string(component))
        return copy
    }

    private func untagged(_ resource: Resource) -> Resource {
        var copy = resource
        if var annotations = copy.node[path: ["metadata", "annotations"]] {
            annotations[Compiler.componentAnnotation] = nil
            copy.node.set(["metadata", "annotations"], to: annotations)
        }
        copy.normalizeAnnotations()
        return copy
    }
}

/// Fixed slots written from concurrent work, one per environment.
private final class Slots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<[String: String], DiagnosticList>?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ value: Result<[String: String], DiagnosticList>) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [Result<[String: String], DiagnosticList>] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
