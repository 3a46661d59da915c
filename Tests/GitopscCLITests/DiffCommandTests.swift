import Foundation
import Testing

let pythonHasJSONSchema = (try? bash("python3 -c 'import jsonschema'", in: FileManager.default.temporaryDirectory).status == 0) ?? false

@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct DiffCommandTests {
    @Test func twoEnvironmentsOfTheWorkingTree() throws {
        let root = try sourceTree(clusterExtra: "")
        defer { try? FileManager.default.removeItem(at: root) }
        try "extends: base\ncluster:\n  name: west\n  server: https://api.west.example.com:6443\ncomponents:\n  web: {namespace: web-west}\n"
            .write(to: root.appendingPathComponent("environments/prod/west.yaml"), atomically: true, encoding: .utf8)
        let same = try gitopsc(["diff", "prod/east", "prod/east"], in: root)
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        let different = try gitopsc(["diff", "prod/east", "prod/west", "--output", "json"], in: root)
        #expect(different.status == 1, "\(different.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(different.stdout.utf8)) as? [String: Any]
        #expect(json?["version"] as? Int == 2)
        #expect(different.stdout.contains("prod-west-web"), "\(different.stdout)")
    }

    @Test func aRevisionAgainstTheWorkingTreeAndTwoRevisions() throws {
        let root = try sourceTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let setup = try bash("git init -q && git add -A && git commit -q -m one && git tag one", in: root, environment: publishIdentity)
        #expect(setup.status == 0, "\(setup.output)")
        #expect(try gitopsc(["diff", "--from", "one"], in: root).status == 0)
        try "apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\nstringData:\n  token: hunter2-plaintext\n"
            .write(to: root.appendingPathComponent("templates/web/secret.yaml"), atomically: true, encoding: .utf8)
        try "extends: base\ncluster:\n  name: east\n  server: https://api.east.example.com:6443\nsecrets:\n  allowPlaintext: true\n"
            .write(to: root.appendingPathComponent("environments/prod/east.yaml"), atomically: true, encoding: .utf8)
        let working = try gitopsc(["diff", "--from", "one", "--output", "markdown"], in: root)
        #expect(working.status == 1, "\(working.stderr)")
        #expect(working.stdout.contains("<details>"))
        #expect(!working.stdout.contains("hunter2-plaintext"))
        let commit = try bash("git add -A && git commit -q -m two && git tag two", in: root, environment: publishIdentity)
        #expect(commit.status == 0, "\(commit.output)")
        let revisions = try gitopsc(["diff", "--from", "one", "--to", "two"], in: root)
        #expect(revisions.status == 1)
        #expect(revisions.stdout.contains("Secret") && !revisions.stdout.contains("hunter2-plaintext"), "\(revisions.stdout)")
        #expect(try gitopsc(["diff", "--from", "two", "--to", "two"], in: root).status == 0)
    }

    /// The JSON output of a diff with renames, changes, additions and a masked Secret is
    /// valid against the published schema (checked with Python's jsonschema).
    @Test(.enabled(if: pythonHasJSONSchema, "python3 with jsonschema is not installed: skipping the JSON Schema check of diff output"))
    func jsonOutputIsValidAgainstItsSchema() throws {
        let root = try sourceTree()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try bash("git init -q && git add -A && git commit -q -m one", in: root, environment: publishIdentity).status == 0)
        try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-7fk2h9c8m4\ndata:\n  level: info\n  script: |\n    one\n    two\n"
            .write(to: root.appendingPathComponent("templates/web/cm.yaml"), atomically: true, encoding: .utf8)
        try "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 8080\n"
            .write(to: root.appendingPathComponent("templates/web/service.yaml"), atomically: true, encoding: .utf8)
        #expect(try bash("git add -A && git commit -q -m two", in: root, environment: publishIdentity).status == 0)
        try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-b5t9m2kg6d\ndata:\n  level: debug\n  script: |\n    one\n    three\n"
            .write(to: root.appendingPathComponent("templates/web/cm.yaml"), atomically: true, encoding: .utf8)
        let diff = try gitopsc(["diff", "--from", "HEAD~1", "--output", "json"], in: root)
        #expect(diff.status == 1, "\(diff.stderr)")
        let output = root.appendingPathComponent("diff.json")
        try diff.stdout.write(to: output, atomically: true, encoding: .utf8)
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("schema/diff.schema.json")
        let check = try bash("""
            python3 -c 'import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))); print("valid")' "\(output.path)" "\(schema.path)"
            """, in: root)
        #expect(check.output.contains("valid") && check.status == 0, "\(check.output)")
        #expect(diff.stdout.contains("\"renamed\": ["))
    }

    /// Staging against the busiest production cluster of the repository's own environments.
    @Test func bundledEnvironmentsStagingAgainstProduction() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try gitopsc(["diff", "staging/stone-stg-rh01", "production/stone-prd-rh01", "--root", repository.path], in: repository)
        #expect(text.status == 1, "\(text.stderr)")
        #expect(text.stdout.contains("spec.replicas: 2 -> 5"), "\(text.stdout)")
        #expect(text.stdout.contains("spec.installPlanApproval: Automatic -> Manual"), "\(text.stdout)")
        let capped = try gitopsc(["diff", "staging/stone-stg-rh01", "production/stone-prd-rh01", "--root", repository.path, "--output", "markdown", "--max-bytes", "1200"], in: repository)
        #expect(capped.status == 1)
        #expect(capped.stdout.utf8.count <= 1200)
        #expect(capped.stdout.contains("truncated"), "\(capped.stdout)")
    }

    @Test func usageErrorsExitWithTwo() throws {
        let root = try sourceTree()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try gitopsc(["diff", "prod/east"], in: root).status == 2)
        #expect(try gitopsc(["diff", "prod/east", "prod/nowhere"], in: root).status == 2)
    }
}
