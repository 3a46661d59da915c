import Foundation
import Testing
import YAML
@testable import Diff

@Suite struct RendererTests {
    typealias F = Fixture

    /// Many environments, each with several changed objects.
    func largeDiff() throws -> TreeDiff {
        var old: [String: [String]] = [:]
        var new: [String: [String]] = [:]
        for cluster in 1...30 {
            let maps = (1...5).map { "settings-\($0)" }
            old["production/east-\(cluster)"] = maps.map { F.configMap($0, level: "info") }
            new["production/east-\(cluster)"] = maps.map { F.configMap($0, level: "debug") }
        }
        return try F.diff(old: F.tree(old), new: F.tree(new))
    }

    @Test func markdownHasASummaryTableAndACollapsedSectionPerEnvironment() throws {
        let diff = try largeDiff()
        let markdown = DiffRenderer.render(diff, as: .markdown(maxBytes: 1_000_000))
        #expect(markdown.hasPrefix("### gitopsc diff: 30 of 30 environments differ\n\n| environment | added | removed | renamed | changed |\n"))
        #expect(markdown.contains("| production/east-7 | 0 | 0 | 0 | 5 |\n"))
        #expect(markdown.components(separatedBy: "<details>").count - 1 == 30)
        #expect(markdown.contains("<summary>production/east-7: +0 -0 ~5</summary>\n\n```diff\n~ ConfigMap tekton/settings-1\n~     data.level: info -> debug  # clusters/production/east-7/tekton/manifest.yaml:7:10\n"))
        #expect(!markdown.contains("truncated"))
        // The table comes before every section.
        let table = try #require(markdown.range(of: "| production/east-30 |"))
        let firstSection = try #require(markdown.range(of: "<details>"))
        #expect(table.upperBound < firstSection.lowerBound)
    }

    @Test func markdownIsCappedWithANote() throws {
        let diff = try largeDiff()
        for cap in [800, 3000, 10_000] {
            let markdown = DiffRenderer.render(diff, as: .markdown(maxBytes: cap))
            #expect(markdown.utf8.count <= cap)
            #expect(markdown.contains("**truncated:**"))
            #expect(markdown.contains("more changes not shown"))
            // Every opened section is closed, and fences are balanced.
            #expect(markdown.components(separatedBy: "<details>").count == markdown.components(separatedBy: "</details>").count)
            #expect((markdown.components(separatedBy: "```").count - 1) % 2 == 0)
        }
        let capped = DiffRenderer.render(diff, as: .markdown(maxBytes: 10_000))
        let shownSections = capped.components(separatedBy: "<details>").count - 1
        #expect(shownSections > 0)
        // 150 changed objects in 30 environments: what is not shown is counted.
        let note = try #require(capped.split(separator: "\n").first { $0.hasPrefix("**truncated:**") })
        let numbers = note.split(separator: " ").compactMap { Int($0) }
        #expect(numbers.count >= 2)
        #expect(numbers[0] == 30 - shownSections || numbers[0] == 30 - shownSections + 1)
        let shownObjects = capped.components(separatedBy: "\n~ ConfigMap").count - 1
        #expect(numbers[1] == 150 - shownObjects)
    }

