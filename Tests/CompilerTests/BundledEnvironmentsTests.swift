import Compiler
import Environments
import FileSources
import Foundation
import ProcessRunner
import Testing
import YAML

/// The rendered tree of the repository's own environments/ and templates/.
let goldenFolder = repositoryRoot.appendingPathComponent("Tests/CompilerTests/Golden")

@Suite struct BundledEnvironmentsTests {
    func compileBundled() throws -> RenderedTree {
        try Compiler(root: repositoryRoot.path, displayBase: repositoryRoot.path).compile()
    }

    /// The whole rendered tree equals the committed golden copy, file by file. Regenerate
    /// with `GITOPSC_UPDATE_GOLDEN=1 swift test --filter BundledEnvironmentsTests` and
    /// review the diff.
    @Test func renderedTreeMatchesTheGoldenCopy() throws {
        let tree = try compileBundled()
        if ProcessInfo.processInfo.environment["GITOPSC_UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.removeItem(at: goldenFolder)
            _ = try OutputWriter.write(tree.output, to: goldenFolder.path)
        }
        let enumerator = FileManager.default.enumerator(atPath: goldenFolder.path)
        var golden: [String: String] = [:]
        while let path = enumerator?.nextObject() as? String {
            let url = goldenFolder.appendingPathComponent(path)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                golden[path] = try String(contentsOf: url, encoding: .utf8)
            }
        }
        #expect(Set(golden.keys) == Set(tree.files.keys))
        for (path, text) in tree.files {
            #expect(golden[path] == text, "\(path) differs from the golden copy")
        }
        #expect(tree.environments.count == 8)
    }

    @Test func compilingTwiceGivesTheSameBytesAndRewritesNothing() throws {
        let first = try compileBundled()
        let second = try compileBundled()
        #expect(first.files == second.files)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-rerun-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let initial = try OutputWriter.write(first.output, to: output.path)
        #expect(initial.written == first.files.count)
        let again = try OutputWriter.write(second.output, to: output.path)
        #expect(again == OutputWriter.Summary(written: 0, unchanged: first.files.count, deleted: 0))
    }

    /// Every Argo CD and operator object of the bundled environments passes the real CRD
    /// schemas (`../shared/crds/validate.py --lint`).
    @Test(.enabled(if: hasCRDValidator, "../shared/crds is absent: skipping the CRD validation of the rendered tree"))
    func renderedObjectsAreValidAgainstTheCRDs() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-crd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        _ = try OutputWriter.write(try compileBundled().output, to: output.path)
        let (status, text) = try validateCRDs(at: output.path)
        #expect(status == 0, "\(text)")
        #expect(text.contains(" 0 failed"), "\(text)")
        #expect(!text.contains(" 0 passed"), "no object was validated: \(text)")
    }
}

extension BundledEnvironmentsTests {
    /// Every built-in kind of the bundled environments (ServiceAccount, Deployment, RBAC,
    /// ...) passes the Kubernetes 1.32 OpenAPI schemas, strictly (`kubernetes-validate`,
    /// offline); the custom kinds are the CRD validator's. At least one object must pass.
    @Test(.enabled(if: Oracles.executable("kubernetes-validate") != nil, "kubernetes-validate is not installed (pip install kubernetes-validate): skipping the built-in kinds"))
    func builtInKindsAreValidAgainstKubernetesSchemas() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-k8s-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let tree = try compileBundled()
        _ = try OutputWriter.write(tree.output, to: output.path)
        let manifests = tree.files.keys.filter { $0.hasSuffix("/manifest.yaml") }.sorted().map { output.path + "/" + $0 }
        let result = try runProcess(Oracles.executable("kubernetes-validate")!, ["--strict", "-k", "1.32.0"] + manifests)
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.output.contains("ERROR"), "\(result.output)")
        #expect(result.output.contains("passed for resource deployment/"), "no built-in object was validated: \(result.output)")
    }
}

