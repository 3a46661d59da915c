import Diagnostics
import Foundation
import ProcessRunner
import Testing
import YAML
@testable import Kustomize

/// The engine answers some questions by a shortcut instead of the plain computation: a
/// patch target's plain name is compared as text before its regular expression runs, and
/// the namespace transformer counts objects per identity instead of comparing every pair.
/// These properties check each shortcut against the plain computation on generated inputs.
@Suite struct EngineShortcutTests {
    /// A target pattern matches exactly what its anchored regular expression matches,
    /// whether or not it takes the plain-text shortcut.
    @Test func targetPatternsMatchAsTheirRegularExpression() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        // Mostly characters a name may have, some a regular expression treats specially, and
        // line breaks, which the anchor `$` accepts at the very end.
        let alphabet = Array("ab-_/:9.*+?()[]|^$\\ \n\r\u{85}é")
        func text(_ length: Int) -> String {
            String((0..<length).map { _ in random.nextBool(percent: 70) ? "ab-_"[Int.random(in: 0..<4, using: &random)] : alphabet.randomElement(using: &random)! })
        }
        var literals = 0
        for _ in 0..<2_000 {
            let pattern = text(Int.random(in: 1...6, using: &random))
            // The regular expression alone is the reference: the shortcut must not change
            // what it matches (how it matches is `Pattern`'s business).
            guard let regex = Pattern("^(?:\(pattern))$"), let target = try? TargetPattern(Node.string(pattern)) else { continue }
            if target.isLiteral { literals += 1 }
            let values = [
                pattern, pattern + "\n", pattern + "\r\n", pattern + "\u{85}", pattern + "x", "x" + pattern,
                String(pattern.dropLast()), text(Int.random(in: 0...6, using: &random)),
            ]
            for value in values {
                let expected = regex.matches(value)
                #expect(
                    target.matches(value) == expected,
                    "seed \(seed) (GITOPSC_SEED=\(seed) to replay): pattern \(pattern.debugDescription) on \(value.debugDescription)")
            }
        }
        #expect(literals > 100, "seed \(seed): the generator made only \(literals) plain-name patterns")
    }

    /// The namespace transformer refuses to put two objects on one identity exactly when
    /// comparing every pair of the objects it leaves says two are the same.
    @Test func namespaceRefusesDuplicatesExactlyWhenTwoObjectsMeet() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        var refused = 0
        for _ in 0..<300 {
            var seen = Set<ResId.ObjectKey>()
            var objects: [Resource] = []
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let kind = ["ConfigMap", "Secret", "ClusterRole"].randomElement(using: &random)!
                let apiVersion = kind == "ClusterRole" ? "rbac.authorization.k8s.io/v1" : "v1"
                let name = ["a", "b"].randomElement(using: &random)!
                let namespace = ["", "default", "team", "other"].randomElement(using: &random)!
                var text = "apiVersion: \(apiVersion)\nkind: \(kind)\nmetadata:\n  name: \(name)\n"
                if !namespace.isEmpty { text += "  namespace: \(namespace)\n" }
                let object = Resource(node: try YAMLParser.parseStream(text, file: "r.yaml")[0])
                // A build never holds two objects of one identity to begin with.
                if seen.insert(object.id.objectKey).inserted { objects.append(object) }
            }
            let target = ["team", "default", "fresh"].randomElement(using: &random)!
            var moved = objects
            var failure: Diagnostic?
            do {
                try Transformers.namespace(.string(target), &moved, config: .builtin)
            } catch {
                failure = error
            }
            // The plain computation: every object where the transformer puts it, every pair compared.
            let ends = objects.map { object in
                object.id.gvk.isClusterScoped ? object.id : ResId(gvk: object.id.gvk, name: object.id.name, namespace: target)
            }
            let meet = ends.indices.contains { i in ends.indices.contains { j in i < j && ends[i].isSameObject(as: ends[j]) } }
            #expect(
                (failure != nil) == meet,
                "seed \(seed) (GITOPSC_SEED=\(seed) to replay): \(objects.map(\.id)) to '\(target)': \(failure?.message ?? "accepted")")
            if let failure {
                refused += 1
                #expect(failure.code == "kustomize.duplicate-id")
            } else {
                #expect(moved.map(\.id) == ends)
            }
        }
        #expect(refused > 10 && refused < 290, "seed \(seed): \(refused) of 300 generated cases refused; the generator should make both kinds")
    }

    /// A target reads an object's kind and name before its whole id: it selects exactly the
    /// objects that comparing every field of the current and original ids selects.
    @Test func targetsSelectAsComparingEveryField() throws {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        func pick(_ choices: [String?]) -> String? { choices.randomElement(using: &random)! }
        var selected = 0
        for _ in 0..<2_000 {
            var target = ""
            for (field, choices) in [
                ("group", [nil, "", "apps", "a.*"]), ("version", [nil, "v1", "v.*"]), ("kind", [nil, "ConfigMap", "Deployment", "C.*"]),
                ("name", [nil, "a", "b", "p-a", "(a|b)"]), ("namespace", [nil, "default", "team", "t.*"]),
                ("labelSelector", [nil, "app=x", "app!=x"]),
            ] as [(String, [String?])] {
                if let value = pick(choices) { target += "\(field): \"\(value)\"\n" }
            }
            let selector = try Selector(target.isEmpty ? Node(.mapping([])) : YAMLParser.parseStream(target, file: "t.yaml")[0])
            let kind = pick(["ConfigMap", "Deployment", "Namespace"])!
            let apiVersion = kind == "Deployment" ? "apps/v1" : "v1"
            var text = "apiVersion: \(apiVersion)\nkind: \(kind)\nmetadata:\n  name: \(pick(["a", "b"])!)\n"
            if let namespace = pick([nil, "default", "team"]) { text += "  namespace: \(namespace)\n" }
            if let app = pick([nil, "x", "y"]) { text += "  labels:\n    app: \(app)\n" }
            var object = Resource(node: try YAMLParser.parseStream(text, file: "r.yaml")[0])
            if random.next() % 3 == 0 {
                object.rememberId()
                object.name = "p-" + object.name
            }
            let current = object.id
            let original = object.previousIds.first ?? current
            func matches(_ pattern: String?, _ value: String) -> Bool {
                guard let pattern, !pattern.isEmpty else { return true }
                return Pattern("^(?:\(pattern))$")!.matches(value)
            }
            func value(_ field: String) -> String? {
                (try? YAMLParser.parseStream(target.isEmpty ? "{}" : target, file: "t.yaml"))?.first?[field]?.text
            }
            let plain = (value("namespace") == nil || matches(value("namespace"), original.effectiveNamespace) || matches(value("namespace"), current.effectiveNamespace))
                && (matches(value("name"), original.name) || matches(value("name"), current.name))
                && matches(value("group"), current.gvk.group) && matches(value("version"), current.gvk.version)
                && matches(value("kind"), current.gvk.kind)
                && (value("labelSelector").map { $0 == "app=x" ? object.labels["app"] == "x" : object.labels["app"] != "x" } ?? true)
            if plain { selected += 1 }
            #expect(selector.selects(object) == plain, "seed \(seed) (GITOPSC_SEED=\(seed) to replay): \(target.debugDescription) on \(text.debugDescription)")
        }
        #expect(selected > 100, "seed \(seed): only \(selected) of 2000 generated cases select; the generator should make both kinds")
    }
}

