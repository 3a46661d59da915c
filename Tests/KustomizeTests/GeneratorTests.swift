import Diagnostics
import Foundation
import Testing
import YAML
@testable import Kustomize

/// How the generator and JSON patch tests read `kubectl kustomize`; shared by both suites.
enum GeneratorPatchOracle {
    /// Runs `kubectl kustomize` on a tree: its output, or its error message.
    static func kustomize(_ tree: TemporaryTree) throws -> (output: String, error: String?) {
        let result = try Kubectl.kustomize(tree.path())
        return result.status == 0 ? (result.output, nil) : ("", goErrorMessage(result.error))
    }

    /// The `err="..."` of kubectl's log line, unquoted.
    static func goErrorMessage(_ log: String) -> String {
        guard let start = log.range(of: "err=\"") else { return log }
        var message = ""
        var escaped = false
        for character in log[start.upperBound...] {
            if escaped {
                message.append(character == "n" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                break
            } else {
                message.append(character)
            }
        }
        return message
    }

    /// kubectl's output documents by `Kind/name`.
    static func documents(_ output: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for document in try YAMLParser.parseStream(output, file: "kubectl") {
            result["\(document["kind"]?.text ?? "")/\(document[path: ["metadata", "name"]]?.text ?? "")"] = YAMLEmitter.emit(document)
        }
        return result
    }
}

/// Runs the generators of one kustomization folder the way a build does: every entry of
/// `configMapGenerator` then `secretGenerator`, `behavior` applied against `existing`, and
/// the hash suffix appended at the end.
private func generate(_ folder: URL, existing: [Resource] = []) throws -> [Resource] {
    let text = try String(contentsOf: folder.appendingPathComponent("kustomization.yaml"), encoding: .utf8)
    let kustomization = try YAMLParser.parseDocument(text, file: "kustomization.yaml")
    let readFile = { (path: String) throws(Diagnostic) -> [UInt8] in
        do {
            return Array(try Data(contentsOf: folder.appendingPathComponent(path)))
        } catch {
            throw Diagnostic.error("test.read", "cannot read \(path)")
        }
    }
    var resources = existing
    for (field, secret) in [("configMapGenerator", false), ("secretGenerator", true)] {
        for entry in kustomization[field]?.items ?? [] {
            let options = kustomization["generatorOptions"]
            let generated: Resource
            if secret {
                generated = try Generators.secret(entry, options: options, readFile: readFile)
            } else {
                generated = try Generators.configMap(entry, options: options, readFile: readFile)
            }
            if let index = resources.firstIndex(where: { $0.gvk == generated.gvk && $0.name == generated.name }) {
                switch generated.behavior {
                case .merge: resources[index] = Generators.merge(generated, into: resources[index])
                case .replace: resources[index] = Generators.replace(resources[index], with: generated)
                case .create: Issue.record("\(generated.name) exists and behavior is create")
                }
            } else {
                resources.append(generated)
            }
        }
    }
    return resources
}

private func withHashSuffix(_ resources: [Resource]) -> [Resource] {
    resources.map { resource in
        var resource = resource
        if resource.needsHashSuffix {
            resource.name += "-" + Generators.hashSuffix(of: resource.node)
        }
        return resource
    }
}

/// Every generated object equals kubectl's, byte for byte once emitted, and kubectl made no other.
private func expectSameAsKubectl(_ resources: [Resource], _ tree: TemporaryTree, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let (output, error) = try GeneratorPatchOracle.kustomize(tree)
    #expect(error == nil, "kubectl failed: \(error ?? "")", sourceLocation: sourceLocation)
    let expected = try GeneratorPatchOracle.documents(output)
    #expect(expected.count == resources.count, "kubectl made \(expected.keys.sorted())", sourceLocation: sourceLocation)
    for resource in resources {
        let key = "\(resource.gvk.kind)/\(resource.name)"
        #expect(expected[key] != nil, "kubectl has no \(key); it has \(expected.keys.sorted())", sourceLocation: sourceLocation)
        if let document = expected[key] {
            #expect(YAMLEmitter.emit(resource.node) == document, "\(key) differs", sourceLocation: sourceLocation)
        }
    }
}

@Suite struct GeneratorKubectlTests {
    @Test(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
    func literalsFilesAndEnvs() throws {
        var bigBinary = (0...255).map { UInt8($0) }
        bigBinary += bigBinary
        let tree = try TemporaryTree([
            "kustomization.yaml": Array("""
            configMapGenerator:
            - name: empty
            - name: literals
              literals:
              - PLAIN=value
              - EQUALS=a=b=c
              - DOUBLE="quoted value"
              - SINGLE='single'
              - HALF="open
              - NUMBER=1
              - BOOL=true
              - EMPTY=
              - HTML=<a href="x">&amp;</a>
              - "SPACE KEY= padded "
              - UNICODE=héllo wörld ✓
              - "CONTROL=tab\\there\\u0001\\u0008\\u000c"
              - "COMBINING=\\u0301accent"
            - name: files
              files:
              - app.properties
              - renamed.txt=app.properties
              - sub/nested.conf
              - binary.bin
              - big.bin
              - multiline.txt
            - name: envs
              envs: [first.env, second.env]
              env: third.env
            - name: "123"
              literals: [a=b]
            """.utf8),
            "app.properties": Array("color=blue\nsize: 3\n".utf8),
            "sub/nested.conf": Array("nested = true".utf8),
            "binary.bin": [0x00, 0x01, 0xff, 0xfe, 0x68, 0x69],
            "big.bin": bigBinary,
            "multiline.txt": Array("line one\n  indented\n\ttabbed\ntrailing space \n".utf8),
            "first.env": Array("\u{FEFF}# comment\nA=1\n\n   B=two words \r\nBARE\nC=x=y\n  # indented comment\n=ignored\n".utf8),
            "second.env": Array("D='quotes kept'\nE=\"also kept\"\n\u{FEFF}F=bom on a later line\n".utf8),
            "third.env": Array("G=last".utf8),
        ])
        let resources = withHashSuffix(try generate(tree.root))
        #expect(resources.count == 5)
        try expectSameAsKubectl(resources, tree)
    }

    @Test(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
    func secretsAndOptions() throws {
        let tree = try TemporaryTree([
            "kustomization.yaml": """
            generatorOptions:
              labels: {team: platform, shared: global}
              annotations: {note: global}
            configMapGenerator:
            - name: options
              namespace: tools
              literals: [a=1]
              options:
                labels: {shared: local, extra: "1"}
                annotations: {"example.com/flag": "true"}
                immutable: true
            - name: nohash
              literals: [a=1]
              options: {disableNameSuffixHash: true}
            secretGenerator:
            - name: opaque
              literals: [user=admin, password=s3cr3t!, long=\(String(repeating: "x", count: 120))]
            - name: empty-secret
            - name: tls
              type: kubernetes.io/tls
              files: [tls.crt, tls.key]
            - name: env-secret
              envs: [secret.env]
              options: {immutable: true, disableNameSuffixHash: true}
            """,
            "tls.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            "tls.key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
            "secret.env": "TOKEN=abc\nURL=https://example.com/?a=1&b=2\n",
        ])
        let resources = withHashSuffix(try generate(tree.root))
        #expect(resources.map(\.needsHashSuffix) == [true, false, true, true, true, false])
        try expectSameAsKubectl(resources, tree)
    }

    @Test(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
    func globalOptionsDisableTheHash() throws {
        let tree = try TemporaryTree([
            "kustomization.yaml": """
            generatorOptions:
              disableNameSuffixHash: true
              immutable: true
            configMapGenerator:
            - name: plain
              literals: [k=v]
              options: {labels: {a: b}}
            secretGenerator:
            - name: s
              literals: [k=v]
              type: Custom
            """,
        ])
        let resources = withHashSuffix(try generate(tree.root))
        #expect(resources.allSatisfy { !$0.needsHashSuffix })
        try expectSameAsKubectl(resources, tree)
    }

    /// `behavior: merge` and `replace` against a base: data and metadata merged, the base's
    /// name kept, and the hash only when both sides want it.
    @Test(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
    func mergeAndReplace() throws {
        let tree = try TemporaryTree([
            "base/kustomization.yaml": """
            resources: [plain.yaml]
            configMapGenerator:
            - name: merged
              literals: [a=1, b=2]
              options:
                labels: {l1: base, shared: base}
                annotations: {an: base}
            - name: merged-nohash
              literals: [a=1]
              options: {disableNameSuffixHash: true}
            - name: replaced
              literals: [old=1]
              options: {labels: {kept: base}}
            - name: replaced-nohash
              literals: [old=1]
            secretGenerator:
            - name: secret
              literals: [a=1]
              type: kubernetes.io/basic-auth
              options: {immutable: true}
            """,
            "base/plain.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: plain
              labels: {p: q}
            data:
              x: "1"
              y: 2
            binaryData:
              bb: AAH//mhlbGxv
            immutable: true
            """,
            "kustomization.yaml": """
            resources: [base]
            generatorOptions:
              labels: {g: global, shared: global}
            configMapGenerator:
            - name: merged
              behavior: merge
              literals: [b=3, c=4]
              options: {labels: {shared: overlay}}
            - name: merged-nohash
              behavior: merge
              literals: [z=1]
            - name: plain
              behavior: merge
              literals: [x=9]
              files: [bin.dat]
            - name: replaced
              behavior: replace
              literals: [new=1]
            - name: replaced-nohash
              behavior: replace
              literals: [new=1]
              options: {disableNameSuffixHash: true}
            secretGenerator:
            - name: secret
              behavior: merge
              literals: [b=2]
            """,
            "bin.dat": "text, not binary",
        ])
        let plain = Resource(node: try YAMLParser.parseDocument(
            String(contentsOf: tree.root.appendingPathComponent("base/plain.yaml"), encoding: .utf8), file: "plain.yaml"))
        let base = try generate(tree.root.appendingPathComponent("base"), existing: [plain])
        let resources = withHashSuffix(try generate(tree.root, existing: base))
        #expect(resources.map(\.needsHashSuffix) == [false, true, false, true, false, true])
        try expectSameAsKubectl(resources, tree)
    }
}

@Suite struct GeneratorTests {
    private func configMap(_ yaml: String, options: String? = nil, files: [String: [UInt8]] = [:]) throws(Diagnostic) -> Resource {
        let entry = try YAMLParser.parseDocument(yaml, file: "kustomization.yaml")
        var global: Node?
        if let options { global = try YAMLParser.parseDocument(options, file: "kustomization.yaml") }
        return try Generators.configMap(entry, options: global) { path throws(Diagnostic) in
            guard let bytes = files[path] else { throw Diagnostic.error("test.read", "no file \(path)") }
            return bytes
        }
    }

    private func diagnostic(_ body: () throws(Diagnostic) -> Resource) -> Diagnostic? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    /// Suffixes read from `kubectl kustomize` output, so that the hash stays checked where
    /// kubectl is absent.
    @Test func hashMatchesRecordedKubectlOutput() throws {
        func configMap(_ name: String, _ data: [(String, String)]?) -> Node {
            var node = Node.mapping([("apiVersion", .string("v1")), ("kind", .string("ConfigMap")), ("metadata", .mapping([("name", .string(name))]))])
            if let data { node["data"] = .mapping(data.map { ($0.0, .string($0.1)) }) }
            return node
        }
        #expect(Generators.hashSuffix(of: configMap("empty", nil)) == "6ct58987ht")
        #expect(Generators.hashSuffix(of: configMap("lit", [("X", "1"), ("Y", "q"), ("Z", "a b"), ("W", "=x")])) == "fg9mf426b2")
        #expect(Generators.hashSuffix(of: configMap("envb", [("A", "1"), ("BARE", ""), ("HOME", "")])) == "92c982g2k7")
        #expect(Generators.hashSuffix(of: configMap("x", [("b", "x\u{8}y")])) == "949d2b7hk9")
        #expect(Generators.hashSuffix(of: configMap("x2", [("b", "\u{1}")])) == "b9mc95754d")
        #expect(Generators.hashSuffix(of: configMap("1", [("a", "<b>&\u{2028}"), ("b", "x\u{8}y\u{c}z\u{1}\t")])) == "h5m5f9g2hf")
        let secret = Node.mapping([
            ("apiVersion", .string("v1")), ("kind", .string("Secret")), ("type", .string("Opaque")),
            ("metadata", .mapping([("name", .string("sec2"))])), ("data", .mapping([("a", .string("Yg=="))])),
        ])
        #expect(Generators.hashSuffix(of: secret) == "k695gkmbtk")
        var emptySecret = secret
        emptySecret["data"] = .mapping([])
        emptySecret.set(["metadata", "name"], to: .string("sec"))
        #expect(Generators.hashSuffix(of: emptySecret) == "46f8b28mk5")
    }

    @Test func sha256KnownVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func goJSONEncoding() {
        var text = ""
        GoJSON.encodeString("<a>&\"\\\n\u{7f}\u{2029}é", into: &text)
        #expect(text == #""\u003ca\u003e\u0026\"\\\n\#u{7f}\u2029é""#)
        #expect(GoJSON.float(1.5) == "1.5")
        #expect(GoJSON.float(1e21) == "1e+21")
        #expect(GoJSON.float(1e20) == "100000000000000000000")
        #expect(GoJSON.float(0.000001) == "0.000001")
        #expect(GoJSON.float(1.25e-7) == "1.25e-7")
        #expect(GoJSON.float(-123456.789) == "-123456.789")
    }

    @Test func base64WrapsLongValuesLikeKyaml() {
        #expect(Generators.wrappedBase64(Array("b".utf8)) == "Yg==")
        #expect(Generators.wrappedBase64([]) == "")
        let long = Generators.wrappedBase64([UInt8](repeating: 0, count: 60))
        #expect(long.split(separator: "\n").map(\.count) == [70, 10])
        #expect(long.hasSuffix("\n"))
        #expect(Generators.wrappedBase64([UInt8](repeating: 0, count: 51)).count == 68)
        #expect(Generators.wrappedBase64([UInt8](repeating: 0, count: 52)).split(separator: "\n").map(\.count) == [70, 2])
    }

    @Test func dataKeysValuesAndTypes() throws {
        let resource = try configMap("""
            name: app
            namespace: ns
            behavior: merge
            literals: ["N=1", "T=true", "Q='x'"]
            files: [k=bin]
            """, files: ["bin": [0xff, 0x00]])
        #expect(resource.behavior == .merge)
        #expect(resource.needsHashSuffix)
        #expect(resource.name == "app")
        #expect(resource.namespace == "ns")
        #expect(resource.node[path: ["data", "N"]]?.type == .string)
        #expect(resource.node[path: ["data", "T"]]?.type == .string)
        #expect(resource.node[path: ["data", "Q"]]?.text == "x")
        #expect(resource.node[path: ["binaryData", "k"]]?.text == "/wA=")
        #expect(resource.node["data"]?["k"] == nil)
    }

    @Test func envFilesNeverReadTheEnvironment() throws {
        let resource = try configMap("name: e\nenvs: [a.env]", files: ["a.env": Array("PATH\nHOME=\n".utf8)])
        #expect(resource.node[path: ["data", "PATH"]]?.text == "")
        #expect(resource.node[path: ["data", "HOME"]]?.text == "")
    }

    @Test func entryOptionsWinOverGlobalOnes() throws {
        let resource = try configMap(
            "name: o\noptions: {labels: {a: local}}",
            options: "labels: {a: global, b: global}\ndisableNameSuffixHash: true\nimmutable: yes")
        #expect(resource.labels == ["a": "local", "b": "global"])
        #expect(!resource.needsHashSuffix)
        #expect(resource.node["immutable"]?.type == .bool)
    }

    @Test func duplicateKeyIsAnError() {
        let error = diagnostic { () throws(Diagnostic) in
            try configMap("name: dup\nenvs: [a.env]\nliterals:\n- b=1\n- a=2", files: ["a.env": Array("a=1\n".utf8)])
        }
        #expect(error?.message == "configmap dup illegally repeats the key `a`")
        #expect(error?.location?.line == 5)
    }

    @Test func malformedSourcesAreErrors() {
        let cases: [(String, String, Int)] = [
            ("name: a\nliterals: [novalue]", "invalid literal source novalue, expected key=value", 2),
            ("name: a\nliterals: [\"=x\"]", "invalid literal source =x, expected key=value", 2),
            ("name: a\nfiles: [\"=x\"]", "missing key name for file path \"x\" in source \"=x\"", 2),
            ("name: a\nfiles: [\"x=\"]", "missing file path for key name \"x\" in source \"x=\"", 2),
            ("name: a\nfiles: [a=b=c]", "source \"a=b=c\" key name or file path contains '='", 2),
            ("literals: [a=b]", "a configmap must have a name", 1),
            ("name: a\nbogus: 1", "unknown field 'bogus' in configMapGenerator entry", 2),
            ("name: a\nliteral: [a=b]", "unknown field 'literal' in configMapGenerator entry; did you mean 'literals'?", 2),
            ("name: a\ntype: Opaque", "unknown field 'type' in configMapGenerator entry", 2),
            ("name: yes", "'name' must be a string, found a bool", 1),
            ("name: a\nliterals: a=b", "'literals' must be a list of strings, found a string", 2),
            ("name: a\noptions: {labels: {a: 1}}", "'labels.a' must be a string, found an int", 2),
            ("name: a\noptions: {immutable: \"true\"}", "'immutable' must be a bool, found a string", 2),
        ]
        for (yaml, message, line) in cases {
            let error = diagnostic { () throws(Diagnostic) in try configMap(yaml) }
            #expect(error?.message == message, "\(yaml)")
            #expect(error?.location?.line == line, "\(yaml)")
        }
    }

    @Test func invalidUTF8InAnEnvFileIsAnError() {
        let error = diagnostic { () throws(Diagnostic) in
            try configMap("name: a\nenvs: [bad.env]", files: ["bad.env": Array("A=1\nB=".utf8) + [0xff]])
        }
        #expect(error?.message == "env file bad.env: line 2 is not valid UTF-8")
    }

    @Test func fileKeyDefaultsToTheBaseName() {
        #expect(Generators.goPathBase("dir/sub/file.txt") == "file.txt")
        #expect(Generators.goPathBase("dir/") == "dir")
        #expect(Generators.goPathBase("file") == "file")
    }
}
