import Foundation
import ProcessRunner
import Testing

private let hasJSONSchema = (try? runProcess("/usr/bin/env", ["python3", "-c", "import jsonschema, yaml"]).status) == 0

/// PATH with the built gitopsc first, as a user who installed it has it.
func pathWithGitopsc() -> String {
    gitopscBinary!.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")
}

/// A new empty temporary folder.
func emptyFolder(_ label: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct InitCommandTests {
    /// `gitopsc init` in an empty folder, then `gitopsc compile` right after, as the README says.
    @Test func scaffoldsAProjectThatCompiles() throws {
        let folder = try emptyFolder("init")
        defer { try? FileManager.default.removeItem(at: folder) }
        let made = try gitopsc(["init", "project"], in: folder)
        #expect(made.status == 0, "\(made.output)")
        #expect(made.stdout.hasPrefix("wrote 14 files into project:"), "\(made.stdout)")
        let project = folder.appendingPathComponent("project")
        let compiled = try gitopsc(["compile"], in: project)
        #expect(compiled.status == 0, "\(compiled.output)")
        #expect(compiled.stdout.hasPrefix("compiled 3 environments:"), "\(compiled.stdout)")
        for cluster in ["staging/stg-1", "production/prd-1", "production/prd-2"] {
            let manifest = try String(contentsOf: project.appendingPathComponent("out/clusters/\(cluster)/web/manifest.yaml"), encoding: .utf8)
            #expect(manifest.contains("kind: Deployment") && manifest.contains("kind: Service"), "\(cluster)")
        }
        let ignored = try String(contentsOf: project.appendingPathComponent(".gitignore"), encoding: .utf8)
        #expect(ignored.contains("/out/"))
    }

    /// Every environment file's yaml-language-server modeline names, relative to the file, the
    /// schema init wrote (the one `gitopsc schema` prints), and the file validates against it
    /// (python jsonschema, the oracle).
    @Test(.enabled(if: hasJSONSchema, "python3 with jsonschema and yaml is missing: skipping the schema hint check"))
    func schemaHintsResolveInTheUsersRepository() throws {
        let project = try emptyFolder("init-schema")
        defer { try? FileManager.default.removeItem(at: project) }
        #expect(try gitopsc(["init"], in: project).status == 0)
        let schema = try gitopsc(["schema"], in: project).stdout
        #expect(try String(contentsOf: project.appendingPathComponent("schema/environment.schema.json"), encoding: .utf8) == schema)
        let check = """
            import glob, json, os, sys, yaml, jsonschema
            files = sorted(glob.glob("environments/**/*.yaml", recursive=True))
            for path in files:
                first = open(path).readline()
                prefix = "# yaml-language-server: $schema="
                assert first.startswith(prefix), path + ": no modeline"
                schema = os.path.normpath(os.path.join(os.path.dirname(path), first[len(prefix):].strip()))
                assert schema == "schema/environment.schema.json", path + " names " + schema
                jsonschema.validate(yaml.safe_load(open(path)), json.load(open(schema)))
            print(len(files), "valid")
            """
        let result = try runProcess("/usr/bin/env", ["python3", "-c", check], in: project)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout == "7 valid\n", "\(result.output)")
    }

    /// One existing file: exit status 2, the file named, nothing else written, the file as it was.
    @Test func neverOverwritesAnExistingFile() throws {
        let project = try emptyFolder("init-existing")
        defer { try? FileManager.default.removeItem(at: project) }
        try "mine\n".write(to: project.appendingPathComponent("gitopsc.yaml"), atomically: true, encoding: .utf8)
        let run = try gitopsc(["init"], in: project)
        #expect(run.status == 2)
        #expect(run.stderr == "error: 'gitopsc.yaml' exists already; gitopsc init never overwrites a file (nothing was written)\n", "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: project.path) == ["gitopsc.yaml"])
        #expect(try String(contentsOf: project.appendingPathComponent("gitopsc.yaml"), encoding: .utf8) == "mine\n")
    }

    /// The scaffold's .pre-commit-config.yaml (or, `fromHooksManifest`, the `gitopsc-compile`
    /// hook of this repository's .pre-commit-hooks.yaml) with the real pre-commit framework: a
    /// commit of the fresh project passes; one whose spec is invalid is stopped with the error.
    @Test(.enabled(if: preCommitPath != nil, "pre-commit is not installed (pip install pre-commit): skipping the hook test"),
          arguments: [false, true])
    func preCommitHookRunsWithTheFramework(fromHooksManifest: Bool) throws {
        let project = try emptyFolder("init-hook")
        defer { try? FileManager.default.removeItem(at: project) }
        let environment = publishIdentity.merging([
            "PATH": pathWithGitopsc(),
            "PRE_COMMIT_HOME": project.appendingPathComponent(".cache/pre-commit").path,
            "NO_COLOR": "1",
        ]) { $1 }
        let useManifest = fromHooksManifest ? """
            mkdir -p .cache/hooks && cp "\(hooksManifest.path)" .cache/hooks/
            git -C .cache/hooks init -q && git -C .cache/hooks add -A && git -C .cache/hooks commit -q -m hooks
            printf 'repos:\\n- repo: %s\\n  rev: %s\\n  hooks:\\n  - id: gitopsc-compile\\n' "file://$PWD/.cache/hooks" "$(git -C .cache/hooks rev-parse HEAD)" > .pre-commit-config.yaml
            """ : ""
        let fresh = try bash("""
            set -e
            gitopsc init > /dev/null
            echo .cache/ >> .gitignore
            \(useManifest)
            git init -q
            pre-commit install > /dev/null
            git add -A
            git commit -q -m scaffold
            echo COMMITTED
            """, in: project, environment: environment)
        #expect(fresh.status == 0, "\(fresh.output)")
        #expect(fresh.output.contains("COMMITTED"), "\(fresh.output)")
        let config = try String(contentsOf: project.appendingPathComponent(".pre-commit-config.yaml"), encoding: .utf8)
        #expect(config.contains("- repo: file://") == fromHooksManifest, "\(config)")
        let broken = try bash("""
            printf 'operator:\\n  installPlanApproval: Sometimes\\n' >> environments/production/prd-2.yaml
            git add -A
            git commit -q -m broken 2>&1
            echo "status $?"
            """, in: project, environment: environment)
        #expect(broken.output.contains("status 1"), "\(broken.output)")
        #expect(broken.output.contains("environments/production/prd-2.yaml:"), "\(broken.output)")
        #expect(try bash("git log --oneline | wc -l", in: project).output.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }

    /// `explain --resolved` gives the value the cluster gets: the one in the compiled manifest.
    @Test func explainResolvedShowsWhatTheClusterGets() throws {
        let project = try emptyFolder("init-explain")
        defer { try? FileManager.default.removeItem(at: project) }
        #expect(try gitopsc(["init"], in: project).status == 0)
        let plain = try gitopsc(["explain", "production/prd-2", "values.hostname"], in: project)
        #expect(plain.stdout.hasPrefix("production/prd-2: values.hostname = web.${cluster.name}.example.com\n"), "\(plain.output)")
        let resolved = try gitopsc(["explain", "--resolved", "production/prd-2", "values.hostname"], in: project)
        #expect(resolved.status == 0, "\(resolved.output)")
        #expect(resolved.stdout.hasPrefix(
            "production/prd-2: values.hostname = web.prd-2.example.com (placeholders resolved; written web.${cluster.name}.example.com)\n"),
            "\(resolved.stdout)")
        #expect(resolved.stdout.contains("environments/base.yaml:"))
        #expect(try gitopsc(["compile"], in: project).status == 0)
        let manifest = try String(contentsOf: project.appendingPathComponent("out/clusters/production/prd-2/web/manifest.yaml"), encoding: .utf8)
        #expect(manifest.contains("value: web.prd-2.example.com"), "\(manifest)")
    }
}
