import Foundation
import ProcessRunner
import Testing

private let repository = Oracles.repository
private let crdValidator = Oracles.shared.appendingPathComponent("crds/validate.py")
private let hasValidator = FileManager.default.fileExists(atPath: crdValidator.path)
    && (try? runProcess("/usr/bin/env", ["python3", "-c", "import jsonschema, yaml"]).status) == 0

/// `argocd.bootstrap: applicationset` on generated fleets.
@Suite(
    .enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"),
    .enabled(if: hasValidator && Oracles.executable("git") != nil, "../shared/crds/validate.py (python3, jsonschema, yaml) and git are needed")
)
struct ApplicationSetTests {
    /// A fleet of `count` concrete environments at random depths, some named like the layout's
    /// own files (`apps`, `root`, `bootstrap`), and a component named `bootstrap` (an
    /// `apps/bootstrap.yaml` in every environment): files a loose generator pattern would pick up.
    func fleet(seed: UInt64, count: Int) throws -> (root: URL, environments: [String]) {
        var random = SeededRandom(seed: seed)
        var files = [
            "gitopsc.yaml": "repository:\n  url: https://git.example.com/fleet.git\n  branch: rendered\n  folder: clusters\nargocd:\n  bootstrap: applicationset\n",
            "environments/base.yaml": "abstract: true\ncomponents:\n  web: {namespace: web}\n  bootstrap: {namespace: tools}\nargocd:\n  labels:\n    team: platform\n",
            "templates/web/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n",
            "templates/bootstrap/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tools\ndata:\n  cluster: ${cluster.name}\n",
        ]
        var environments: [String] = []
        for index in 0..<count {
            let depth = Int.random(in: 0...2, using: &random)
            let folders = (0..<depth).map { _ in "g\(Int.random(in: 0...2, using: &random))" }
            let leaf = ["c\(index)", "apps", "root", "bootstrap"].randomElement(using: &random)!
            let name = (folders + [leaf]).joined(separator: "/")
            guard !environments.contains(name) else { continue }
            environments.append(name)
            files["environments/\(name).yaml"] = "extends: base\ncluster:\n  name: k\(index)\n  server: https://api.k\(index).example.com:6443\n"
        }
        return (try temporaryFolder(files), environments.sorted())
    }

