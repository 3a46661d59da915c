import Foundation
import ProcessRunner
import Testing

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let hasFleet = KonfluxExample.isAvailable

/// `gitopsc diff` on the Konflux example (examples/konflux-pipeline-service, which builds on
/// ../shared/corpus): edit scripts, environment pairing, provenance and risks on a real fleet.
@Suite(.enabled(if: gitopscBinary != nil && (hasFleet || Oracles.required), "needs the gitopsc executable and ../shared/corpus: the Konflux diff tests are skipped"))
struct DiffKonfluxTests {
    /// A roll-out in ring 1: one argument inserted into the metrics exporter, and the results
    /// API scaled to 4 replicas.
    static let ringPatches = """

        components:
          pipeline-service:
            patches:
              - name: exporter-flag
                target: {kind: Deployment, name: pipeline-metrics-exporter}
                patch: |
                  - op: add
                    path: /spec/template/spec/containers/0/args/1
                    value: -new-flag
              - name: results-api-replicas
                target: {kind: Deployment, name: tekton-results-api}
                patch: |
                  - {op: add, path: /spec/replicas, value: 4}

        """

    static let ringOne = ["production/kflux-fedora-01", "production/kflux-osp-p01", "production/stone-prod-p01"]

    /// A committed copy of the example whose template root points at the fleet by absolute path.
    func example() throws -> URL {
        let root = try KonfluxExample.copy("konflux-diff")
        let commit = try bash("git init -q && git add -A && git commit -q -m fleet", in: root, environment: publishIdentity)
        #expect(commit.status == 0, "\(commit.output)")
        return root
    }

    /// Appends `text` to a file of the copy; returns the file's new text.
    @discardableResult
    func append(_ text: String, to file: String, in root: URL) throws -> String {
        let url = root.appendingPathComponent(file)
        let updated = try String(contentsOf: url, encoding: .utf8) + text
        try updated.write(to: url, atomically: true, encoding: .utf8)
        return updated
    }

