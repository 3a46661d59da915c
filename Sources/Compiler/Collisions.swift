import Diagnostics
import Environments
import Kustomize
import YAML

/// Checks across environments: what no single environment can see wrong, but two
/// environments together would silently overwrite (a folder, an Application, a cluster).
enum Collisions {
    static func problems(in rendered: [Compiler.EnvironmentResult], all: [Environment], layout: RenderedLayout) -> [Diagnostic] {
        nesting(all.filter { !$0.isAbstract }, layout: layout)
            + applicationNames(rendered.map(\.environment))
            + destinations(rendered)
    }

    private static func start(of file: String) -> SourceLocation {
        SourceLocation(file: file, line: 1, column: 1)
    }

    /// A concrete environment's folder may not hold another's: its component folders and
    /// the other's files would share paths, and no path could name its environment.
    private static func nesting(_ concrete: [Environment], layout: RenderedLayout) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let byName = Dictionary(concrete.map { ($0.name, $0) }) { first, _ in first }
        for inner in concrete {
            var folder = Substring(inner.name)
            while let slash = folder.lastIndex(of: "/") {
                folder = folder[..<slash]
                guard let outer = byName[String(folder)] else { continue }
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
    private static func applicationNames(_ environments: [RenderedEnvironment]) -> [Diagnostic] {
        struct Owner { var description: String; var location: SourceLocation? }
        var owners: [String: Owner] = [:]
        var problems: [Diagnostic] = []
        for environment in environments {
            let applications = environment.components.map { component in
                (component.application, Owner(description: "component '\(component.name)' of environment '\(environment.name)' (\(environment.file))", location: component.declaration))
            } + [(environment.root, Owner(description: "the root Application of environment '\(environment.name)' (\(environment.file))", location: start(of: environment.file)))]
            for (application, owner) in applications {
                let name = application[path: ["metadata", "name"]]?.text ?? ""
                let namespace = application[path: ["metadata", "namespace"]]?.text ?? ""
                let key = namespace + "/" + name
                if let first = owners[key] {
                    problems.append(Diagnostic.error(
                        "compile.application-name-collision",
                        "Argo CD Application '\(name)' in namespace '\(namespace)' of \(owner.description) has the same name as that of \(first.description); rename an environment or component",
                        at: owner.location))
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
        var groups: [String: [Compiler.EnvironmentResult]] = [:]
        var order: [String] = []
        for result in rendered {
            guard let key = destinationKey(result.cluster) else { continue }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(result)
        }
        var problems: [Diagnostic] = []
        for key in order {
            let group = groups[key]!
            guard group.count > 1 else { continue }
            let first = group[0]
            if !group.allSatisfy({ $0.cluster?["shared"]?.boolValue == true }) {
                for other in group.dropFirst() {
                    problems.append(Diagnostic.error(
                        "compile.shared-cluster",
                        "environments '\(first.environment.name)' and '\(other.environment.name)' both deploy to cluster \(key) (\(location(of: first))); environments that share a cluster on purpose set cluster.shared: true, and then may not deploy the same object",
                        at: other.cluster?.mark.location ?? start(of: other.environment.file)))
                }
                continue
            }
            var owners: [ResId.ObjectKey: (environment: String, component: String)] = [:]
            for result in group {
                for object in result.objects {
                    if let owner = owners[object.id], owner.environment != result.environment.name {
                        problems.append(Diagnostic.error(
                            "compile.shared-cluster-object",
                            "environments '\(owner.environment)' (component '\(owner.component)') and '\(result.environment.name)' (component '\(object.component)') share cluster \(key) and both deploy \(object.id.description)",
                            at: object.location))
                    } else {
                        owners[object.id] = (result.environment.name, object.component)
                    }
                }
            }
        }
        return problems
    }

    private static func location(of result: Compiler.EnvironmentResult) -> String {
        (result.cluster?.mark.location ?? start(of: result.environment.file)).description
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
