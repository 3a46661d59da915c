import Foundation
import ProcessRunner
import Testing

/// A small CRD for a `Widget` (group example.com) and a project whose template renders one.
private let widgetCRD = """
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata: {name: widgets.example.com}
    spec:
      group: example.com
      names: {kind: Widget, plural: widgets}
      scope: Namespaced
      versions:
      - name: v1
        served: true
        storage: true
        schema:
          openAPIV3Schema:
            type: object
            properties:
              spec:
                type: object
                required: [size]
                properties:
                  size: {type: integer, minimum: 1}
                  colour: {type: string, enum: [red, blue]}

    """

private func widgetProject(spec: String, settings: String = "schemas:\n- schemas\n") throws -> URL {
    try temporaryFolder([
        "gitopsc.yaml": settings,
        "schemas/widgets.yaml": widgetCRD,
        "environments/east.yaml": "cluster:\n  name: east\n  server: https://api.east.example.com:6443\ncomponents:\n  web: {namespace: web}\n",
        "templates/web/kustomization.yaml": "resources:\n- widget.yaml\n",
        "templates/web/widget.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n" + spec,
    ])
}

@Suite(.enabled(if: gitopscBinary != nil, "the gitopsc executable is not built beside the tests: run `swift build --build-tests`"))
struct SchemaOptionTests {
    @Test func compileRefusesAnInvalidObjectAndWritesNothing() throws {
        let root = try widgetProject(spec: "  size: 0\n  colur: red\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["compile"], in: root)
        #expect(run.status == 1, "\(run.output)")
        #expect(run.stderr.contains("templates/web/widget.yaml:6:9: error: environment 'east', component 'web', Widget 'w': spec.size: 0 is less than the minimum 1\n"), "\(run.stderr)")
        #expect(run.stderr.contains("templates/web/widget.yaml:7:3: error: environment 'east', component 'web', Widget 'w': spec.colur: unknown field 'colur'; did you mean 'colour'?\n"), "\(run.stderr)")
        #expect(run.stdout.hasPrefix("validated 1 object against schemas; 2 objects had no schema (argoproj.io/v1alpha1 Application x2); 1 object failed"), "\(run.stdout)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path), "nothing written")
    }

    @Test func unknownFieldsCanBeWarnings() throws {
        let root = try widgetProject(spec: "  size: 2\n  colur: red\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["compile", "--allow-unknown-fields"], in: root)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stderr.contains("templates/web/widget.yaml:7:3: warning: "), "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("out/clusters/east/web/manifest.yaml").path))
    }

    @Test func checkValidatesWithSchemasFromTheCommandLine() throws {
        let root = try widgetProject(spec: "  colour: green\n", settings: "")
        defer { try? FileManager.default.removeItem(at: root) }
        let plain = try gitopsc(["check"], in: root)
        #expect(!plain.output.contains("Widget 'w'"), "no schemas, no schema problems: \(plain.output)")
        let run = try gitopsc(["check", "--schemas", "schemas/widgets.yaml"], in: root)
        #expect(run.status == 1)
        #expect(run.stderr.contains("templates/web/widget.yaml:5:1: error: environment 'east', component 'web', Widget 'w': spec.size: missing required field 'size'"), "\(run.stderr)")
        #expect(run.stderr.contains("spec.colour: 'green' is not one of the allowed values: 'red', 'blue'"), "\(run.stderr)")
    }

    @Test func buildValidatesPlainKustomizeFolders() throws {
        let root = try widgetProject(spec: "  size: many\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["build", "templates/web", "--schemas", "schemas"], in: root)
        #expect(run.status == 1)
        #expect(run.stdout.contains("kind: Widget"), "the build is printed all the same")
        #expect(run.stderr.contains("templates/web/widget.yaml:6:9: error: folder 'templates/web', Widget 'w': spec.size: expected integer, got string 'many'"), "\(run.stderr)")
        #expect(run.stderr.contains("validated 1 object against schemas; 1 object failed"), "\(run.stderr)")
    }

    @Test func schemaPathsFollowTheRootRules() throws {
        let root = try widgetProject(spec: "  size: 1\n", settings: "schemas:\n- ../elsewhere\n- missing\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try gitopsc(["check"], in: root)
        #expect(run.status == 2, "\(run.output)")
        #expect(run.stderr.contains("gitopsc.yaml:2:3: error: security; "), "\(run.stderr)")
    }
}
