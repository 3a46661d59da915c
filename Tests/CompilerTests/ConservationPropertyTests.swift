import Compiler
import Diagnostics
import Foundation
import ProcessRunner
import Testing
import YAML

/// Generated projects: random environments, templates and patches (patches that strip
/// annotations or labels, add labels, and delete objects with `$patch: delete`).
/// Invariants of every compile: each object a template yields is in exactly one component
/// manifest of its environment unless a patch deleted it; each file has its own path; no
/// two Applications share a name. Replay a failure with `GITOPSC_SEED=<seed>`.
@Suite struct ConservationPropertyTests {
    static let cases = 1_000

    struct Object: Hashable {
        var kind: String
        var name: String
    }

    /// One generated project and what its compile must give.
    struct Project {
        var files: [String: String] = [:]
        /// environment -> component -> objects expected in its manifest
        var expected: [String: [String: Set<Object>]] = [:]
    }

    static let kinds = [("v1", "ConfigMap"), ("v1", "ServiceAccount"), ("v1", "Service"), ("apps/v1", "Deployment")]

    static func generate(_ random: inout SeededRandom) -> Project {
        var project = Project()
        let componentCount = Int.random(in: 1...3, using: &random)
        var templates: [String: [Object]] = [:]
        var baseComponents = "abstract: true\ncomponents:\n"
        for c in 0..<componentCount {
            let component = "comp\(c)"
            baseComponents += "  \(component): {namespace: ns\(c)}\n"
            var objects: [Object] = []
            var text = ""
            for o in 0..<Int.random(in: 1...5, using: &random) {
                let (apiVersion, kind) = kinds.randomElement(using: &random)!
                let object = Object(kind: kind, name: "o\(c)-\(o)")
                objects.append(object)
                var metadata = "  name: \(object.name)\n"
                if Bool.random(using: &random) { metadata += "  annotations: {note: \"n\(o)\"}\n" }
                if Bool.random(using: &random) { metadata += "  labels: {tier: t\(o)}\n" }
                text += "---\napiVersion: \(apiVersion)\nkind: \(kind)\nmetadata:\n\(metadata)"
            }
            templates[component] = objects
            project.files["templates/\(component)/objects.yaml"] = text
        }
        project.files["environments/base.yaml"] = baseComponents
        let environmentNames = (0..<Int.random(in: 1...4, using: &random)).map { index in
            [("prod/c\(index)"), ("stage-\(index)"), ("ring/\(index)/cluster")][Int.random(in: 0...2, using: &random)]
        }
        for (index, name) in Set(environmentNames).sorted().enumerated() {
            var remaining = templates
            var spec = "extends: base\ncluster: {name: c\(index), server: https://api.c\(index).example.com:6443}\n"
            var disabled: Set<String> = []
            if componentCount > 1, Int.random(in: 0..<4, using: &random) == 0 {
                let component = "comp\(Int.random(in: 0..<componentCount, using: &random))"
                disabled.insert(component)
                spec += "components:\n  \(component): {enabled: \(["false", "False", "FALSE"].randomElement(using: &random)!)}\n"
                remaining[component] = nil
            }
            var patches = ""
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let live = remaining.flatMap { $0.value }
                guard let target = live.randomElement(using: &random) else { break }
                switch Int.random(in: 0..<5, using: &random) {
                case 0:
                    patches += "- target: {kind: \(target.kind)}\n  patch: |\n    - op: remove\n      path: /metadata/annotations\n"
                case 1:
                    patches += "- target: {kind: \(target.kind)}\n  patch: |\n    metadata:\n      annotations: null\n      labels: null\n"
                case 2:
                    patches += "- target: {kind: \(target.kind)}\n  patch: |\n    metadata:\n      labels: {patched: \"yes\"}\n"
                case 3:
                    patches += "- target: {kind: \(target.kind)}\n  patch: |\n    - op: replace\n      path: /metadata\n      value: {name: placeholder}\n  enabled: \(["false", "False"].randomElement(using: &random)!)\n"
                default:
                    patches += "- target: {kind: \(target.kind), name: \(target.name)}\n  patch: |\n    $patch: delete\n    metadata: {name: \(target.name)}\n"
                    for component in remaining.keys { remaining[component]!.removeAll { $0 == target } }
                }
            }
            if !patches.isEmpty { spec += "patches:\n" + patches }
            project.files["environments/\(name).yaml"] = spec
            project.expected[name] = remaining.mapValues(Set.init)
        }
        // Concrete environments must not nest: `ring/1/cluster` and `ring/1` never both occur,
        // since every generated name ends in a leaf that is never a prefix of another.
        return project
    }

    @Test func objectsAreConservedAndNamesAreUnique() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        for index in 0..<Self.cases {
            let project = Self.generate(&random)
            let sources = try SourceTree(project.files)
            let context = "case \(index) of seed \(seed) (replay: GITOPSC_SEED=\(seed))"
            let tree: RenderedTree
            do {
                tree = try sources.compile()
            } catch {
                Issue.record("compile failed, \(context): \(error)\n\(project.files.sorted { $0.key < $1.key }.map { "# \($0.key)\n\($0.value)" }.joined())")
                return
            }
            var applicationNames = Set<String>()
            var fileCount = 1
            for environment in tree.environments {
                let expected = project.expected[environment.name] ?? [:]
                #expect(Set(environment.components.map(\.name)) == Set(expected.keys), "components, \(context)")
                fileCount += environment.components.count * 2 + 1
                for (component, objects) in expected {
                    let text = tree.files["clusters/\(environment.name)/\(component)/manifest.yaml"] ?? ""
                    let found = try YAMLParser.parseStream(text, file: "manifest.yaml").filter { !$0.isNull }.map {
                        Object(kind: $0["kind"]?.text ?? "", name: $0[path: ["metadata", "name"]]?.text ?? "")
                    }
                    #expect(found.count == Set(found).count && Set(found) == objects, "\(environment.name)/\(component), \(context)")
                }
                for application in environment.components.map(\.application) + [environment.root] {
                    let name = application[path: ["metadata", "name"]]?.text ?? ""
                    #expect(applicationNames.insert(name).inserted, "Application \(name) twice, \(context)")
                }
            }
            #expect(tree.files.count == fileCount, "every file has its own path, \(context)")
        }
    }
}
