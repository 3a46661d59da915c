import Foundation
import Kustomize
import Testing

/// YAML input features handled in the YAML layer (merge keys, byte order marks, numbers at
/// the edge of 64 bits), built by gitopsc and by `kubectl kustomize`: the bytes must match.
@Suite(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
struct YAMLInputTests {
    static let head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Builds a tree with both tools; kubectl must succeed and the outputs be identical.
    func expectSame(_ files: [String: [UInt8]], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let tree = try TemporaryTree(files)
        let expected = try Kubectl.kustomize(tree.path())
        #expect(expected.status == 0, "kubectl failed: \(expected.error)", sourceLocation: sourceLocation)
        let actual = try KustomizeBuilder(store: SourceStore(displayBase: tree.path())).buildYAML(tree.path())
        #expect(actual == expected.output, sourceLocation: sourceLocation)
    }

    func expectSame(resource: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectSame(["kustomization.yaml": Array("resources:\n- r.yaml\n".utf8), "r.yaml": Array((Self.head + resource).utf8)],
                       sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        // Explicit keys win over merged ones, before or after the `<<`.
        "base: &b\n  a: 1\n  b: 2\n  c: {x: 1}\ndata:\n  <<: *b\n  b: explicit\n",
        "data:\n  b: own\n  <<: &m {b: merged, c: merged}\n",
        // In a sequence, earlier mappings win over later ones.
        "b1: &a {p: a1, q: a1}\nb2: &b {q: b2, r: b2}\ndata:\n  z: 1\n  <<: [*a, *b]\n  r: own\n",
        "data:\n  <<: {inline: 1, z: 2}\n  z: 3\n",
        "data:\n  <<: []\n  x: 1\n",
        // A merge inside an anchored mapping carries into its aliases; `!!merge` merges too.
        "b: &a {k: a}\nb2: &n {<<: *a, j: n}\ndata:\n  <<: *n\n",
        "b: &a {k: a}\ndata:\n  !!merge <<: *a\nother: {<<: {z: 1}, <<x: 2}\n",
    ])
    func mergeKeys(resource: String) throws {
        try expectSame(resource: resource)
    }

    @Test func byteOrderMarksAtTheStartOfFilesAndDocuments() throws {
        try expectSame([
            "kustomization.yaml": Self.bom + Array("resources:\n- r.yaml\npatches:\n- path: p.yaml\n".utf8),
            "r.yaml": Self.bom + Array((Self.head + "data:\n  a: b\n---\n").utf8) + Self.bom + Array("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n".utf8),
            "p.yaml": Self.bom + Array((Self.head + "data:\n  p: q\n").utf8),
        ])
    }

    @Test func numbersAtTheEdgeOf64Bits() throws {
        try expectSame(resource: """
            data:
              a: 9223372036854775807
              b: 9223372036854775808
              c: -9223372036854775809
              d: 18446744073709551615
              e: 18446744073709551616
              f: 0x8000000000000000
              g: 1e400
              h: +9223372036854775808
              i: 0o1777777777777777777777

            """)
    }
}
