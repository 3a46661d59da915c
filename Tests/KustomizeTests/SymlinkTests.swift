import Diagnostics
import Foundation
import Kustomize
import ProcessRunner
import Testing

/// Symbolic links in kustomization folders: kustomize's load restrictor judges a file by
/// where it leads. `kubectl kustomize` decides what is accepted and what refused.
@Suite struct SymlinkTests {
    /// A tree with `app/` (the folder built) and `elsewhere/` beside it, and `links`
    /// (path -> target) made in it.
    func tree(_ files: [String: String], links: [(String, String)] = []) throws -> TemporaryTree {
        let tree = try TemporaryTree(files.merging([
            "elsewhere/cm.yaml": configMap,
            "elsewhere/kustomization.yaml": "resources:\n- cm.yaml\n",
        ]) { own, _ in own })
        for (path, target) in links { try tree.link(path, to: target) }
        return tree
    }

    /// Builds `app` with gitopsc and with kubectl: both must refuse it; gitopsc's error is returned.
    func refusal(_ tree: TemporaryTree, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Diagnostic? {
        if Kubectl.path != nil {
            #expect(try Kubectl.kustomize(tree.path("app")).status != 0, "kubectl kustomize accepts it", sourceLocation: sourceLocation)
        }
        do {
            let output = try KustomizeBuilder(store: SourceStore(displayBase: tree.path())).buildYAML(tree.path("app"))
            Issue.record("gitopsc accepted it:\n\(output)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    /// Builds `app` with gitopsc and with kubectl: both must accept it, with the same bytes.
    func expectAccepted(_ tree: TemporaryTree, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let output = try KustomizeBuilder(store: SourceStore(displayBase: tree.path())).buildYAML(tree.path("app"))
        #expect(output.contains("kind: ConfigMap"), sourceLocation: sourceLocation)
        if Kubectl.path != nil {
            let oracle = try Kubectl.kustomize(tree.path("app"))
            #expect(oracle.status == 0, "kubectl refuses it: \(oracle.error)", sourceLocation: sourceLocation)
            #expect(oracle.output == output, sourceLocation: sourceLocation)
        }
    }

    @Test func resourceFileLinkedOutsideTheFolderIsRefused() throws {
        let tree = try tree(["app/kustomization.yaml": "resources:\n- cm.yaml\n"], links: [("app/cm.yaml", "../elsewhere/cm.yaml")])
        let error = try #require(try refusal(tree))
        #expect(error.code == "path.outside-root")
        #expect(error.description.hasPrefix(
            "app/kustomization.yaml:2:3: error: security; file 'app/cm.yaml' is not in or below 'app' (it resolves to 'elsewhere/cm.yaml')"))
    }

    @Test func kustomizationFileLinkedOutsideTheFolderIsRefused() throws {
        let tree = try tree(["app/cm.yaml": configMap], links: [("app/kustomization.yaml", "../elsewhere/kustomization.yaml")])
        let error = try #require(try refusal(tree))
        #expect(error.description == """
            app/kustomization.yaml: error: security; file 'app/kustomization.yaml' is not in or below 'app' (it resolves to 'elsewhere/kustomization.yaml')
            """)
    }

    @Test func kustomizationFileLinkedOutsideIsRefusedAtTheReferenceToItsFolder() throws {
        let tree = try tree([
            "top/kustomization.yaml": "resources:\n- ../app\n",
            "app/cm.yaml": configMap,
        ], links: [("app/kustomization.yaml", "../elsewhere/kustomization.yaml")])
        let builder = KustomizeBuilder(store: SourceStore(displayBase: tree.path()))
        #expect(throws: Diagnostic.self) { try builder.build(tree.path("top")) }
        do {
            _ = try builder.build(tree.path("top"))
        } catch {
            #expect(error.description.hasPrefix(
                "top/kustomization.yaml:2:3: error: security; file 'app/kustomization.yaml' is not in or below 'app' (it resolves to 'elsewhere/kustomization.yaml')"))
        }
    }

    @Test func linksThatStayInsideAreFollowed() throws {
        try expectAccepted(try tree([
            "app/kustomization.yaml": "resources:\n- link.yaml\n",
            "app/real.yaml": configMap,
        ], links: [("app/link.yaml", "real.yaml")]))
        // A kustomization file linked to one below its folder; its paths stay relative to the folder.
        try expectAccepted(try tree([
            "app/sub/k.yaml": "resources:\n- cm.yaml\n",
            "app/cm.yaml": configMap,
        ], links: [("app/kustomization.yaml", "sub/k.yaml")]))
        // A folder used as a resource may be anywhere, through a link too.
        try expectAccepted(try tree(["app/kustomization.yaml": "resources:\n- ext\n"], links: [("app/ext", "../elsewhere")]))
    }

    @Test func absoluteFileNamesTheLoadRestrictor() throws {
        let tree = try tree(["app/kustomization.yaml": "resources:\n- /etc/passwd\n"])
        let error = try #require(try refusal(tree))
        #expect(error.description.hasPrefix("app/kustomization.yaml:2:3: error: security; file '/etc/passwd' is not in or below 'app'\n"))
    }

    @Test func absoluteFolderIsRefused() throws {
        let tree = try tree(["app/kustomization.yaml": "resources:\n- /etc\n"])
        let error = try #require(try refusal(tree))
        #expect(error.description.hasPrefix("app/kustomization.yaml:2:3: error: new root '/etc' cannot be absolute\n"))
    }

    @Test func folderLinkLoopIsACycle() throws {
        let tree = try tree(["app/kustomization.yaml": "resources:\n- loop\n"], links: [("app/loop", ".")])
        let error = try #require(try refusal(tree))
        #expect(error.code == "kustomize.cycle")
        #expect(error.description.hasPrefix("app/kustomization.yaml:2:3: error: cycle detected: candidate root 'app' contains visited root 'app'\n"))
    }

    @Test func linkToAnAncestorIsACycle() throws {
        let tree = try tree([
            "app/kustomization.yaml": "resources:\n- sub\n",
            "app/sub/kustomization.yaml": "resources:\n- up\n",
        ], links: [("app/sub/up", "..")])
        let error = try #require(try refusal(tree))
        #expect(error.description.hasPrefix(
            "app/sub/kustomization.yaml:2:3: error: cycle detected: candidate root 'app' contains visited root 'app/sub'\n"))
    }

    @Test func linksPointingAtEachOtherAreALoop() throws {
        let tree = try tree(["app/kustomization.yaml": "resources:\n- a\n"], links: [("app/a", "b"), ("app/b", "a")])
        let error = try #require(try refusal(tree))
        #expect(error.code == "path.symlink-loop")
        #expect(error.description.hasPrefix("app/kustomization.yaml:2:3: error: 'app/a' is a loop of symbolic links (too many levels)\n"))
    }

    @Test func patchAndGeneratorFilesLinkedOutsideAreRefused() throws {
        let patch = try tree([
            "app/kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- path: p.yaml\n",
            "app/cm.yaml": configMap,
        ], links: [("app/p.yaml", "../elsewhere/cm.yaml")])
        let patchError = try #require(try refusal(patch))
        #expect(patchError.description.hasPrefix(
            "app/kustomization.yaml:4:9: error: security; file 'app/p.yaml' is not in or below 'app' (it resolves to 'elsewhere/cm.yaml')"))

        let generator = try tree([
            "app/kustomization.yaml": "configMapGenerator:\n- name: g\n  files: [f.txt]\n",
        ], links: [("app/f.txt", "../elsewhere/cm.yaml")])
        let generatorError = try #require(try refusal(generator))
        #expect(generatorError.message == "security; file 'app/f.txt' is not in or below 'app' (it resolves to 'elsewhere/cm.yaml')")
    }

    /// Random trees of folders, files and links (inside, outside, to folders, looping), each
    /// built by gitopsc and by kubectl: both accept or both refuse, and accepted output is
    /// byte-identical.
    @Test(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage)) func randomLinkTreesAgreeWithKubectl() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["GITOPSC_SEED"] ?? "") ?? 20_241_129
        print("randomLinkTreesAgreeWithKubectl seed: \(seed) (set GITOPSC_SEED to replay)")
        var random = SeededRandom(seed: seed)
        for round in 0..<24 {
            let (files, links, entries) = Self.randomTree(&random)
            let tree = try tree(files, links: links)
            let oracle = try Kubectl.kustomize(tree.path("app"))
            let ours: Result<String, Diagnostic>
            do {
                ours = .success(try KustomizeBuilder(store: SourceStore(displayBase: tree.path())).buildYAML(tree.path("app")))
            } catch {
                ours = .failure(error)
            }
            let context = "seed \(seed) round \(round): resources \(entries), links \(links)"
            switch ours {
            case .success(let output):
                #expect(oracle.status == 0, "gitopsc accepts, kubectl refuses: \(oracle.error) (\(context))")
                if oracle.status == 0 { #expect(output == oracle.output, "\(context)") }
            case .failure(let error):
                #expect(oracle.status != 0, "gitopsc refuses (\(error)), kubectl accepts (\(context))")
            }
        }
    }

    /// `app/kustomization.yaml` naming a few of: plain files, links to files inside and
    /// outside, links to folders inside, outside and above. ConfigMaps get distinct names so
    /// that only the links decide.
    static func randomTree(_ random: inout SeededRandom) -> ([String: String], [(String, String)], [String]) {
        func configMap(_ name: String) -> String {
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n"
        }
        var files: [String: String] = [
            "app/real.yaml": configMap("real"),
            "app/sub/inner.yaml": configMap("inner"),
            "app/base/kustomization.yaml": "resources:\n- cm.yaml\n",
            "app/base/cm.yaml": configMap("base"),
            "outside/file.yaml": configMap("outside"),
            "outside/kust/kustomization.yaml": "resources:\n- cm.yaml\n",
            "outside/kust/cm.yaml": configMap("outside-kust"),
        ]
        let targets = [
            "real.yaml", "sub/inner.yaml", "../outside/file.yaml", "base", "../outside/kust", ".", "..",
            "missing.yaml", "../app/real.yaml", "sub/../real.yaml",
        ]
        var links: [(String, String)] = []
        var entries: [String] = []
        for index in 0..<Int.random(in: 1...3, using: &random) {
            let target = targets.randomElement(using: &random)!
            let depth = Bool.random(using: &random) ? "" : "sub/"
            let name = "\(depth)link\(index)\(target.hasSuffix(".yaml") ? ".yaml" : "")"
            links.append(("app/" + name, depth.isEmpty ? target : "../" + target))
            entries.append(name)
        }
        if Bool.random(using: &random) { entries.append("real.yaml") }
        // A kustomization file that is itself a link, now and then.
        if Int.random(in: 0..<4, using: &random) == 0 {
            files["app/sub/k.yaml"] = "resources:\n" + entries.map { "- \($0)\n" }.joined()
            links.append(("app/kustomization.yaml", Bool.random(using: &random) ? "sub/k.yaml" : "../outside/k.yaml"))
            files["outside/k.yaml"] = files["app/sub/k.yaml"]
        } else {
            files["app/kustomization.yaml"] = "resources:\n" + entries.map { "- \($0)\n" }.joined()
        }
        return (files, links, entries)
    }
}