@Suite struct GoJSONStringTests {
    /// Go's escaping, one character at a time: the plain computation the run-copying encoder
    /// must agree with.
    static func escapedOneByOne(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "<", ">", "&", "\u{2028}", "\u{2029}": output += String(format: "\\u%04x", scalar.value)
            default: output += scalar.value < 0x20 ? String(format: "\\u%04x", scalar.value) : String(scalar)
            }
        }
        return output + "\""
    }

    @Test func stringsEncodeAsGoEscapesThemOneByOne() {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let alphabet: [Unicode.Scalar] = [
            "a", "Z", "0", " ", "\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{00}", "\u{1F}", "\u{7F}", "<", ">", "&",
            "\u{2028}", "\u{2029}", "\u{2027}", "\u{202A}", "\u{20AC}", "é", "\u{301}", "\u{1F600}", "\u{E000}",
        ]
        for _ in 0..<3_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...12, using: &random) {
                text.unicodeScalars.append(alphabet.randomElement(using: &random)!)
            }
            var encoded = "prefix:"
            GoJSON.encodeString(text, into: &encoded)
            #expect(encoded == "prefix:" + GoJSONStringTests.escapedOneByOne(text), "seed \(seed) (GITOPSC_SEED=\(seed) to replay): \(text.debugDescription)")
        }
    }
}