    /// Published to a branch, the generator's path pattern matches exactly one file per
    /// environment, under Argo CD's default globbing (`*` crosses `/`) and its new one (`*`
    /// stays in a folder), and each is that environment's root Application; every object
    /// passes the Argo CD CRD schemas.
    @Test func generatorMatchesExactlyThePublishedEnvironments() throws {
        let seed = SeededRandom.runSeed()
        for round in 0..<3 {
            let (root, environments) = try fleet(seed: seed &+ UInt64(round), count: 12)
            defer { try? FileManager.default.removeItem(at: root) }
            let compiled = try gitopsc(["compile"], in: root)
            #expect(compiled.status == 0, "seed \(seed) round \(round): \(compiled.output)")
            // validate.py skips hidden folders: the ApplicationSet and its generator's files are named.
            let hidden = root.appendingPathComponent("out/clusters/.gitopsc")
            let validated = try runProcess("/usr/bin/env", [
                "python3", crdValidator.path, root.appendingPathComponent("out").path,
                hidden.appendingPathComponent("applicationset.yaml").path, hidden.appendingPathComponent("bootstrap").path,
            ])
            #expect(validated.status == 0, "seed \(seed): \(validated.output)")
            // Per environment two component Applications, the root and its generator copy; one ApplicationSet.
            #expect(validated.stdout.contains("\(environments.count * 4 + 1) passed, 0 failed"), "seed \(seed): \(validated.output)")

            let published = try bash("""
                set -e
                git init -q && git add -A && git commit -q -m fleet
                git init -q --bare ../$(basename "$PWD")-gitops.git
                gitopsc publish --repo "../$(basename "$PWD")-gitops.git" > /dev/null
                """, in: root, environment: publishIdentity.merging(["PATH": pathWithGitopsc()]) { $1 })
            #expect(published.status == 0, "seed \(seed): \(published.output)")
            let gitops = root.deletingLastPathComponent().appendingPathComponent("\(root.lastPathComponent)-gitops.git")
            defer { try? FileManager.default.removeItem(at: gitops) }
            let check = """
                import fnmatch, json, subprocess, sys, yaml
                git = ["git", "--git-dir", sys.argv[1]]
                paths = subprocess.check_output(git + ["ls-tree", "-r", "--name-only", "rendered"], text=True).split()
                show = lambda path: subprocess.check_output(git + ["show", "rendered:" + path], text=True)
                appset = yaml.safe_load(show("clusters/.gitopsc/applicationset.yaml"))
                generator = appset["spec"]["generators"][0]["git"]
                assert generator["revision"] == "rendered" and generator["repoURL"] == "https://git.example.com/fleet.git", generator
                [pattern] = [entry["path"] for entry in generator["files"]]
                greedy = {p for p in paths if fnmatch.fnmatchcase(p, pattern)}
                segments = lambda p: len(p.split("/")) == len(pattern.split("/")) and all(
                    fnmatch.fnmatchcase(a, b) for a, b in zip(p.split("/"), pattern.split("/")))
                strict = {p for p in paths if segments(p)}
                assert greedy == strict, (greedy ^ strict)
                published = json.loads(show("clusters/.gitopsc/manifest.json"))["environments"]
                found = {}
                for path in sorted(greedy):
                    root = yaml.safe_load(show(path))
                    assert root["kind"] == "Application", path
                    environment = root["spec"]["source"]["path"][len("clusters/"):-len("/apps")]
                    assert show(path) == show("clusters/" + environment + "/root.yaml"), path
                    found[environment] = path
                assert sorted(found) == sorted(published) == sorted(sys.argv[2:]), (sorted(found), published)
                print(len(found), "matched")
                """
            let result = try runProcess("/usr/bin/env", ["python3", "-c", check, gitops.path] + environments)
            #expect(result.status == 0, "seed \(seed) round \(round): \(result.output)")
            #expect(result.stdout == "\(environments.count) matched\n", "seed \(seed): \(result.output)")
        }
    }

