import Diagnostics
import Environments
import Testing

@Suite struct ErrorTests {
    /// The one diagnostic with `code`, asserting there is exactly one.
    private func only(_ code: String, in diagnostics: [Diagnostic], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Diagnostic {
        let matching = diagnostics.filter { $0.code == code }
        #expect(matching.count == 1, "\(diagnostics)", sourceLocation: sourceLocation)
        return try #require(matching.first, sourceLocation: sourceLocation)
    }

    @Test func extendsCycleNamesTheFiles() throws {
        let tree = try SourceTree([
            "a": "extends: c\n",
            "b": "abstract: true\nextends: a\n",
            "c": "extends: b\n",
            "d": "extends: a\n",
        ])
        defer { tree.remove() }
        let diagnostics = tree.errors()
        // One cycle, one error, at the smallest member's extends; d only leads into it.
        #expect(diagnostics.map(\.code) == ["environment.extends-cycle"])
        let cycle = try only("environment.extends-cycle", in: diagnostics)
        #expect(cycle.location == SourceLocation(file: "environments/a.yaml", line: 1, column: 10))
        #expect(cycle.message == "extends cycle: environments/a.yaml -> environments/c.yaml -> environments/b.yaml -> environments/a.yaml")
        #expect(cycle.chain == ["environments/a.yaml", "environments/c.yaml", "environments/b.yaml"])
    }

    @Test func selfExtensionIsACycle() throws {
        let tree = try SourceTree(["a": "cluster: {argocdName: x}\nextends: a\n"])
        defer { tree.remove() }
        let cycle = try only("environment.extends-cycle", in: tree.errors())
        #expect(cycle.location?.line == 2)
    }

    @Test func missingParentWithSuggestion() throws {
        let tree = try SourceTree([
            "production": "abstract: true\n",
            "production/east-1": "cluster:\n  server: https://x\nextends: prodution\n",
        ])
        defer { tree.remove() }
        let missing = try only("environment.missing-parent", in: tree.errors())
        #expect(missing.location == SourceLocation(file: "environments/production/east-1.yaml", line: 3, column: 10))
        #expect(missing.message == "environment 'production/east-1' extends 'prodution', which does not exist; did you mean 'production'?")
    }

    @Test func unknownFieldsWithSuggestions() throws {
        let tree = try SourceTree([
            "a": "abstract: true\noperater:\n  channel: x\noperator:\n  chanel: latest\n  catalogSource:\n    imag: x\n",
        ])
        defer { tree.remove() }
        let diagnostics = tree.errors()
        #expect(diagnostics.map(\.code) == Array(repeating: "environment.unknown-field", count: 3))
        #expect(diagnostics.map(\.message) == [
            "unknown field 'operater'; did you mean 'operator'?",
            "unknown field 'chanel' in operator; did you mean 'channel'?",
            "unknown field 'imag' in operator.catalogSource; did you mean 'image'?",
        ])
        #expect(diagnostics.map { $0.location?.line } == [2, 5, 7])
        #expect(diagnostics.allSatisfy { $0.location?.file == "environments/a.yaml" && $0.chain == ["environments/a.yaml"] })
    }

    @Test func wrongTypes() throws {
        let tree = try SourceTree([
            "a": """
                abstract: "yes"
                operator:
                  enabled: yes
                  syncWave: 1.5
                components:
                  web:
                    syncWave: "3"
                    patches:
                      - null
                argocd:
                  labels:
                    tier: 1
                  ignoreDifferences: {}
                values: [1]

                """,
        ])
        defer { tree.remove() }
        let diagnostics = tree.errors()
        #expect(diagnostics.allSatisfy { $0.code == "environment.wrong-type" })
        #expect(diagnostics.map(\.message) == [
            "abstract: expected a bool, found a string",
            "operator.enabled: expected a bool, found a string",
            "operator.syncWave: expected an int, found a float",
            "components.web.syncWave: expected an int, found a string",
            "components.web.patches[0]: expected a mapping, found null",
            "argocd.labels.tier: expected a string, found an int",
            "argocd.ignoreDifferences: expected a sequence, found a mapping",
            "values: expected a mapping, found a sequence",
        ])
        #expect(diagnostics.map { $0.location?.line } == [1, 3, 4, 7, 9, 12, 13, 14])
        #expect(diagnostics[1].location?.column == 12)
    }

    @Test func enumPatternAndExactlyOne() throws {
        let tree = try SourceTree([
            "a": """
                abstract: true
                operator:
                  installPlanApproval: automatic
                  catalogSource:
                    image: quay.io/org/index:latest
                    pollInterval: 30 minutes
                cluster:
                  server: api.example.com
                patches:
                  - target: {kind: Deployment}
                  - patch: "a: 1"
                    path: p.yaml
                components:
                  ../escape: {}
                  "a/b": {}
                  ok.name: {}

                """,
        ])
        defer { tree.remove() }
        let diagnostics = tree.errors()
        #expect(diagnostics.map(\.code) == [
            "environment.invalid-value", "environment.unpinned-image", "environment.invalid-value",
            "environment.invalid-value", "environment.exactly-one", "environment.exactly-one",
            "environment.invalid-name", "environment.invalid-name",
        ])
        #expect(diagnostics.map { $0.location?.line } == [3, 5, 6, 8, 10, 11, 14, 15])
        #expect(diagnostics[0].message == "operator.installPlanApproval: 'automatic' is not one of Automatic, Manual; did you mean 'Automatic'?")
        #expect(diagnostics[1].message.hasPrefix("operator.catalogSource.image: 'quay.io/org/index:latest' is not an image pinned by digest"))
        #expect(diagnostics[4].message == "patches[0]: set exactly one of 'patch' or 'path'; neither is set")
        #expect(diagnostics[6].message.hasPrefix("components: '../escape' is not a valid component name"))
    }

    @Test func pinnedImageAndGoodValuesPass() throws {
        let digest = String(repeating: "ab", count: 32)
        let tree = try SourceTree([
            "a": """
                cluster: {server: "https://api.example.com:6443"}
                operator:
                  installPlanApproval: Automatic
                  catalogSource: {image: "quay.io/org/index@sha256:\(digest)", pollInterval: 1h30m}

                """,
        ])
        defer { tree.remove() }
        #expect(try tree.load().map(\.name) == ["a"])
    }

    @Test func concreteEnvironmentsNeedOneDestination() throws {
        let tree = try SourceTree([
            "base": "abstract: true\ncluster:\n  argocdName: in-cluster\n",
            "both": "extends: base\ncluster:\n  server: https://api.x:6443\n",
            "neither": "extends: base\ncluster:\n  argocdName: null\n  name: n\n",
            "none": "description: no cluster\n",
            "fixed": "extends: base\ncluster:\n  server: https://api.x:6443\n  argocdName: null\n",
        ])
        defer { tree.remove() }
        let diagnostics = tree.errors()
        #expect(diagnostics.map(\.code) == ["environment.cluster-destination", "environment.cluster-destination", "environment.missing-cluster"])
        #expect(diagnostics[0].location == SourceLocation(file: "environments/both.yaml", line: 3, column: 11))
        #expect(diagnostics[0].message.contains("sets both server and argocdName (environments/base.yaml:3:15)"))
        #expect(diagnostics[0].chain == ["environments/base.yaml", "environments/both.yaml"])
        #expect(diagnostics[1].location == SourceLocation(file: "environments/neither.yaml", line: 3, column: 3))
        #expect(diagnostics[2].location == SourceLocation(file: "environments/none.yaml", line: 1, column: 1))
    }

    @Test func environmentNamesThatWouldEscape() throws {
        let tree = try SourceTree([
            "Prod": "abstract: true\n",
            "a..b": "abstract: true\n",
            "east 1": "abstract: true\n",
            "ok/x.y": "abstract: true\n",
        ])
        defer { tree.remove() }
        let diagnostics = tree.errors()
        #expect(diagnostics.map(\.code) == Array(repeating: "environment.invalid-name", count: 3))
        #expect(diagnostics.map { $0.location?.file } == ["environments/Prod.yaml", "environments/a..b.yaml", "environments/east 1.yaml"])
        #expect(diagnostics.allSatisfy { $0.location?.line == 1 })
    }

    @Test func yamlErrorsAreReportedWithTheRest() throws {
        let tree = try SourceTree([
            "a": "abstract: true\nabstract: false\n",
            "b": "abstract: true\nvalues: {x: [}\n",
        ])
        defer { tree.remove() }
        let diagnostics = tree.errors()
        #expect(diagnostics.count == 2)
        #expect(diagnostics.map { $0.location?.file } == ["environments/a.yaml", "environments/b.yaml"])
        #expect(diagnostics.allSatisfy { $0.code.hasPrefix("yaml.") })
    }

    /// Every kind of problem in one run: all are reported, sorted by file and line.
    @Test func allErrorsOfARunTogether() throws {
        let tree = try SourceTree([
            "base": "abstract: true\noperator:\n  installPlanApproval: sometimes\n",
            "cycle-a": "extends: cycle-b\n",
            "cycle-b": "extends: cycle-a\n",
            "orphan": "extends: bsae\ncluster: {argocdName: x}\n",
            "leaf": "extends: base\ncluster:\n  name: leaf\nvaluez: {}\n",
            "concrete": "extends: base\n",
        ])
        defer { tree.remove() }
        let diagnostics = tree.errors()
        #expect(diagnostics.map(\.code) == [
            "environment.invalid-value",        // base.yaml:3
            "environment.missing-cluster",      // concrete.yaml:1
            "environment.extends-cycle",        // cycle-a.yaml:1
            "environment.cluster-destination",  // leaf.yaml:3
            "environment.unknown-field",        // leaf.yaml:4
            "environment.missing-parent",       // orphan.yaml:1
        ])
        #expect(diagnostics.map { $0.location?.file } == [
            "environments/base.yaml", "environments/concrete.yaml", "environments/cycle-a.yaml",
            "environments/leaf.yaml", "environments/leaf.yaml", "environments/orphan.yaml",
        ])
        #expect(diagnostics.map { $0.location?.line } == [3, 1, 1, 3, 4, 1])
        #expect(diagnostics[2].chain == ["environments/cycle-a.yaml", "environments/cycle-b.yaml"])
        // A file's own errors carry its chain of layers.
        #expect(diagnostics[4].chain == ["environments/base.yaml", "environments/leaf.yaml"])
        #expect(diagnostics[5].message.hasSuffix("did you mean 'base'?"))
    }

    /// A value of the wrong type makes the merged spec unreliable: environments built on it
    /// are not checked further, so the mistake is reported once.
    @Test func wrongTypesDoNotCascade() throws {
        let tree = try SourceTree([
            "base": "abstract: true\ncluster: in-cluster\n",
            "leaf": "extends: base\n",
        ])
        defer { tree.remove() }
        #expect(tree.errors().map(\.code) == ["environment.wrong-type"])
    }
}
