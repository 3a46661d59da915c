@testable import Compiler
import Diagnostics
import Environments
import ProcessRunner
import Testing
import YAML

@Suite struct PlaceholderSitesTests {
    /// Resolving through the sites worked out for a tree gives what walking the whole tree
    /// gives: the same node, or the same problems.
    @Test func sitesResolveAsTheWholeWalk() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let spec = try YAMLParser.parseDocument("values:\n  a: one\n  b: {x: 1}\n  n: 3\ncluster:\n  name: c1\n", file: "env.yaml")
        let environment = Environment(
            name: "prod/east", file: "env.yaml", chain: ["prod/east"], chainFiles: ["env.yaml"], isAbstract: false, spec: spec, patches: [])
        let texts = ["plain", "${values.a}", "x-${cluster.name}-y", "${values.b}", "$${values.a}", "${environment.name}", "${values.missing}", "${values.b}-z", "${unterminated", "7"]
        func tree(_ depth: Int) -> Node {
            switch depth == 0 ? 0 : Int.random(in: 0...2, using: &random) {
            case 0: return .string(texts.randomElement(using: &random)!)
            case 1: return Node(.sequence((0..<Int.random(in: 0...4, using: &random)).map { _ in tree(depth - 1) }))
            default: return Node(.mapping((0..<Int.random(in: 0...4, using: &random)).map { index in
                MappingEntry(key: .string("k\(index)"), value: tree(depth - 1))
            }))
            }
        }
        func outcome(_ body: () throws(DiagnosticList) -> Node) -> String {
            do { return YAMLEmitter.emit(try body()) } catch { return error.diagnostics.map(\.description).joined(separator: "\n") }
        }
        for round in 0..<500 {
            let node = tree(4)
            let sites = PlaceholderSites(of: node)
            let walked = outcome { () throws(DiagnosticList) in try Placeholders.substitute(in: node, for: environment) }
            let followed = outcome { () throws(DiagnosticList) in try Placeholders.substitute(sites, for: environment) }
            #expect(followed == walked, "seed \(seed) (GITOPSC_SEED=\(seed) to replay), round \(round)")
            // A tree without sites holds no placeholder: the walk leaves it as it is.
            if sites.root == nil { #expect(walked == YAMLEmitter.emit(node)) }
        }
    }
}