    @Test func anUnknownBootstrapModeIsAnError() throws {
        let root = try temporaryFolder([
            "gitopsc.yaml": "argocd:\n  bootstrap: appset\n",
            "environments/east.yaml": "cluster:\n  server: https://api.east.example.com:6443\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["compile"], in: root)
        #expect(run.status == 2)
        #expect(run.stderr == "gitopsc.yaml:2:14: error: argocd.bootstrap must be one of root, applicationset, not 'appset'\n", "\(run.stderr)")
    }

    /// Roots the ApplicationSet would create in another namespace than they name are refused.
    @Test func aRootInAnotherNamespaceIsAnError() throws {
        let root = try temporaryFolder([
            "gitopsc.yaml": "argocd:\n  bootstrap: applicationset\n",
            "environments/east.yaml": "cluster:\n  server: https://api.east.example.com:6443\nargocd:\n  namespace: argocd\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["compile"], in: root)
        #expect(run.status == 2)
        #expect(run.stderr.contains("environment 'east' puts its root Application in namespace 'argocd', but the ApplicationSet of argocd.bootstrap creates it in 'openshift-gitops'"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path))
    }
}

@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct ProgressTests {
    func project() throws -> URL {
        let folder = try emptyFolder("progress")
        #expect(try gitopsc(["init"], in: folder).status == 0)
        return folder
    }

    /// On a pipe: nothing unless asked; asked, lines ending at the total.
    @Test func progressOnPipesOnlyWhenAsked() throws {
        let root = try project()
        defer { try? FileManager.default.removeItem(at: root) }
        let quiet = try runProcess(gitopscBinary!.path, ["compile"], in: root, environment: ["CI": ""])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.output)")
        let asked = try runProcess(gitopscBinary!.path, ["compile", "--progress"], in: root, environment: ["CI": "true"])
        #expect(asked.status == 0, "\(asked.output)")
        let lines = asked.stderr.split(separator: "\n")
        #expect(lines.last == "rendering environments: 3/3", "\(asked.stderr)")
        #expect(lines.allSatisfy { $0.hasPrefix("rendering environments: ") && $0.hasSuffix("/3") }, "\(asked.stderr)")
    }

    /// On a terminal (a pseudo-terminal from `script`): a line rewritten in place and erased
    /// when asked; nothing in CI or with --no-progress, nothing for a run under a second.
    @Test(.enabled(if: Oracles.executable("script") != nil, "script (util-linux) is not installed: no pseudo-terminal"))
    func progressOnATerminal() throws {
        let root = try project()
        defer { try? FileManager.default.removeItem(at: root) }
        func onTerminal(_ arguments: String, ci: String) throws -> String {
            try runProcess("/usr/bin/env", ["script", "-qec", "\(gitopscBinary!.path) \(arguments) >/dev/null", "/dev/null"],
                           in: root, environment: ["CI": ci]).stdout
        }
        let shown = try onTerminal("compile --progress", ci: "true")
        #expect(shown.contains("\r\u{1B}[Krendering environments: 3/3"), "\(shown.debugDescription)")
        #expect(shown.hasSuffix("\r\u{1B}[K"), "erased at the end: \(shown.debugDescription)")
        #expect(try onTerminal("compile", ci: "true").isEmpty)
        #expect(try onTerminal("compile --no-progress", ci: "").isEmpty)
        #expect(try onTerminal("compile", ci: "").isEmpty, "a run under a second shows nothing")
    }
}

@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct ReleaseTests {
    @Test func versionNamesTheSourceCommitOrSaysItIsUnknown() throws {
        let run = try gitopsc(["--version"], in: repository)
        #expect(run.stdout == "gitopsc 0.1.0 (source commit unknown: not a release build)\n", "\(run.output)")
    }

    /// The pieces of scripts/release that are cheap to check: its shell and its build script's
    /// parse, the macro it defines is the one the build-info header reads, the build links the
    /// runtime in, and the completions it packs are made.
    @Test func releasePiecesFitTogether() throws {
        #expect(try runProcess("/bin/bash", ["-n", repository.appendingPathComponent("scripts/release").path]).status == 0)
        let script = try String(contentsOf: repository.appendingPathComponent("scripts/release"), encoding: .utf8)
        let header = try String(contentsOf: repository.appendingPathComponent("Sources/CBuildInfo/include/build_info.h"), encoding: .utf8)
        #expect(script.contains("-DGITOPSC_SOURCE_COMMIT=") && header.contains("#define GITOPSC_SOURCE_COMMIT \"\""))
        #expect(script.contains("scripts/build-release") && script.contains("--generate-manual"))
        let build = try String(contentsOf: repository.appendingPathComponent("scripts/build-release"), encoding: .utf8)
        #expect(try runProcess("/bin/bash", ["-n", repository.appendingPathComponent("scripts/build-release").path]).status == 0)
        #expect(build.contains("-c release --static-swift-stdlib") && build.contains("-disable-concrete-type-metadata-mangled-name-accessors"))
        let bash = try gitopsc(["--generate-completion-script", "bash"], in: repository)
        #expect(bash.status == 0 && bash.stdout.contains("init") && bash.stdout.contains("publish"))
        let parsed = try runProcess("/bin/bash", ["-n"], input: bash.stdout)
        #expect(parsed.status == 0, "\(parsed.output)")
        #expect(try gitopsc(["--generate-completion-script", "zsh"], in: repository).stdout.hasPrefix("#compdef gitopsc"))
        #expect(try gitopsc(["--generate-completion-script", "fish"], in: repository).stdout.contains("complete -c 'gitopsc'"))
    }

    /// "1 of 1 environment differs", not "1 of 1 environments differ".
    @Test func diffSummaryCountsInTheSingular() throws {
        let root = try sourceTree()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try bash("git init -q && git add -A && git commit -q -m one && sed -i 's/replicas: 2/replicas: 3/' environments/base.yaml", in: root, environment: publishIdentity).status == 0)
        try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n".write(to: root.appendingPathComponent("templates/web/extra.yaml"), atomically: true, encoding: .utf8)
        let run = try gitopsc(["diff", "--from", "HEAD"], in: root)
        #expect(run.status == 1, "\(run.output)")
        #expect(run.stdout.hasPrefix("1 of 1 environment differs\n"), "\(run.stdout)")
    }
}

/// examples/konflux-pipeline-service for a newcomer: the missing upstream tree is named with
/// the script that fetches it, and the script's arguments work without the network.
@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct KonfluxExampleTests {
    func exampleCopy() throws -> URL {
        let copy = try emptyFolder("konflux")
        let source = repository.appendingPathComponent("examples/konflux-pipeline-service")
        for name in ["environments", "gitopsc.yaml", "fetch-upstream"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: copy.appendingPathComponent(name))
        }
        return copy
    }

    @Test func aMissingTemplateRootNamesTheFetchScript() throws {
        let example = try exampleCopy()
        defer { try? FileManager.default.removeItem(at: example) }
        for command in [["compile"], ["check"], ["diff", "staging/stone-stg-rh01", "production/stone-prd-rh01"]] {
            let run = try gitopsc(command, in: example)
            #expect(run.status == 2, "\(command): \(run.output)")
            let first = run.stderr.split(separator: "\n").first ?? ""
            #expect(first.hasPrefix("gitopsc.yaml:13:11: error: template root 'pipeline-service' is '"), "\(command): \(run.stderr)")
            #expect(first.hasSuffix("/upstream/components/pipeline-service', which is not a folder (used by 'pipeline-service:production/base' at environments/production.yaml:7:15); fetch it with ./fetch-upstream (run in the folder of gitopsc.yaml)"),
                    "\(command): \(run.stderr)")
        }
    }