    @Test func markdownFencesOutlastBackticksInValues() throws {
        let a = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {x: a}\n"
        let b = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {x: \"```b\"}\n"
        let diff = try F.diff(old: F.tree(["s": [a]]), new: F.tree(["s": [b]]))
        let markdown = DiffRenderer.render(diff, as: .markdown(maxBytes: 65536))
        #expect(markdown.contains("\n````diff\n"))
        #expect(markdown.contains("\n````\n\n</details>"))
    }

    @Test func jsonParsesAndHasTheDocumentedKeys() throws {
        let old = F.tree(["staging": [F.deployment(), F.configMap("settings-7fk2h9c8m4"), F.configMap("gone", extra: "  z: \"9\"")]])
        let new = F.tree(["staging": [F.deployment(replicas: 2), F.configMap("settings-b5t9m2kg6d", level: "debug"),
                                      "apiVersion: v1\nkind: Namespace\nmetadata: {name: tekton}\n"]])
        let diff = try F.diff(old: old, new: new)
        let json = DiffRenderer.render(diff, as: .json)
        #expect(json == DiffRenderer.render(diff, as: .json))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(root.keys) == ["version", "empty", "summary", "risks", "environments"])
        #expect(root["version"] as? Int == 2)
        #expect(root["empty"] as? Bool == false)
        let summary = try #require(root["summary"] as? [String: Int])
        #expect(summary == ["environments": 1, "changedEnvironments": 1, "added": 1, "removed": 1, "renamed": 1, "changed": 1])
        let environments = try #require(root["environments"] as? [[String: Any]])
        let staging = try #require(environments.first)
        #expect(Set(staging.keys) == ["name", "summary", "added", "removed", "renamed", "changed"])
        #expect(staging["name"] as? String == "staging")
        let added = try #require(staging["added"] as? [[String: String]])
        #expect(added == [["group": "", "kind": "Namespace", "namespace": "", "name": "tekton"]])
        let renamed = try #require((staging["renamed"] as? [[String: Any]])?.first)
        #expect(Set(renamed.keys) == ["from", "to", "reason", "changes"])
        #expect(renamed["reason"] as? String == "hashSuffix")
        let changed = try #require((staging["changed"] as? [[String: Any]])?.first)
        #expect(Set(changed.keys) == ["object", "changes"])
        let change = try #require((changed["changes"] as? [[String: Any]])?.first)
        #expect(Set(change.keys) == ["path", "kind", "old", "new", "secret", "lineDiff", "position", "oldSource", "newSource"])
        let source = try #require(change["newSource"] as? [String: Any])
        #expect(source["file"] as? String == "clusters/staging/tekton/manifest.yaml" && source["line"] as? Int == 7 && source["column"] as? Int == 13)
        let risks = try #require(root["risks"] as? [[String: Any]])
        #expect(risks.map { $0["category"] as? String } == ["deletes", "namespace"])
        #expect(change["path"] as? String == "spec.replicas")
        #expect(change["kind"] as? String == "changed")
        #expect(change["old"] as? Int == 1 && change["new"] as? Int == 2)
        #expect(change["lineDiff"] is NSNull)

        // Keys come in the documented order, and the document names every key written.
        #expect(json.hasPrefix("{\n  \"version\": 2,\n  \"empty\": false,\n  \"summary\": {\n"))
        let documentation = try String(contentsOf: Self.documentation, encoding: .utf8)
        for key in Self.keys(of: root) {
            #expect(documentation.contains("`\(key)`"), "docs/diff-json.md does not mention \(key)")
        }
    }

    @Test func jsonKeepsValueTypes() throws {
        let a = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {n: \"1\", f: \"x\"}\nextra: {on: true, ratio: 0.5, none: ~}\n"
        let b = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {n: \"2\", f: \"y\\\"z\"}\n"
        let diff = try F.diff(old: F.tree(["s": [a]]), new: F.tree(["s": [b]]))
        let json = DiffRenderer.render(diff, as: .json)
        #expect(json.contains("\"old\": \"1\",\n"))
        #expect(json.contains("\"new\": \"y\\\"z\",\n"))
        #expect(json.contains("\"none\": null,\n"))
        #expect(json.contains("\"on\": true,\n"))
        #expect(json.contains("\"ratio\": 0.5\n"))
        #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is [String: Any])
    }

    @Test func textQuotesStringsThatReadAsOtherTypes() {
        #expect(Body.inline(.string("1")) == "\"1\"")
        #expect(Body.inline(.scalar("1")) == "1")
        #expect(Body.inline(.scalar("0x10")) == "16")
        #expect(Body.inline(.string("a: b")) == "\"a: b\"")
        #expect(Body.inline(.mapping([("b", .scalar("x")), ("a", .sequence([.scalar("true"), .string("")]))]))
            == "{a: [true, \"\"], b: x}")
        let long = Node.string(String(repeating: "x", count: 500))
        #expect(Body.value(long) == String(repeating: "x", count: 200) + "... (300 more characters)")
    }

    static let documentation = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/diff-json.md")

    /// Every object key of the output's own shape (not of values copied from manifests).
    static func keys(of value: Any) -> Set<String> {
        var keys = Set<String>()
        if let object = value as? [String: Any] {
            for (key, member) in object {
                keys.insert(key)
                if key != "old" && key != "new" { keys.formUnion(Self.keys(of: member)) }
            }
        } else if let array = value as? [Any] {
            for item in array { keys.formUnion(Self.keys(of: item)) }
        }
        return keys
    }
}

