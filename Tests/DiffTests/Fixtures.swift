import Diff

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

    /// A tree with the given environments, each holding `manifests` in component `tekton`.
    static func tree(_ environments: [String: [String]], apps: [String: String] = [:]) -> [String: String] {
        var tree = ["\(folder)/.gitopsc/manifest.json": "{\"paths\": \(environments.count)}"]
        for (environment, manifests) in environments {
            tree["\(folder)/\(environment)/root.yaml"] = root(environment)
            tree["\(folder)/\(environment)/tekton/manifest.yaml"] = manifests.joined(separator: "\n---\n")
            if let app = apps[environment] {
                tree["\(folder)/\(environment)/apps/tekton.yaml"] = app
            }
        }
        return tree
    }

    static func key(_ group: String, _ kind: String, _ namespace: String, _ name: String) -> ObjectKey {
        ObjectKey(group: group, kind: kind, namespace: namespace, name: name)
    }
}