    /// `file:line:column` of the first occurrence of `needle` in `text`.
    func location(of needle: String, in text: String, file: String) throws -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let index = try #require(lines.firstIndex { $0.contains(needle) })
        let column = lines[index].distance(from: lines[index].startIndex, to: lines[index].range(of: needle)!.lowerBound)
        return "\(file):\(index + 1):\(column + 1)"
    }

    /// `file:line` of the first line holding `needle`. Values inside a patch's block scalar
    /// (`patch: |`) have the right line, but their column counts from the block's
    /// indentation (the kustomize engine does not know it), so those are checked by line.
    func line(of needle: String, in text: String, file: String) throws -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let index = try #require(lines.firstIndex { $0.contains(needle) })
        return "\(file):\(index + 1)"
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The ring-1 insertion of one argument prints as one insertion on each ring-1 cluster,
    /// explained by the patch line.
    @Test func ringOneArgumentInsertionIsOneInsertion() throws {
        let root = try example()
        defer { try? FileManager.default.removeItem(at: root) }
        let ring = try append(Self.ringPatches, to: "environments/production/ring-1.yaml", in: root)
        let diff = try gitopsc(["diff", "--from", "HEAD"], in: root)
        #expect(diff.status == 1, "\(diff.stderr)")
        let source = try line(of: "-new-flag", in: ring, file: "environments/production/ring-1.yaml")
        let insertion = "+     spec.template.spec.containers[name=pipeline-metrics-exporter].args[1]: -new-flag  # \(source):"
        #expect(diff.stdout.components(separatedBy: insertion).count - 1 == 3, "\(diff.stdout)")
        // Nothing else of the list is reported: no shifted items.
        let body = diff.stdout.split(separator: "\n").filter { $0.hasPrefix("+     ") || $0.hasPrefix("-     ") || $0.hasPrefix("~     ") }
        #expect(body.filter { $0.contains(".args[") }.count == 3, "\(diff.stdout)")
        #expect(diff.stdout.hasPrefix("risks: 3 objects with pod template changes (rollout)\n"), "\(diff.stdout)")
        #expect(diff.stdout.contains("3 of 13 environments differ\n"))
    }

    /// Two production clusters: every Application of one is paired with the other's.
    @Test func twoClustersPairEveryApplication() throws {
        let root = try example()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = try gitopsc(["diff", "production/kflux-osp-p01", "production/kflux-rhel-p01", "--output", "json"], in: root)
        #expect(output.status == 1, "\(output.stderr)")
        let environment = try #require((try json(output.stdout)["environments"] as? [[String: Any]])?.first)
        for side in ["added", "removed"] {
            #expect((environment[side] as? [Any])?.isEmpty == true, "\(side): \(environment[side] ?? "")")
        }
        let renamed = try #require(environment["renamed"] as? [[String: Any]])
        let applications = renamed.filter { (($0["to"] as? [String: String])?["kind"]) == "Application" }
        // The root Application and the one component's.
        #expect(applications.count == 2)
        #expect(applications.allSatisfy { $0["reason"] as? String == "identity" })
        #expect(Set(applications.compactMap { ($0["to"] as? [String: String])?["name"] })
            == ["production-kflux-rhel-p01-root", "production-kflux-rhel-p01-pipeline-service"])
    }

    /// With --ignore-identity only the fields that differ for another reason than the names
    /// remain: the console URLs, whose hosts differ by more than the cluster name.
    @Test func ignoringIdentityLeavesOnlyOtherDifferences() throws {
        let root = try example()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = try gitopsc(
            ["diff", "production/kflux-osp-p01", "production/kflux-rhel-p01", "--ignore-identity", "--output", "json"], in: root)
        #expect(output.status == 1, "\(output.stderr)")
        let environment = try #require((try json(output.stdout)["environments"] as? [[String: Any]])?.first)
        #expect((environment["renamed"] as? [Any])?.isEmpty == true, "\(output.stdout)")
        let changed = try #require(environment["changed"] as? [[String: Any]])
        let paths = changed.flatMap { object in
            ((object["changes"] as? [[String: Any]]) ?? []).map { "\((object["object"] as? [String: String])?["kind"] ?? "") \($0["path"] as? String ?? "")" }
        }
        let settings = "TektonConfig spec.platforms.openshift.pipelinesAsCode.settings."
        #expect(paths == ["custom-console-url", "custom-console-url-namespace", "custom-console-url-pr-details", "custom-console-url-pr-tasklog"]
            .map { settings + $0 }, "\(paths)")
        // The same comparison without --ignore-identity reports the names too.
        let full = try gitopsc(["diff", "production/kflux-osp-p01", "production/kflux-rhel-p01"], in: root)
        #expect(full.stdout.contains("application-name: Konflux kflux-osp-p01 -> Konflux kflux-rhel-p01"), "\(full.stdout)")
    }

    /// --by-cause puts each change under the line that made it: the ring-1 patch values for
    /// the three ring-1 clusters, and one cluster's console URL for that cluster.
    @Test func byCauseAttributesEachChangeToItsLine() throws {
        let root = try example()
        defer { try? FileManager.default.removeItem(at: root) }
        let ring = try append(Self.ringPatches, to: "environments/production/ring-1.yaml", in: root)
        let clusterFile = "environments/production/kflux-osp-p01.yaml"
        let cluster = try String(contentsOf: root.appendingPathComponent(clusterFile), encoding: .utf8)
            .replacingOccurrences(of: "yt45.p1.openshiftapps.com", with: "zz99.p1.openshiftapps.com")
        try cluster.write(to: root.appendingPathComponent(clusterFile), atomically: true, encoding: .utf8)

        let output = try gitopsc(["diff", "--from", "HEAD", "--by-cause", "--output", "json"], in: root)
        #expect(output.status == 1, "\(output.stderr)")
        let causes = try #require(try json(output.stdout)["causes"] as? [[String: Any]])
        /// The cause at `file:line:column`, or at `file:line`.
        func cause(at location: String) throws -> [String: Any] {
            try #require(causes.first { group in
                guard let source = group["source"] as? [String: Any] else { return false }
                let line = "\(source["file"]!):\(source["line"]!)"
                return line == location || "\(line):\(source["column"]!)" == location
            }, "no cause at \(location): \(output.stdout)")
        }
        func effects(_ group: [String: Any]) -> [String] {
            ((group["entries"] as? [[String: Any]]) ?? []).map { entry in
                let object = entry["object"] as? [String: String] ?? [:]
                let change = entry["change"] as? [String: Any]
                return "\(object["kind"] ?? "") \(object["name"] ?? "") \(change?["path"] as? String ?? "")"
            }
        }
        let flag = try cause(at: try line(of: "-new-flag", in: ring, file: "environments/production/ring-1.yaml"))
        #expect(flag["environments"] as? [String] == Self.ringOne)
        #expect(effects(flag) == ["Deployment pipeline-metrics-exporter spec.template.spec.containers[name=pipeline-metrics-exporter].args[1]"])
        let replicas = try cause(at: try line(of: "4}", in: ring, file: "environments/production/ring-1.yaml"))
        #expect(replicas["environments"] as? [String] == Self.ringOne)
        #expect(effects(replicas) == ["Deployment tekton-results-api spec.replicas"])
        let console = try cause(at: try location(of: "https://", in: cluster, file: clusterFile))
        #expect(console["environments"] as? [String] == ["production/kflux-osp-p01"])
        #expect(effects(console) == ["TektonConfig config spec.platforms.openshift.pipelinesAsCode.settings.custom-console-url"])
        // Every change has a cause with a line: nothing is left unexplained.
        #expect(causes.allSatisfy { $0["source"] is [String: Any] }, "\(output.stdout)")

        // The output with causes, risks, sources and positions is valid against the schema.
        if pythonHasJSONSchema || Oracles.required {
            let file = root.appendingPathComponent("diff.json")
            try output.stdout.write(to: file, atomically: true, encoding: .utf8)
            let check = try bash("""
                python3 -c 'import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))); print("valid")' "\(file.path)" "\(repository.appendingPathComponent("schema/diff.schema.json").path)"
                """, in: root)
            #expect(check.status == 0 && check.output.contains("valid"), "\(check.output)")
        }

        let text = try gitopsc(["diff", "--from", "HEAD", "--by-cause"], in: root)
        let replicasLine = try line(of: "4}", in: ring, file: "environments/production/ring-1.yaml")
        let group = try #require(text.stdout.range(of: "\n\(replicasLine):"), "\(text.stdout)")
        let block = text.stdout[group.upperBound...].prefix { $0 != "\n" } + "\n" + text.stdout[group.upperBound...].split(separator: "\n").dropFirst().prefix(2).joined(separator: "\n")
        #expect(block.hasSuffix(" -> 3 environments: \(Self.ringOne.joined(separator: ", "))\n    Deployment.apps tekton-results/tekton-results-api\n~     spec.replicas: 1 -> 4"), "\(text.stdout)")
        let markdown = try gitopsc(["diff", "--from", "HEAD", "--by-cause", "--output", "markdown"], in: root)
        #expect(markdown.stdout.contains("  \(replicasLine):") && markdown.stdout.contains(" -> 3 environments: \(Self.ringOne.joined(separator: ", "))"), "\(markdown.stdout)")
    }

    /// --fail-on: exit status 1 only for the named risks; an unknown name is a usage error.
    @Test func failOnGatesOnTheNamedRisksOnly() throws {
        let root = try example()
        defer { try? FileManager.default.removeItem(at: root) }
        try append(Self.ringPatches, to: "environments/production/ring-1.yaml", in: root)
        #expect(try gitopsc(["diff", "--from", "HEAD", "--fail-on", "deletes,operator-upgrade"], in: root).status == 0)
        #expect(try gitopsc(["diff", "--from", "HEAD", "--fail-on", "deletes,rollout"], in: root).status == 1)
        let wrong = try gitopsc(["diff", "--from", "HEAD", "--fail-on", "rolout"], in: root)
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("did you mean 'rollout'"), "\(wrong.stderr)")
    }
}

/// Option errors of the reviewer features are usage errors (exit status 2), before any compile.
@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct DiffOptionTests {
    @Test func ignoreIdentityNeedsTwoEnvironments() throws {
        let folder = FileManager.default.temporaryDirectory
        let result = try gitopsc(["diff", "--from", "HEAD", "--ignore-identity"], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--ignore-identity applies to two environments"), "\(result.stderr)")
        let unknown = try gitopsc(["diff", "a", "b", "--fail-on", "deletes,everything"], in: folder)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown risk 'everything' (one of deletes, rollout, operator-upgrade, crd, rbac, namespace, secret, sync-wave)"), "\(unknown.stderr)")
    }
}
