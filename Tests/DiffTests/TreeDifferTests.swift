import Diagnostics
import Testing
import YAML
@testable import Diff

@Suite struct TreeDifferTests {
    typealias F = Fixture

    func environment(_ diff: TreeDiff, _ name: String) throws -> EnvironmentDiff {
        try #require(diff.environments.first { $0.name == name })
    }

    func changes(_ environment: EnvironmentDiff, _ key: ObjectKey) throws -> [FieldChange] {
        try #require(environment.changed.first { $0.key == key }).changes
    }

    @Test func identicalTreesAreEmpty() throws {
        let tree = F.tree(["staging": [F.deployment()], "production/east-1": [F.deployment()]])
        var reordered = tree
        // The same value written another way: `0x1` is the int 1.
        reordered["staging"]!["clusters/staging/tekton/manifest.yaml"] = F.deployment()
            .replacingOccurrences(of: "replicas: 1", with: "replicas: 0x1")
        let diff = try F.diff(old: tree, new: reordered)
        #expect(diff.isEmpty)
        #expect(diff.environments.map(\.name) == ["production/east-1", "staging"])
        #expect(DiffRenderer.render(diff, as: .text(colour: false)).hasPrefix("0 of 2 environments differ\n"))
    }

    @Test func reportsAddedRemovedAndChangedObjectsPerEnvironment() throws {
        let old = F.tree(["staging": [F.deployment(), F.configMap("settings")], "production/east-1": [F.deployment()]])
        let service = """
            apiVersion: v1
            kind: Service
            metadata:
              name: manager
              namespace: tekton
            spec:
              ports:
              - port: 443
            """
        var new = F.tree(["staging": [F.deployment(replicas: 2), service], "production/east-1": [F.deployment()]])
        let diff = try F.diff(old: old, new: new)
        #expect(!diff.isEmpty)
        #expect(try environment(diff, "production/east-1").isEmpty)
        let staging = try environment(diff, "staging")
        #expect(staging.added == [F.key("", "Service", "tekton", "manager")])
        #expect(staging.removed == [F.key("", "ConfigMap", "tekton", "settings")])
        #expect(staging.renamed.isEmpty)
        let replicas = try changes(staging, F.key("apps", "Deployment", "tekton", "manager"))
        #expect(replicas.map(\.summary) == ["spec.replicas changed 1 -> 2"])
        #expect(replicas.first?.newSource?.description == "clusters/staging/tekton/manifest.yaml:7:13")

        let text = DiffRenderer.render(diff, as: .text(colour: false))
        #expect(text.contains("  staging            +1 -1 ~1\n"))
        #expect(text.contains("+ Service tekton/manager\n"))
        #expect(text.contains("- ConfigMap tekton/settings\n"))
        #expect(text.contains("~ Deployment.apps tekton/manager\n~     spec.replicas: 1 -> 2  # clusters/staging/tekton/manifest.yaml:7:13\n"))
        #expect(text.hasPrefix("risks: 1 object with deletions (prune)\n  deletes  staging: ConfigMap tekton/settings\n\n1 of 2 environments differs\n"))
        #expect(!text.contains("\u{1B}["))
        #expect(DiffRenderer.render(diff, as: .text(colour: true)).contains("\u{1B}[32m+ Service tekton/manager\u{1B}[0m"))
    }

