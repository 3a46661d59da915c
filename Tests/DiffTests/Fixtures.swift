import Diagnostics
import Diff
import YAML

/// Small rendered trees, written as `gitopsc compile` lays them out.
enum Fixture {
    static let folder = "clusters"

    static func root(_ environment: String) -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: \(environment.replacingOccurrences(of: "/", with: "-"))-root
          namespace: openshift-gitops
          finalizers: [resources-finalizer.argocd.argoproj.io]
        spec:
          project: default
          destination:
            server: https://kubernetes.default.svc
            namespace: openshift-gitops
          source:
            repoURL: https://example.com/gitops.git
            targetRevision: main
            path: clusters/\(environment)/apps
          syncPolicy:
            automated: {prune: true, selfHeal: true}
            syncOptions: [CreateNamespace=true]
        """
    }

    static func application(_ component: String, server: String, labels: String = "", wave: String = "1") -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: \(component)
          namespace: openshift-gitops
          annotations:
            argocd.argoproj.io/sync-wave: "\(wave)"
        \(labels)
        spec:
          project: default
          destination:
            server: \(server)
            namespace: \(component)
          source:
            repoURL: https://example.com/gitops.git
            path: clusters/env/\(component)
          syncPolicy:
            automated:
              prune: true
              selfHeal: true
        """
    }

    static func deployment(
        replicas: Int = 1, image: String = "quay.io/tekton/manager:1.0",
        args: [String] = ["--a", "--b", "--c"], sidecarEnv: String = ""
    ) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: manager
          namespace: tekton
        spec:
          replicas: \(replicas)
          template:
            spec:
              containers:
              - name: manager
                image: \(image)
                args: [\(args.map { "\"\($0)\"" }.joined(separator: ", "))]
                ports:
                - containerPort: 8080
                  name: http
              - name: sidecar
                image: quay.io/tekton/sidecar:1.0
                env:
                - name: MODE
                  value: fast
        \(sidecarEnv)
        """
    }

    static func configMap(_ name: String, level: String = "info", extra: String = "") -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: \(name)
          namespace: tekton
        data:
          level: \(level)
          region: eu
          retention: "30d"
          owner: platform
        \(extra)
        """
    }

    /// Environments (name -> files) holding `manifests` in component `tekton`, laid out as
    /// `gitopsc compile` writes them.
    static func tree(_ environments: [String: [String]], apps: [String: String] = [:]) -> [String: [String: String]] {
        var tree: [String: [String: String]] = [:]
        for (environment, manifests) in environments {
            var files = ["\(folder)/\(environment)/root.yaml": root(environment)]
            files["\(folder)/\(environment)/tekton/manifest.yaml"] = manifests.joined(separator: "\n---\n")
            if let app = apps[environment] {
                files["\(folder)/\(environment)/apps/tekton.yaml"] = app
            }
            tree[environment] = files
        }
        return tree
    }

    /// The objects of each environment's files.
    static func objects(_ tree: [String: [String: String]]) throws(Diagnostic) -> [String: [Node]] {
        var objects: [String: [Node]] = [:]
        for (environment, files) in tree {
            objects[environment] = try TreeDiffer.objects(parsing: files)
        }
        return objects
    }

    static func diff(old: [String: [String: String]], new: [String: [String: String]], ignore: [String] = []) throws(Diagnostic) -> TreeDiff {
        try TreeDiffer.diff(old: try objects(old), new: try objects(new), ignore: ignore)
    }

    static func diffEnvironments(_ tree: [String: [String: String]], _ a: String, _ b: String, ignore: [String] = []) throws(Diagnostic) -> TreeDiff {
        let objects = try objects(tree)
        return try TreeDiffer.diffEnvironments((a, objects[a] ?? []), (b, objects[b] ?? []), ignore: ignore)
    }

    static func key(_ group: String, _ kind: String, _ namespace: String, _ name: String) -> ObjectKey {
        ObjectKey(group: group, kind: kind, namespace: namespace, name: name)
    }
}