@Suite struct FieldSpecSplitTests {
    /// ASCII paths without an escape are cut by bytes; the general loop must agree with that
    /// on every such path, and `\\/` must still keep a slash inside a step.
    @Test func bytewiseSplitAgreesWithTheGeneralLoop() {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let alphabet = Array("ab/[]\r\n.-")
        for _ in 0..<5_000 {
            let path = String((0..<Int.random(in: 0...10, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            #expect(FieldSpec.split(path) == FieldSpec.splitEscaped(path), "seed \(seed) (GITOPSC_SEED=\(seed) to replay): \(path.debugDescription)")
        }
        #expect(FieldSpec.split(#"metadata/annotations/a.io\/b"#) == ["metadata", "annotations", "a.io/b"])
        #expect(FieldSpec.split("spec/containers[]/image").map { FieldSpec.Step($0).isList } == [false, true, false])
        #expect(FieldSpec("spec/containers[]/image").steps.map(\.name) == ["spec", "containers", "image"])
        #expect(FieldSpec.split("a//b/") == ["a", "", "b", ""])
    }
}

@Suite struct APIVersionSplitTests {
    /// On generated text with slashes beside combining marks, prepended marks and line
    /// breaks, the group is what comes before the first character `/`, found by character.
    @Test func groupSplitAgreesWithACharacterSearch() {
        let seed = SeededRandom.runSeed()
        var random = SeededRandom(seed: seed)
        let pieces = ["/", "/", "a", "v1", "é", "\u{301}", "\u{600}", "\r", "\n", ".io", "\u{200D}"]
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let gvk = GVK(apiVersion: text, kind: "K")
            let slash = text.firstIndex(of: "/")
            let group = slash.map { String(text[..<$0]) } ?? ""
            let version = slash.map { String(text[text.index(after: $0)...]) } ?? text
            #expect(gvk.group == group && gvk.version == version, "seed \(seed) (GITOPSC_SEED=\(seed) to replay): \(text.debugDescription)")
        }
    }

    /// The group ends at the first character `/`: bytewise for ASCII text, by character
    /// otherwise, where a slash with a combining mark is not a slash.
    @Test func groupEndsAtTheFirstSlashCharacter() {
        let cases: [(String, String, String)] = [
            ("v1", "", "v1"), ("apps/v1", "apps", "v1"), ("a/b/c", "a", "b/c"), ("/v1", "", "v1"), ("apps/", "apps", ""),
            ("", "", ""), ("é.io/v1", "é.io", "v1"), ("a/\u{301}b/c", "a/\u{301}b", "c"), ("x\u{301}/v2", "x\u{301}", "v2"),
        ]
        for (apiVersion, group, version) in cases {
            let gvk = GVK(apiVersion: apiVersion, kind: "K")
            #expect(gvk.group == group && gvk.version == version, "\(apiVersion.debugDescription) gave \(gvk.group.debugDescription) and \(gvk.version.debugDescription)")
            #expect(gvk.kind == "K")
        }
    }
}

extension SeededRandom {
    fileprivate mutating func nextBool(percent: Int) -> Bool {
        Int.random(in: 0..<100, using: &self) < percent
    }
}

extension String {
    fileprivate subscript(offset: Int) -> Character {
        self[index(startIndex, offsetBy: offset)]
    }
}
