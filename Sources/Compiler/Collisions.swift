import Diagnostics
import Environments
import Kustomize
import YAML

/// Checks across environments: what no single environment can see wrong, but two
/// environments together would silently overwrite (a folder, an Application, a cluster).
enum Collisions {
    static func problems(in rendered: [Compiler.EnvironmentResult], all: [Environment], layout: RenderedLayout) -> [Diagnostic] {
        nesting(all.filter { !$0.isAbstract }, layout: layout)
            + applicationNames(rendered)
            + destinations(rendered)
    }

    private static func start(of file: String) -> SourceLocation {
        SourceLocation(file: file, line: 1, column: 1)
    }

    /// A concrete environment's folder may not hold another's: its component folders and
    /// the other's files would share paths, and no path could name its environment.
    private static func nesting(_ concrete: [Environment], layout: RenderedLayout) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        // Positions, not copies: an environment is large, and most names hold no `/`.
        let byName = Dictionary(concrete.indices.map { (concrete[$0].name, $0) }) { first, _ in first }
        for index in concrete.indices where concrete[index].name.utf8.contains(UInt8(ascii: "/")) {
            let inner = concrete[index]
            // Folders nest at `/` bytes, as the file system splits paths.
            var folder = Substring(inner.name)
            while let slash = folder.utf8.lastIndex(of: UInt8(ascii: "/")) {
                folder = folder[..<slash]
                guard let outer = byName[String(folder)].map({ concrete[$0] }) else { continue }
                problems.append(Diagnostic.error(
                    "compile.nested-environment",
                    "environment '\(inner.name)' would be rendered inside '\(layout.environmentFolder(outer.name))', the folder of concrete environment '\(outer.name)' (\(outer.file)); make '\(outer.name)' abstract or rename one of them",
                    at: start(of: inner.file)))
            }
        }
        return problems
    }

    /// Argo CD Applications are named after environment and component in one namespace, so
    /// different names can map to the same Application (`production/prod-east` and
    /// `production-prod/east`; a component named `root`).
    private static func applicationNames(_ rendered: [Compiler.EnvironmentResult]) -> [Diagnostic] {
        struct Owner { var environment: String; var file: String; var component: String? }
        func description(_ owner: Owner) -> String {
            let environment = "environment '\(owner.environment)' (\(owner.file))"
            guard let component = owner.component else { return "the root Application of \(environment)" }
            return "component '\(component)' of \(environment)"
        }
        struct Key: Hashable { var namespace: String; var name: String }
        var owners: [Key: Owner] = [:]
        owners.reserveCapacity(rendered.reduce(0) { $0 + $1.applications.count })
        var problems: [Diagnostic] = []
        // Each result's fields are read in place: copying whole results cost more than the check.
        for index in rendered.indices {
            for application in rendered[index].applications {
                let environment = (name: rendered[index].name, file: rendered[index].file)
                let owner = Owner(environment: environment.name, file: environment.file, component: application.component)
                let key = Key(namespace: application.namespace, name: application.name)
                if let first = owners[key] {
                    problems.append(Diagnostic.error(
                        "compile.application-name-collision",
                        "Argo CD Application '\(application.name)' in namespace '\(application.namespace)' of \(description(owner)) has the same name as that of \(description(first)); rename an environment or component",
                        at: application.component == nil ? start(of: environment.file) : application.declaration))
                } else {
                    owners[key] = owner
                }
            }
        }
        return problems
    }

    /// Two environments deploying to one cluster would fight over its objects, unless both
    /// say they share it on purpose (`cluster.shared: true`) and deploy disjoint objects.
    private static func destinations(_ rendered: [Compiler.EnvironmentResult]) -> [Diagnostic] {
        // Positions in `rendered`: a result is large, and copying one is not free.
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for index in rendered.indices {
            guard let key = destinationKey(rendered[index].cluster) else { continue }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        var problems: [Diagnostic] = []
        for key in order {
            let group = groups[key]!.map { rendered[$0] }
            guard group.count > 1 else { continue }
            let first = group[0]
            if !group.allSatisfy({ $0.cluster?["shared"]?.boolValue == true }) {
                for other in group.dropFirst() {
                    problems.append(Diagnostic.error(
                        "compile.shared-cluster",
                        "environments '\(first.name)' and '\(other.name)' both deploy to cluster \(key) (\(location(of: first))); environments that share a cluster on purpose set cluster.shared: true, and then may not deploy the same object",
                        at: other.cluster?.mark.location ?? start(of: other.file)))
                }
                continue
            }
            var owners: [ResId.ObjectKey: (environment: String, component: String)] = [:]
            for result in group {
                for object in result.objects {
                    if let owner = owners[object.id], owner.environment != result.name {
                        problems.append(Diagnostic.error(
                            "compile.shared-cluster-object",
                            "environments '\(owner.environment)' (component '\(owner.component)') and '\(result.name)' (component '\(object.component)') share cluster \(key) and both deploy \(object.id.description)",
                            at: object.location))
                    } else {
                        owners[object.id] = (result.name, object.component)
                    }
                }
            }
        }
        return problems
    }

    private static func location(of result: Compiler.EnvironmentResult) -> String {
        (result.cluster?.mark.location ?? start(of: result.file)).description
    }

    /// `server <url>` or `argocdName <name>`; a trailing `/` does not make another server.
    private static func destinationKey(_ cluster: Node?) -> String? {
        if var server = cluster?["server"]?.text {
            while server.hasSuffix("/") { server.removeLast() }
            return "server '\(server)'"
        }
        return cluster?["argocdName"]?.text.map { "argocdName '\($0)'" }
    }
}
