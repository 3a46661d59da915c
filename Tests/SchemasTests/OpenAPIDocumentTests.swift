import Diagnostics
import FileSources
import Foundation
@testable import Schemas
import Testing
import YAML

/// Built-in kinds from a Kubernetes OpenAPI v3 document, in the shape
/// `kubectl get --raw /openapi/v3/apis/apps/v1` serves: definitions named by Go package,
/// fields wrapped in `allOf: [{$ref}]`, IntOrString as `format: int-or-string`.
@Suite struct OpenAPIDocumentTests {
    static let document = """
        openapi: 3.0.0
        info: {title: Kubernetes, version: v1.32.0}
        components:
          schemas:
            io.k8s.api.apps.v1.Deployment:
              type: object
              properties:
                apiVersion: {type: string}
                kind: {type: string}
                metadata:
                  allOf: [{$ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'}]
                  default: {}
                spec:
                  allOf: [{$ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec'}]
              x-kubernetes-group-version-kind:
                - {group: apps, kind: Deployment, version: v1}
            io.k8s.api.apps.v1.DeploymentSpec:
              type: object
              required: [selector]
              properties:
                replicas: {type: integer, format: int32}
                selector:
                  allOf: [{$ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector'}]
                strategy:
                  type: object
                  properties:
                    rollingUpdate:
                      type: object
                      properties:
                        maxSurge: {allOf: [{$ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString'}]}
                template:
                  type: object
                  properties:
                    spec: {type: object}
            io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector:
              type: object
              properties:
                matchLabels:
                  type: object
                  additionalProperties: {type: string, default: ""}
            io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta:
              type: object
              properties:
                name: {type: string}
            io.k8s.apimachinery.pkg.util.intstr.IntOrString:
              type: string
              format: int-or-string
        """

    func schemas() throws -> SchemaSet {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-openapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.document.write(to: folder.appendingPathComponent("apps-v1.yaml"), atomically: true, encoding: .utf8)
        return try SchemaSet.load([SchemaSet.Source(
            path: folder.path, reference: nil, resolver: PathResolver(files: LocalFiles(), displayBase: folder.path))])
    }

    func paths(_ object: String) throws -> [String]? {
        guard case .checked(let found) = try schemas().validate(try YAMLParser.parseDocument(object, file: "o.yaml")) else { return nil }
        return found.map(\.pathText).sorted()
    }

    @Test func builtInKindsAreValidated() throws {
        let valid = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              strategy: {rollingUpdate: {maxSurge: 25%}}
              template: {spec: {containers: []}}
            """
        #expect(try paths(valid) == [])
        #expect(try paths(valid.replacingOccurrences(of: "maxSurge: 25%", with: "maxSurge: 1")) == [])
        #expect(try paths(valid.replacingOccurrences(of: "maxSurge: 25%", with: "maxSurge: true")) == ["spec.strategy.rollingUpdate.maxSurge"])
        #expect(try paths(valid.replacingOccurrences(of: "replicas: 2", with: "replicaz: 2")) == ["spec.replicaz"])
        #expect(try paths(valid.replacingOccurrences(of: "selector: {matchLabels: {app: web}}", with: "selector: {matchLabels: {app: 1}}")) == ["spec.selector.matchLabels.app"])
        #expect(try paths(valid.replacingOccurrences(of: "  selector: {matchLabels: {app: web}}\n", with: "")) == ["spec.selector"])
        #expect(try paths("apiVersion: apps/v2\nkind: Deployment\nmetadata: {name: web}") == ["apiVersion"], "a version the document does not define")
        #expect(try paths("apiVersion: v1\nkind: Service\nmetadata: {name: web}") == nil, "no schema for the kind")
    }

    @Test func aFileWithoutSchemasIsAnError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gitopsc-noschema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {group: ''}\n".write(to: folder.appendingPathComponent("cm.yaml"), atomically: true, encoding: .utf8)
        let resolver = PathResolver(files: LocalFiles(), displayBase: folder.path)
        let schemas = try SchemaSet.load([SchemaSet.Source(path: folder.path, reference: nil, resolver: resolver)])
        do {
            // Read at load, parsed when an object of a kind (and group) it names is validated.
            try schemas.prepare(for: [try YAMLParser.parseDocument("apiVersion: v1\nkind: ConfigMap", file: "o")])
            Issue.record("a schema file without schemas was accepted")
        } catch let error as DiagnosticList {
            #expect(error.diagnostics.map(\.code) == ["schemas.no-schema"])
        }
        // A kind it does not name: the file is not parsed, nothing to say.
        try schemas.prepare(for: [try YAMLParser.parseDocument("apiVersion: v1\nkind: Secret", file: "o")])
        do {
            _ = try SchemaSet.load([SchemaSet.Source(path: folder.path + "/missing", reference: nil, resolver: resolver)])
        } catch {
            #expect(error.diagnostics.map(\.code) == ["schemas.missing"])
        }
    }
}