    @Test func anEnvironmentMissingFromOneTreeIsAllAddedOrRemoved() throws {
        let old = F.tree(["staging": [F.deployment()]])
        let new = F.tree(["staging": [F.deployment()], "production/west-2": [F.configMap("settings")]])
        let diff = try F.diff(old: old, new: new)
        let west = try environment(diff, "production/west-2")
        #expect(west.added == [
            F.key("", "ConfigMap", "tekton", "settings"),
            F.key("argoproj.io", "Application", "openshift-gitops", "production-west-2-root"),
        ].sorted())
        #expect(try environment(diff, "staging").isEmpty)
    }

    @Test func comparesTwoEnvironmentsByObjectKey() throws {
        let tree = F.tree(
            ["staging": [F.deployment()], "production/east-1": [F.deployment(replicas: 3)]],
            apps: [
                "staging": F.application("tekton", server: "https://staging.example.com"),
                "production/east-1": F.application("tekton", server: "https://east-1.example.com"),
            ])
        let diff = try F.diffEnvironments(tree, "staging", "production/east-1")
        #expect(diff.environments.count == 1)
        let pair = diff.environments[0]
        #expect(pair.name == "staging -> production/east-1")
        #expect(try changes(pair, F.key("apps", "Deployment", "tekton", "manager")).map(\.path) == ["spec.replicas"])
        let app = try changes(pair, F.key("argoproj.io", "Application", "openshift-gitops", "tekton"))
        #expect(app.map(\.path) == ["spec.destination.server"])
        // The root Applications are named after their environment: one object renamed.
        #expect(pair.renamed.map(\.from.name) == ["staging-root"])
        #expect(pair.renamed.map(\.to.name) == ["production-east-1-root"])
        #expect(pair.renamed[0].changes.map(\.path) == ["spec.source.path"])
        #expect(pair.added.isEmpty && pair.removed.isEmpty)
    }

    @Test func anUnparsableCommittedFileIsAnErrorAtItsPosition() throws {
        var tree = F.tree(["staging": [F.deployment()]])
        tree["staging"]!["clusters/staging/broken/manifest.yaml"] = "a: [unclosed"
        do {
            _ = try F.diff(old: tree, new: tree)
            Issue.record("expected a diagnostic")
        } catch {
            #expect(error.code == "yaml.syntax")
            // libyaml notices the unclosed list at the end of the input.
            #expect(error.location == SourceLocation(file: "clusters/staging/broken/manifest.yaml", line: 2, column: 1))
        }
    }

    @Test func aDuplicateObjectInOneEnvironmentIsADiagnostic() throws {
        var tree = F.tree(["staging": [F.deployment()]])
        tree["staging"]!["clusters/staging/other/manifest.yaml"] = F.deployment()
        do {
            _ = try F.diff(old: [:], new: tree)
            Issue.record("expected a diagnostic")
        } catch {
            #expect(error.code == "diff.duplicate-object")
            #expect(error.location?.file == "clusters/staging/tekton/manifest.yaml")
        }
    }

    @Test func addressesListItemsByMergeKey() throws {
        let old = F.tree(["staging": [F.deployment()]])
        let new = F.tree(["staging": [F.deployment(
            image: "quay.io/tekton/manager:1.1", sidecarEnv: "        - name: LOG\n          value: debug")]])
        let diff = try F.diff(old: old, new: new)
        let found = try changes(try environment(diff, "staging"), F.key("apps", "Deployment", "tekton", "manager"))
        #expect(found.map(\.path) == [
            "spec.template.spec.containers[name=manager].image",
            "spec.template.spec.containers[name=sidecar].env[name=LOG]",
        ])
        #expect(found[0].old?.text == "quay.io/tekton/manager:1.0")
        #expect(found[0].new?.text == "quay.io/tekton/manager:1.1")
        #expect(found[1].kind == .added)
        #expect(found[1].new?["value"]?.text == "debug")
    }

    @Test func addressesOtherListsByIndex() throws {
        let old = F.tree(["staging": [F.deployment()]])
        let new = F.tree(["staging": [F.deployment(args: ["--a", "--b", "--z", "--d"])]])
        let diff = try F.diff(old: old, new: new)
        let found = try changes(try environment(diff, "staging"), F.key("apps", "Deployment", "tekton", "manager"))
        let prefix = "spec.template.spec.containers[name=manager].args"
        #expect(found.map(\.path) == ["\(prefix)[2]", "\(prefix)[3]"])
        #expect(found.map(\.kind) == [.changed, .added])
        #expect(found[0].old?.text == "--c" && found[0].new?.text == "--z")
    }

    @Test func reportsAKeyedListInAnotherOrderAsAMove() throws {
        let a = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a}, {name: b}, {name: c}]\n"
        let b = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: b}, {name: c}, {name: a}]\n"
        let diff = try F.diff(old: F.tree(["s": [a]]), new: F.tree(["s": [b]]))
        let found = try changes(try environment(diff, "s"), F.key("", "Pod", "", "p"))
        #expect(found.count == 1)
        #expect(found.first?.path == "spec.containers[name=a]")
        #expect(found.first?.kind == .moved)
        #expect(found.first?.position == FieldChange.Position(old: 0, new: 2))
        #expect(DiffRenderer.render(diff, as: .text(colour: false)).contains("~     spec.containers[name=a]: moved from 0 to 2  # clusters/s/tekton/manifest.yaml:5:38\n"))
    }

    @Test func detectsAConfigMapRenamedByItsHashSuffix() throws {
        let old = F.tree(["staging": [F.configMap("settings-7fk2h9c8m4", level: "info")]])
        let new = F.tree(["staging": [F.configMap("settings-b5t9m2kg6d", level: "debug")]])
        let staging = try environment(try F.diff(old: old, new: new), "staging")
        #expect(staging.added.isEmpty && staging.removed.isEmpty)
        let rename = try #require(staging.renamed.first)
        #expect(rename.from == F.key("", "ConfigMap", "tekton", "settings-7fk2h9c8m4"))
        #expect(rename.to == F.key("", "ConfigMap", "tekton", "settings-b5t9m2kg6d"))
        #expect(rename.changes.map(\.summary) == ["data.level changed info -> debug"])
        #expect(rename.reason == .hashSuffix)
        #expect(DiffRenderer.render(try F.diff(old: old, new: new), as: .text(colour: false))
            .contains("~ ConfigMap tekton/settings-7fk2h9c8m4 renamed to tekton/settings-b5t9m2kg6d\n~     data.level: info -> debug  # clusters/staging/tekton/manifest.yaml:7:10\n"))
    }

    @Test func doesNotPairUnrelatedObjectsAsRenames() throws {
        // `-deployment` is ten letters but not a kustomize hash; the contents differ.
        let old = F.tree(["s": [F.configMap("tekton-deployment", extra: "  a: \"1\"\n  b: \"2\"")]])
        let new = F.tree(["s": [F.configMap("tekton-controller", level: "warn", extra: "  c: \"3\"")]])
        let s = try environment(try F.diff(old: old, new: new), "s")
        #expect(s.renamed.isEmpty)
        #expect(s.added.map(\.name) == ["tekton-controller"])
        #expect(s.removed.map(\.name) == ["tekton-deployment"])
        #expect(RenameDetector.withoutHashSuffix("cfg-7fk2h9c8m4") == "cfg")
        #expect(RenameDetector.withoutHashSuffix("tekton-deployment") == "tekton-deployment")
    }

    @Test func hidesDifferencesMatchedByIgnorePatterns() throws {
        let labels = "  labels:\n    cluster: east-1\n    team: pipelines"
        let tree = F.tree(
            ["staging": [F.deployment()], "production/east-1": [F.deployment(image: "quay.io/tekton/manager:2.0")]],
            apps: [
                "staging": F.application("tekton", server: "https://staging.example.com"),
                "production/east-1": F.application("tekton", server: "https://east-1.example.com", labels: labels, wave: "5"),
            ])
        func diff(_ ignore: [String]) throws(Diagnostic) -> EnvironmentDiff {
            try F.diffEnvironments(tree, "staging", "production/east-1", ignore: ignore)
                .environments[0]
        }
        let app = F.key("argoproj.io", "Application", "openshift-gitops", "tekton")
        let deployment = F.key("apps", "Deployment", "tekton", "manager")
        #expect(try changes(try diff([]), app).map(\.path) == [
            "metadata.annotations[\"argocd.argoproj.io/sync-wave\"]", "metadata.labels", "spec.destination.server",
        ])
        // `labels` is absent in staging: the pattern still reaches inside the added mapping.
        let ignored = try diff([
            "metadata.labels.cluster", "spec.destination.*", "metadata.annotations[\"argocd.argoproj.io/sync-wave\"]",
            "**.containers[*].image",
        ])
        #expect(try changes(ignored, app).map(\.path) == ["metadata.labels.team"])
        #expect(!ignored.changed.contains { $0.key == deployment })
        #expect(try diff(["metadata"]).changed.first { $0.key == app }?.changes.map(\.path) == ["spec.destination.server"])
        do {
            _ = try diff(["spec.containers[name"])
            Issue.record("expected a diagnostic")
        } catch {
            #expect(error.code == "diff.invalid-ignore")
        }
    }

    @Test func secretValuesAreNeverShown() throws {
        let password = "hunter2-very-secret"
        let encoded = "aHVudGVyMi12ZXJ5LXNlY3JldA=="  // base64 of the password
        let token = "plain-token-value"
        func secret(_ data: String, _ token: String, extra: String = "") -> String {
            """
            apiVersion: v1
            kind: Secret
            metadata:
              name: credentials
              namespace: tekton
            data:
              password: \(data)
              user: YWRtaW4=
            \(extra)
            stringData:
              token: \(token)
            """
        }
        let old = F.tree(["staging": [secret("b2xk", "old-token")]])
        let new = F.tree(["staging": [secret(encoded, token, extra: "  api: " + encoded)]])
        let diff = try F.diff(old: old, new: new)
        let found = try changes(try environment(diff, "staging"), F.key("", "Secret", "tekton", "credentials"))
        #expect(found.map(\.path) == ["data.api", "data.password", "stringData.token"])
        #expect(found.allSatisfy { $0.secret })
        #expect(found[1].old?.text == ValueHash.run.token("b2xk"))
        #expect(found[1].new?.text == ValueHash.run.token(encoded))
        #expect(found[1].old != found[1].new)
        let outputs = [
            DiffRenderer.render(diff, as: .text(colour: false)),
            DiffRenderer.render(diff, as: .text(colour: true)),
            DiffRenderer.render(diff, as: .markdown(maxBytes: 65536)),
            DiffRenderer.render(diff, as: .json),
        ]
        for output in outputs {
            #expect(!output.contains(password))
            #expect(!output.contains(encoded))
            #expect(!output.contains(token))
            #expect(output.contains(ValueHash.run.token(encoded)))
        }
        // A whole `data` mapping that appears is shown as hashes too.
        let bare = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
        let added = try F.diff(old: F.tree(["s": [bare]]), new: F.tree(["s": [bare + "data: {password: \(encoded)}\n"]]))
        let change = try #require(added.environments[0].changed.first?.changes.first)
        #expect(change.path == "data" && change.secret)
        #expect(!DiffRenderer.render(added, as: .json).contains(encoded))
    }

    @Test func multiLineStringsGetALineDiff() throws {
        var lines = (1...12).map { "line \($0)" }
        let before = lines.joined(separator: "\n    ")
        lines[8] = "line nine changed"
        let after = lines.joined(separator: "\n    ")
        func map(_ config: String) -> String {
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  config.yaml: |\n    \(config)\n"
        }
        let diff = try F.diff(old: F.tree(["s": [map(before)]]), new: F.tree(["s": [map(after)]]))
        let change = try #require(diff.environments[0].changed.first?.changes.first)
        #expect(change.path == "data[\"config.yaml\"]")
        #expect(change.lineDiff == [
            "@@ -6,7 +6,7 @@", " line 6", " line 7", " line 8", "-line 9", "+line nine changed", " line 10", " line 11", " line 12",
        ])
        let text = DiffRenderer.render(diff, as: .text(colour: false))
        #expect(text.contains("~     data[\"config.yaml\"]: multi-line string  # clusters/s/tekton/manifest.yaml:5:16\n          @@ -6,7 +6,7 @@\n"))
        #expect(text.contains("-         line 9\n+         line nine changed\n"))
    }
}

extension FieldChange {
    /// The change without its sources, for comparing with an expected one.
    var summary: String {
        let old = self.old.map(Body.inline) ?? "(none)"
        let new = self.new.map(Body.inline) ?? "(none)"
        return "\(path) \(kind.rawValue) \(old) -> \(new)"
    }
}