extension BundledEnvironmentsTests {
    /// Each template component of each bundled environment is what `kubectl kustomize` makes
    /// of the template folder with the environment's values written in (a plain folder gets a
    /// kustomization listing its files): an oracle for the bytes, the order, the generators
    /// and the placeholders that is not gitopsc itself. (The bundled environments have no
    /// patches; patches are compared with kubectl in the Kustomize tests.)
    @Test(.enabled(if: Oracles.executable("kubectl") != nil, "kubectl is not on PATH: skipping the template oracle"))
    func templateComponentsAreWhatKubectlBuildsFromTheResolvedFolders() throws {
        let tree = try compileBundled()
        let specs = try EnvironmentLoader.load(root: repositoryRoot.path, displayBase: repositoryRoot.path)
        var compared = 0
        for environment in tree.environments {
            let spec = try #require(specs.first { $0.name == environment.name }).spec
            for component in environment.components {
                let template = repositoryRoot.appendingPathComponent("templates/\(component.name)")
                guard FileManager.default.fileExists(atPath: template.path) else { continue }
                var files: [String: String] = [:]
                for name in try FileManager.default.contentsOfDirectory(atPath: template.path) {
                    files[name] = try Self.resolved(String(contentsOf: template.appendingPathComponent(name), encoding: .utf8), in: spec)
                }
                if files["kustomization.yaml"] == nil {
                    files["kustomization.yaml"] = "resources:\n" + files.keys.sorted().map { "- \($0)\n" }.joined()
                }
                let folder = try SourceTree(files)
                let oracle = try runProcess(Oracles.executable("kubectl")!, ["kustomize", folder.root.path])
                #expect(oracle.status == 0, "\(oracle.stderr)")
                let path = tree.layout.manifestPath(environment: environment.name, component: component.name)
                #expect(tree.files[path] == oracle.stdout, "\(path) differs from kubectl kustomize of the resolved template")
                compared += 1
            }
        }
        #expect(compared == 16, "two template components in each of the eight environments")
    }

    /// Text with every `${path}` replaced by the spec's scalar at that path (values may hold
    /// placeholders themselves); `$${` is a literal `${`.
    static func resolved(_ text: String, in spec: Node) throws -> String {
        var output = text
        while let range = output.range(of: #"(?<!\$)\$\{[^}]+\}"#, options: .regularExpression) {
            let path = output[range].dropFirst(2).dropLast().split(separator: ".").map(String.init)
            let value = try #require(spec[path: path]?.scalar?.value, "no scalar at \(path.joined(separator: "."))")
            output.replaceSubrange(range, with: value)
        }
        return output.replacingOccurrences(of: "$${", with: "${")
    }
}

@Suite struct SnapshotSourceTests {
    /// Compiling from an in-memory snapshot of the sources (as from a git revision) gives the
    /// same tree as compiling the working tree: every reader goes through the file source.
    @Test func snapshotOfTheSourcesCompilesToTheSameTree() throws {
        let local = try Compiler(root: repositoryRoot.path, displayBase: repositoryRoot.path).compile()
        var files: [String: [UInt8]] = [:]
        let disk = LocalFiles()
        for folder in ["environments", "templates"] {
            for relative in disk.files(below: repositoryRoot.path + "/" + folder) {
                files[folder + "/" + relative] = disk.contents(of: repositoryRoot.path + "/" + folder + "/" + relative)
            }
        }
        files["gitopsc.yaml"] = disk.contents(of: repositoryRoot.path + "/gitopsc.yaml")
        let snapshot = SnapshotFiles(root: "/snapshot/source", files: files)
        let fromSnapshot = try Compiler(root: "/snapshot/source", displayBase: "/snapshot/source", files: snapshot).compile()
        #expect(fromSnapshot.files == local.files)
        #expect(snapshot.kind(of: "/snapshot/source/environments/production") == .folder)
        #expect(snapshot.children(of: "/snapshot/source/templates") == ["metrics-exporter", "tekton-results"])
    }
}
