import Foundation
import ProcessRunner
import Testing

/// gitopsc run as `kustomize` (a link named so), with the command lines Argo CD's
/// repo-server runs, compared with `kubectl kustomize`.
@Suite(.enabled(if: gitopscBinary != nil && Oracles.executable("kubectl") != nil, "needs the gitopsc binary and kubectl"))
struct KustomizeDropInTests {
    /// A folder holding a `kustomize` link to gitopsc.
    static let link: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-kustomize-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let link = folder.appendingPathComponent("kustomize")
        try? FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: gitopscBinary!.path)
        return link
    }()

    func kustomize(_ arguments: [String], in folder: URL) throws -> ProcessResult {
        try runProcess(KustomizeDropInTests.link.path, arguments, in: folder, environment: ["NO_COLOR": "1"])
    }

    func kubectl(_ arguments: [String], in folder: URL) throws -> ProcessResult {
        try runProcess(Oracles.executable("kubectl")!, ["kustomize"] + arguments, in: folder)
    }

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web}
        spec:
          replicas: 1
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: main
                image: registry.example/web:1.0
              - name: cache
                image: redis

        """

    @Test func versionIsTheKustomizeReleaseItReproduces() throws {
        let result = try kustomize(["version"], in: FileManager.default.temporaryDirectory)
        #expect(result.status == 0)
        #expect(result.stdout == "v5.5.0\n")
        #expect(try kustomize(["version", "--short"], in: FileManager.default.temporaryDirectory).stdout == "v5.5.0\n")
    }

    /// The program's own name decides, not its folder's: a link named `kustomize-v5` is the
    /// drop-in, gitopsc in a folder named `kustomize` is gitopsc.
    @Test func theLastNameOfTheCommandDecides() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-names-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let inside = folder.appendingPathComponent("kustomize")
        try FileManager.default.createDirectory(at: inside, withIntermediateDirectories: true)
        let versioned = folder.appendingPathComponent("kustomize-v5")
        try FileManager.default.createSymbolicLink(atPath: versioned.path, withDestinationPath: gitopscBinary!.path)
        let plain = inside.appendingPathComponent("gitopsc")
        try FileManager.default.createSymbolicLink(atPath: plain.path, withDestinationPath: gitopscBinary!.path)
        #expect(try runProcess(versioned.path, ["version"], in: folder).stdout == "v5.5.0\n")
        let gitopsc = try runProcess(plain.path, ["--version"], in: folder)
        #expect(gitopsc.status == 0 && gitopsc.stdout.hasPrefix("gitopsc "), "\(gitopsc.output)")
    }

    @Test func buildWithArgoBuildOptionsMatchesKubectl() throws {
        let root = try temporaryFolder([
            "shared/deployment.yaml": KustomizeDropInTests.deployment,
            "app/kustomization.yaml": "resources: [../shared/deployment.yaml]\nnamePrefix: argo-\n",
        ])
        let options = ["--load-restrictor", "LoadRestrictionsNone"]
        let ours = try kustomize(["build", root.appendingPathComponent("app").path] + options, in: root)
        let theirs = try kubectl([root.appendingPathComponent("app").path] + options, in: root)
        #expect(theirs.status == 0)
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(ours.stdout == theirs.stdout)
        // Without the option, the file outside the kustomization is refused by both.
        #expect(try kustomize(["build", "app"], in: root).status != 0)
        #expect(try kubectl(["app"], in: root).status != 0)
    }

    @Test func managedByLabelNamesTheKustomizeVersion() throws {
        let root = try temporaryFolder([
            "app/kustomization.yaml": "resources: [deployment.yaml]\n",
            "app/deployment.yaml": KustomizeDropInTests.deployment,
        ])
        let result = try kustomize(["build", "app", "--enable-managedby-label"], in: root)
        #expect(result.status == 0)
        #expect(result.stdout.contains("    app.kubernetes.io/managed-by: kustomize-v5.5.0\n"))
    }

    @Test(arguments: [
        (["--enable-helm"], "Helm"), (["--enable-alpha-plugins"], "plugins"), (["--enable-exec"], "exec"),
        (["--load-restrictor", "Sometimes"], "load-restrictor"),
    ])
    func refusedBuildOptionsSayWhy(options: [String], reason: String) throws {
        let root = try temporaryFolder(["app/kustomization.yaml": "resources: []\n"])
        let result = try kustomize(["build", "app"] + options, in: root)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(reason), "\(result.stderr)")
    }

    /// The edits Argo CD makes for `spec.source.kustomize`, then a build: the edited file
    /// builds (with kubectl too) to what the kustomization kustomize's edits would write builds to.
    @Test func argoEditsBuildAsKustomizeEditsWould() throws {
        let start = """
            resources: [deployment.yaml]
            images:
            - name: redis
              newName: mirror/redis
              newTag: "6"
            commonLabels: {team: platform}
            commonAnnotations: {owner: me}
            replicas:
            - {name: web, count: 2}

            """
        let root = try temporaryFolder([
            "app/kustomization.yaml": start,
            "app/deployment.yaml": KustomizeDropInTests.deployment,
            "expected/deployment.yaml": KustomizeDropInTests.deployment,
            "component/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations: {from: component}\n",
            // What kustomize v5.5.0's edit commands make of `start`, from their documented semantics.
            "expected/kustomization.yaml": """
                resources: [deployment.yaml]
                namePrefix: -pre-
                nameSuffix: -suf
                namespace: prod
                images:
                - {name: nginx, newTag: "1.25"}
                - {name: redis, newName: mirror/redis, newTag: "7"}
                - {name: registry.example/web, newName: mirror/web, digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
                commonLabels: {team: apps, env: "prod"}
                labels:
                - pairs: {tier: web}
                commonAnnotations: {owner: me, note: hello}
                replicas:
                - {name: web, count: 3}
                components: [../component]

                """,
        ])
        let app = root.appendingPathComponent("app")
        let edits: [[String]] = [
            ["edit", "set", "nameprefix", "--", "-pre-"],
            ["edit", "set", "namesuffix", "--", "-suf"],
            ["edit", "set", "image", "registry.example/web=mirror/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "redis=*:7", "nginx:1.25"],
            ["edit", "set", "replicas", "web=3"],
            ["edit", "add", "label", "--force", "team:apps", "env:\"prod\""],
            ["edit", "add", "label", "--without-selector", "tier:web"],
            ["edit", "add", "annotation", "note:hello"],
            ["edit", "set", "namespace", "--", "prod"],
            ["edit", "add", "component", "../component"],
        ]
        for edit in edits {
            let result = try kustomize(edit, in: app)
            #expect(result.status == 0, "\(edit): \(result.stderr)")
        }
        let ours = try kustomize(["build", app.path], in: root)
        let theirs = try kubectl([app.path], in: root)
        let expected = try kubectl([root.appendingPathComponent("expected").path], in: root)
        #expect(expected.status == 0, "\(expected.stderr)")
        #expect(theirs.status == 0, "\(theirs.stderr)")
        #expect(ours.stdout == theirs.stdout)
        #expect(theirs.stdout == expected.stdout)
    }

    @Test(arguments: [
        ["edit", "add", "annotation", "owner:again"],
        ["edit", "add", "label", "team:again"],
        ["edit", "set", "image", ""],
        ["edit", "set", "image", "web@@sha256:abc"],
        ["edit", "set", "image", "web=mirror/web@"],
        ["edit", "set", "image", "bad image:1"],
        ["edit", "set", "replicas", "web=three"],
        ["edit", "set", "namespace", "Not_A_Namespace"],
    ])
    func refusedEditsChangeNothing(edit: [String]) throws {
        let text = "resources: []\ncommonAnnotations: {owner: me}\ncommonLabels: {team: platform}\n"
        let root = try temporaryFolder(["app/kustomization.yaml": text])
        let result = try kustomize(edit, in: root.appendingPathComponent("app"))
        #expect(result.status == 2)
        #expect(result.stderr.contains("error:"))
        #expect(try String(contentsOf: root.appendingPathComponent("app/kustomization.yaml"), encoding: .utf8) == text)
    }

    @Test func editWithoutAKustomizationFails() throws {
        let root = try temporaryFolder(["app/readme.txt": "nothing\n"])
        let result = try kustomize(["edit", "set", "namespace", "prod"], in: root.appendingPathComponent("app"))
        #expect(result.status == 2)
        #expect(result.stderr.contains("no kustomization file"))
    }
}