    @Test(.enabled(if: Oracles.executable("git") != nil, "git is not installed"))
    func fetchScriptArgumentsAndOfflineFetch() throws {
        let example = try exampleCopy()
        defer { try? FileManager.default.removeItem(at: example) }
        let fetch = example.appendingPathComponent("fetch-upstream").path
        let help = try runProcess(fetch, ["--help"])
        #expect(help.status == 0 && help.stdout.contains("./fetch-upstream --link DIR"), "\(help.output)")
        for (arguments, message) in [
            (["--bogus"], "unknown argument '--bogus'"),
            (["--commit"], "--commit needs a value"),
            (["--commit", "e952b76"], "--commit must be a full 40-hex commit id, not 'e952b76'"),
            (["--link", example.path], "has no components/pipeline-service: not an infra-deployments checkout"),
        ] {
            let run = try runProcess(fetch, arguments)
            #expect(run.status == 2, "\(arguments): \(run.output)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: example.appendingPathComponent("upstream").path))

        // A local upstream (file://, no network) at a commit of its own.
        let upstream = try bash("""
            set -e
            mkdir -p up/components/pipeline-service/production up/other
            echo keep > up/components/pipeline-service/production/file
            echo skip > up/other/file
            git -C up init -q && git -C up add -A && git -C up commit -q -m upstream
            git -C up config uploadpack.allowAnySHA1InWant true
            git -C up rev-parse HEAD
            """, in: example, environment: publishIdentity)
        #expect(upstream.status == 0, "\(upstream.output)")
        let commit = String(upstream.output.split(separator: "\n").last ?? "")
        let fetched = try runProcess(fetch, ["--repo", "file://\(example.path)/up", "--commit", commit])
        #expect(fetched.status == 0, "\(fetched.output)")
        #expect(FileManager.default.fileExists(atPath: example.appendingPathComponent("upstream/components/pipeline-service/production/file").path))
        #expect(!FileManager.default.fileExists(atPath: example.appendingPathComponent("upstream/other/file").path), "only the component is checked out")
        let again = try runProcess(fetch, ["--repo", "file://\(example.path)/up", "--commit", commit])
        #expect(again.status == 0 && again.stdout == "upstream/ is at \(commit) already\n", "\(again.output)")
        let other = try runProcess(fetch, ["--commit", String(repeating: "0", count: 40)])
        #expect(other.status == 2 && other.stderr.contains("upstream/ exists and is not a checkout of"), "\(other.output)")
    }
}
