import Diagnostics
import FileSources
import Foundation
@testable import Schemas
import Testing
import YAML

/// A schema and an object, both written as YAML in the test.
func problems(_ schema: String, _ value: String) throws -> [SchemaProblem] {
    let schemaNode = try YAMLParser.parseDocument(schema, file: "schema.yaml")
    let valueNode = try YAMLParser.parseDocument(value, file: "value.yaml")
    return SchemaSet.problems(in: valueNode, against: try StructuralSchema.decode(schemaNode, file: "schema.yaml"))
}

func paths(_ found: [SchemaProblem]) -> [String] { found.map(\.pathText) }

@Suite struct ValidatorTests {
    @Test func typesRequiredAndUnknownFields() throws {
        let schema = """
            type: object
            required: [name]
            properties:
              name: {type: string}
              replicas: {type: integer, format: int32, minimum: 0}
              ratio: {type: number}
              on: {type: boolean}
            """
        #expect(try problems(schema, "name: a\nreplicas: 3\nratio: 1\non: true").isEmpty)
        let found = try problems(schema, "replicas: '3'\nratio: x\non: 1\nnmae: a")
        #expect(Set(paths(found)) == ["name", "replicas", "ratio", "on", "nmae"])
        let unknown = try #require(found.first { $0.isUnknownField })
        #expect(unknown.message == "unknown field 'nmae'; did you mean 'name'?")
        #expect(unknown.location == SourceLocation(file: "value.yaml", line: 4, column: 1))
        #expect(paths(try problems(schema, "name: a\nreplicas: 4294967296")) == ["replicas"], "out of int32")
        #expect(paths(try problems(schema, "name: a\nreplicas: -1")) == ["replicas"])
        #expect(try problems(schema, "name: a\nreplicas: 2.0").isEmpty, "JSON Schema counts 2.0 as an integer")
    }

    @Test func stringKeywordsAndFormats() throws {
        let schema = """
            type: object
            properties:
              mode: {type: string, enum: [a, b]}
              id: {type: string, pattern: '^[a-z]+$', minLength: 2, maxLength: 4}
              at: {type: string, format: date-time}
              data: {type: string, format: byte}
            """
        #expect(try problems(schema, "mode: a\nid: abc\nat: 2024-01-02T03:04:05Z\ndata: aGk=").isEmpty)
        #expect(paths(try problems(schema, "mode: c")) == ["mode"])
        #expect(paths(try problems(schema, "id: A")) == ["id", "id"], "too short and wrong pattern")
        #expect(paths(try problems(schema, "id: abcde")) == ["id"])
        #expect(paths(try problems(schema, "at: yesterday")) == ["at"])
        #expect(paths(try problems(schema, "data: a")) == ["data"])
    }

    @Test func nullsDefaultsAndNullable() throws {
        let schema = """
            type: object
            required: [size, mode]
            properties:
              size: {type: integer, default: 3}
              mode: {type: string}
              note: {type: string, nullable: true}
            """
        #expect(try problems(schema, "mode: a").isEmpty, "the default fills the required field")
        #expect(try problems(schema, "size: null\nmode: a\nnote: null").isEmpty)
        #expect(paths(try problems(schema, "size: 1\nmode: null")) == ["mode"], "a pruned null leaves the field missing")
    }

    @Test func intOrStringPreserveAndEmbedded() throws {
        let schema = """
            type: object
            properties:
              port: {x-kubernetes-int-or-string: true}
              free: {type: object, x-kubernetes-preserve-unknown-fields: true}
              template:
                type: object
                x-kubernetes-embedded-resource: true
                properties:
                  spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """
        #expect(try problems(schema, "port: 80\nfree: {a: 1}\ntemplate: {apiVersion: v1, kind: Pod, metadata: {name: x}, spec: {a: 1}}").isEmpty)
        #expect(try problems(schema, "port: http").isEmpty)
        #expect(paths(try problems(schema, "port: true")) == ["port"])
        #expect(paths(try problems(schema, "port: [1]")) == ["port"])
        #expect(paths(try problems(schema, "template: {status: {}}")) == ["template.status"])
    }

    @Test func listTypes() throws {
        let schema = """
            type: object
            properties:
              tags: {type: array, items: {type: string}, x-kubernetes-list-type: set}
              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [port, protocol]
                items:
                  type: object
                  properties: {port: {type: integer}, protocol: {type: string}, name: {type: string}}
            """
        #expect(try problems(schema, "tags: [a, b]\nports: [{port: 80, protocol: TCP}, {port: 80, protocol: UDP}]").isEmpty)
        #expect(paths(try problems(schema, "tags: [a, b, a]")) == ["tags[2]"])
        #expect(paths(try problems(schema, "ports: [{port: 80, protocol: TCP}, {port: 80, protocol: TCP, name: x}]")) == ["ports[1]"])
        #expect(paths(try problems(schema, "ports: [{port: 80}]")) == ["ports[0]"])
    }

    @Test func junctions() throws {
        let schema = """
            type: object
            properties:
              a: {type: string}
              b: {type: string}
            oneOf:
              - required: [a]
              - required: [b]
            """
        #expect(try problems(schema, "a: x").isEmpty)
        #expect(paths(try problems(schema, "a: x\nb: y")) == [""])
        #expect(try problems(schema, "{}").first?.message == "needs exactly one of: a; b")
    }

    @Test func objectMetaAtTheRoot() throws {
        let root = try StructuralSchema.decode(try YAMLParser.parseDocument("type: object\nproperties: {spec: {type: object}}", file: "s"), file: "s").asObjectRoot()
        func check(_ text: String) throws -> [String] {
            paths(SchemaSet.problems(in: try YAMLParser.parseDocument(text, file: "o"), against: root))
        }
        #expect(try check("apiVersion: x/v1\nkind: X\nmetadata: {name: ok, labels: {a: b}}\nspec: {}").isEmpty)
        #expect(try check("apiVersion: x/v1\nkind: X\nmetadata: {name: Not_OK}") == ["metadata.name"])
        #expect(try check("apiVersion: x/v1\nkind: X\nmetadata: {labels: {a: b}}") == ["metadata"])
        #expect(try check("apiVersion: x/v1\nkind: X\nmetadata: {name: a, labels: {a: 'b c'}}") == ["metadata.labels.a"])
        #expect(try check("kind: X\nmetadata: {name: a, nmae: b}") == ["apiVersion", "metadata.nmae"])
    }

    @Test func pathsPrintAsJSONPath() {
        #expect(PathStep.format([.key("metadata"), .key("annotations"), .key("argocd.argoproj.io/sync-wave")]) == "metadata.annotations['argocd.argoproj.io/sync-wave']")
        #expect(PathStep.format([.key("spec"), .key("containers"), .index(0), .key("name")]) == "spec.containers[0].name")
    }
}
