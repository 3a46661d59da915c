import Diagnostics
import Foundation
import Kustomize
import Testing

let configMap = """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
    data:
      key: value

    """

@Suite struct BuildErrorTests {
    /// Builds `folder` of a tree and returns the error it must fail with.
    func failure(_ files: [String: String], folder: String = "app") throws -> Diagnostic {
        let tree = try TemporaryTree(files)
        let builder = KustomizeBuilder(store: SourceStore(displayBase: tree.path()))
        do {
            _ = try builder.build(tree.path(folder))
        } catch {
            return error
        }
        Issue.record("the build succeeded")
        return Diagnostic.error("none", "none")
    }

    @Test func malformedYAMLNamesFileLineAndColumn() throws {
        let error = try failure(["app/kustomization.yaml": "resources:\n- cm.yaml\n", "app/cm.yaml": "a: [1\n"])
        #expect(error.code == "yaml.syntax")
        #expect(error.location?.file == "app/cm.yaml")
        #expect(error.chain == ["app/kustomization.yaml"])
    }

    /// kustomize decodes `options.index` as an int: a string or a float is an error there,
    /// never index 0 (kubectl kustomize: "cannot unmarshal string into ... of type int").
    @Test(arguments: ["abc", "1.5", "\"1\""])
    func replacementIndexMustBeAnInteger(index: String) throws {
        let error = try failure([
            "app/kustomization.yaml": """
                resources: [cm.yaml]
                replacements:
                - source: {kind: ConfigMap, name: settings, fieldPath: data.key}
                  targets:
                  - select: {kind: ConfigMap, name: settings}
                    fieldPaths: [data.key]
                    options: {delimiter: "-", index: \(index)}

                """,
            "app/cm.yaml": configMap,
        ])
        #expect(error.code == "kustomize.replacement")
        #expect(error.message.hasPrefix("options.index must be an integer (cannot unmarshal "))
        #expect(error.location?.line == 7)
    }

    @Test func missingResourceFile() throws {
        let error = try failure(["app/kustomization.yaml": "resources:\n- cm.yaml\n- missing.yaml\n", "app/cm.yaml": configMap])
        #expect(error.code == "kustomize.missing-resource")
        #expect(error.description.hasPrefix("app/kustomization.yaml:3:3: error: resource 'missing.yaml' not found"))
    }

    @Test func resourceCycle() throws {
        let error = try failure([
            "app/kustomization.yaml": "resources:\n- ../base\n",
            "base/kustomization.yaml": "resources:\n- ../app\n",
        ])
        #expect(error.code == "kustomize.cycle")
        #expect(error.location?.file == "base/kustomization.yaml")
    }

    @Test func fileOutsideTheRootIsRefused() throws {
        let error = try failure(["app/kustomization.yaml": "resources:\n- ../cm.yaml\n", "cm.yaml": configMap])
        #expect(error.code == "path.outside-root")
        #expect(error.location == SourceLocation(file: "app/kustomization.yaml", line: 2, column: 3))
    }

    @Test func remoteResourceIsRefused() throws {
        let error = try failure(["app/kustomization.yaml": "resources:\n- https://github.com/org/repo/config?ref=v1\n"])
        #expect(error.code == "kustomize.remote")
        #expect(error.message.contains("network"))
    }

    @Test func unknownFieldSuggestsTheNearestOne() throws {
        let error = try failure(["app/kustomization.yaml": "resource:\n- cm.yaml\n"])
        #expect(error.code == "kustomize.unknown-field")
        #expect(error.message.contains("did you mean 'resources'?"))
        #expect(error.location == SourceLocation(file: "app/kustomization.yaml", line: 1, column: 1))
    }

    @Test func helmChartsAreRefusedNamingTheField() throws {
        let error = try failure(["app/kustomization.yaml": "helmCharts:\n- name: x\n"])
        #expect(error.code == "kustomize.unsupported")
        #expect(error.message.contains("helmCharts"))
    }

    @Test func duplicateResourceIds() throws {
        let error = try failure([
            "app/kustomization.yaml": "resources:\n- a.yaml\n- b.yaml\n",
            "app/a.yaml": configMap,
            "app/b.yaml": configMap,
        ])
        #expect(error.code == "kustomize.duplicate-id")
        #expect(error.location?.file == "app/b.yaml")
    }

    @Test func strategicMergePatchWithoutMatch() throws {
        let error = try failure([
            "app/kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- path: patch.yaml\n",
            "app/cm.yaml": configMap,
            "app/patch.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  k: v\n",
        ])
        #expect(error.code == "kustomize.patch-target")
        #expect(error.location?.file == "app/patch.yaml")
    }

    @Test func jsonPatchPathThatDoesNotExist() throws {
        let error = try failure([
            "app/kustomization.yaml": """
                resources:
                - cm.yaml
                patches:
                - target: {kind: ConfigMap, name: settings}
                  patch: |
                    - op: replace
                      path: /data/absent/deeper
                      value: x

                """,
            "app/cm.yaml": configMap,
        ])
        #expect(error.location?.file == "app/kustomization.yaml")
        #expect(error.message.contains("/data/absent/deeper"))
    }

    @Test func strategicMergeTypeConflict() throws {
        let error = try failure([
            "app/kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- path: patch.yaml\n",
            "app/cm.yaml": configMap,
            "app/patch.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n- not-a-map\n",
        ])
        #expect(error.location?.file == "app/patch.yaml")
    }

    @Test func componentListedAsResource() throws {
        let error = try failure([
            "app/kustomization.yaml": "resources:\n- ../component\n",
            "component/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamePrefix: x-\n",
        ])
        #expect(error.message.contains("is a Component"))
    }
}
