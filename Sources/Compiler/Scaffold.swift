import Diagnostics
import Environments
import FileSources
import FoundationEssentials

/// What `gitopsc init` writes: a small project that compiles as it is, laid out for the
/// recommended workflow (sources on the main branch, the rendered tree published by CI to
/// the `rendered` branch, `out/` a local preview that git ignores).
public enum Scaffold {
    /// Where editors find the environment JSON Schema, relative to the project root.
    public static let schemaPath = "schema/environment.schema.json"

    /// Path (relative to the project root) -> contents.
    public static var files: [String: String] {
        var files: [String: String] = [
            ProjectSettings.fileName: settings,
            "templates/web/kustomization.yaml": kustomization,
            "templates/web/deployment.yaml": deployment,
            "templates/web/service.yaml": service,
            ".pre-commit-config.yaml": preCommit,
            ".gitignore": "# gitopsc compile's local preview; CI publishes the rendered tree to a branch.\n/out/\n",
            schemaPath: EnvironmentSchema.jsonSchemaText(),
        ]
        for (name, body) in environments {
            files["environments/\(name).yaml"] = schemaHint(forEnvironment: name) + body
        }
        return files
    }

    /// The yaml-language-server modeline of an environment file: a path relative to the file,
    /// so that it resolves in the user's repository whatever its depth.
    static func schemaHint(forEnvironment name: String) -> String {
        let depth = name.split(separator: "/").count   // environments/ plus the folders of the name
        return "# yaml-language-server: $schema=\(String(repeating: "../", count: depth))\(schemaPath)\n"
    }

    /// Writes the scaffold below `root` (created when missing). Nothing is written when any
    /// of its files exists already: each one is reported, and the folder is left as it was.
    public static func write(to root: String, displayBase: String) throws(DiagnosticList) -> [String] {
        let files = self.files
        let existing = files.keys.sorted().filter { FileManager.default.fileExists(atPath: root + "/" + $0) }
        if !existing.isEmpty {
            throw DiagnosticList(existing.map { path in
                Diagnostic.error("init.exists", "'\(displayPath(root + "/" + path, base: displayBase))' exists already; gitopsc init never overwrites a file (nothing was written)")
            })
        }
        var written: [String] = []
        do throws(SystemError) {
            for path in files.keys.sorted() {
                let full = root + "/" + path
                try LocalWrites.makeFolders(parentFolder(of: full))
                // create, not replace: a file that appeared since the check above is kept.
                try LocalWrites.create(full, with: files[path]!)
                written.append(path)
            }
        } catch {
            for path in written { try? FileManager.default.removeItem(atPath: root + "/" + path) }
            throw DiagnosticList([Diagnostic.error(
                "init.write", "cannot write the scaffold into '\(displayPath(root, base: displayBase))': \(error) (nothing was kept)")])
        }
        return written
    }

    private static let settings = """
        # gitopsc settings. Argo CD reads the rendered tree from `folder` of `branch` in the
        # repository at `url`: set url to this repository's.
        repository:
          url: https://git.example.com/platform/gitops.git
          branch: rendered
          folder: clusters
        # `gitopsc compile` writes a local preview here (ignored by git).
        output: out

        """

    private static let environments: [(String, String)] = [
        ("base", """
            # Shared by every cluster. Abstract: a layer, never rendered on its own.
            abstract: true
            description: Defaults for every cluster
            argocd:
              project: default
            components:
              web:
                namespace: web
                syncWave: 0
            values:
              replicas: 1
              image: registry.example.com/platform/web:1.0.0
              # Resolved for each cluster: `gitopsc explain --resolved ENV values.hostname`.
              hostname: web.${cluster.name}.example.com

            """),
        ("staging", """
            extends: base
            abstract: true
            description: Staging clusters

            """),
        ("staging/stg-1", """
            extends: staging
            cluster:
              name: stg-1
              server: https://api.stg-1.example.com:6443

            """),
        ("production", """
            extends: base
            abstract: true
            description: Production clusters
            values:
              replicas: 3

            """),
        ("production/ring-1", """
            # Roll-out ring 1: the clusters that take a change first, together.
            extends: production
            abstract: true
            description: Production ring 1
            values:
              ring: ring-1

            """),
        ("production/prd-1", """
            extends: production/ring-1
            cluster:
              name: prd-1
              server: https://api.prd-1.example.com:6443

            """),
        ("production/prd-2", """
            extends: production/ring-1
            cluster:
              name: prd-2
              server: https://api.prd-2.example.com:6443

            """),
    ]

    private static let kustomization = """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        labels:
        - pairs:
            app.kubernetes.io/part-of: web
          includeSelectors: false
        resources:
        - deployment.yaml
        - service.yaml

        """

    private static let deployment = """
        # ${...} placeholders take each environment's values (see `gitopsc explain ENV values.replicas`).
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: ${values.replicas}
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: ${values.image}
                ports:
                - containerPort: 8080
                env:
                - name: CLUSTER
                  value: ${cluster.name}
                - name: PUBLIC_HOSTNAME
                  value: ${values.hostname}

        """

    private static let service = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector:
            app: web
          ports:
          - port: 80
            targetPort: 8080

        """

    private static let preCommit = """
        # The pre-commit framework (https://pre-commit.com): `pre-commit install` once per clone.
        # This project publishes the rendered tree to a branch (CI: gitopsc publish --push), so the
        # hook compiles every environment, which fails on any error, and refreshes the ignored
        # out/ preview; it needs gitopsc on PATH. A project that commits its rendered output
        # instead uses `entry: gitopsc check` (see gitopsc's README, "Which layout").
        repos:
        - repo: local
          hooks:
          - id: gitopsc-compile
            name: gitopsc compile
            entry: gitopsc compile
            language: system
            pass_filenames: false
            always_run: true

        """
}
