import Environments
import Foundation
import Testing

@Suite struct SchemaTests {
    static let shippedPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("schema/environment.schema.json").path

    /// The shipped schema is what the code generates. To update it after changing the
    /// model: `GITOPSC_WRITE_SCHEMA=1 swift test --filter SchemaTests` (or `gitopsc schema`).
    @Test func shippedSchemaMatchesTheModel() throws {
        let generated = EnvironmentSchema.jsonSchemaText()
        if ProcessInfo.processInfo.environment["GITOPSC_WRITE_SCHEMA"] == "1" {
            try generated.write(toFile: Self.shippedPath, atomically: true, encoding: .utf8)
        }
        let shipped = try String(contentsOfFile: Self.shippedPath, encoding: .utf8)
        #expect(shipped == generated, "schema/environment.schema.json is stale; regenerate it")
    }

    @Test func generatedSchemaIsDraft202012WithClosedObjects() throws {
        let data = Data(EnvironmentSchema.jsonSchemaText().utf8)
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema["additionalProperties"] as? Bool == false)
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(Set(properties.keys) == ["extends", "abstract", "description", "cluster", "components", "operator",
                                         "tektonConfig", "argocd", "values", "patches", "secrets"])
        let operatorSchema = try #require(properties["operator"] as? [String: Any])
        #expect(operatorSchema["additionalProperties"] as? Bool == false)
        #expect(operatorSchema["type"] as? [String] == ["object", "null"])
        let operatorFields = try #require(operatorSchema["properties"] as? [String: [String: Any]])
        let approval = try #require(operatorFields["installPlanApproval"])
        #expect((approval["enum"] as? [Any])?.count == 3)  // Automatic, Manual, null (deletes)
        #expect(operatorFields["namespace"]?["default"] as? String == "openshift-operators")
        #expect((operatorFields["channel"]?["description"] as? String)?.isEmpty == false)
        // Free-form sections stay open.
        let tektonConfig = try #require(properties["tektonConfig"] as? [String: Any])
        #expect(tektonConfig["additionalProperties"] == nil)
        // Patches: list items are never merged, so null is not allowed there; exactly one of
        // patch/path, or a name and neither (changing an inherited patch).
        let patches = try #require(properties["patches"] as? [String: Any])
        let patch = try #require(patches["items"] as? [String: Any])
        #expect(patch["type"] as? String == "object")
        let choices = try #require(patch["oneOf"] as? [[String: Any]])
        #expect(choices.map { $0["required"] as? [String] } == [["patch"], ["path"], ["name"]])
        #expect(((choices[2]["not"] as? [String: Any])?["anyOf"] as? [Any])?.count == 2)
        let components = try #require(properties["components"] as? [String: Any])
        #expect((components["propertyNames"] as? [String: String])?["pattern"] == EnvironmentSchema.componentName.regex)
    }
}
