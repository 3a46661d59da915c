import Foundation
import ProcessRunner
@testable import Schemas
import Testing

/// The textual pre-check that spares parsing schema files of kinds no object uses must
/// never refuse a file that defines the kind.
@Suite struct SchemaFileTests {
    func file(_ text: String) -> SchemaFile {
        SchemaFile(path: "/x.yaml", display: "x.yaml", bytes: Array(text.utf8))
    }

    @Test func spellingsOfAKindAndGroup() {
        #expect(file("spec:\n  group: argoproj.io\n  names:\n    kind: Application\n").mayDefine(group: "argoproj.io", kind: "Application"))
        #expect(file(#"{"spec": {"group": "argoproj.io", "names": {"kind": "Application"}}}"#).mayDefine(group: "argoproj.io", kind: "Application"))
        #expect(file("{group: 'argoproj.io', names: {kind: Application, plural: applications}}").mayDefine(group: "argoproj.io", kind: "Application"))
        #expect(file("x-kubernetes-group-version-kind: [{group: '', kind: Service, version: v1}]").mayDefine(group: "", kind: "Service"))
        #expect(!file("group: argoproj.io\nkind: ApplicationSet\n").mayDefine(group: "argoproj.io", kind: "Application"))
        #expect(!file("group: argoproj.io\ndescription: an Application\n").mayDefine(group: "argoproj.io", kind: "Application"))
        #expect(!file("group: argoproj.io.example\nkind: Application\n").mayDefine(group: "argoproj.io", kind: "Application"))
        #expect(!file("subkind: Application\ngroup: argoproj.io").mayDefine(group: "argoproj.io", kind: "Application"))
    }

    /// Every kind each real CRD file defines passes the pre-check for that file; and the
    /// real folder's files are told apart (ApplicationSet's file is not parsed for Application).
    @Test(.enabled(if: crdsOrRequired, "../shared/crds is absent"))
    func everyRealDefinitionPassesThePreCheck() throws {
        try requireCRDs()
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: crdFolder.path).sorted() where name.hasSuffix(".yaml") {
            let bytes = Array(try Data(contentsOf: crdFolder.appendingPathComponent(name)))
            let schemaFile = SchemaFile(path: crdFolder.path + "/" + name, display: name, bytes: bytes)
            for definition in try schemaFile.definitions() {
                #expect(schemaFile.mayDefine(group: definition.group, kind: definition.kind), "\(name): \(definition.kind)")
                checked += 1
            }
            if name == "argoproj.io_applicationsets.yaml" {
                #expect(!schemaFile.mayDefine(group: "argoproj.io", kind: "Application"))
            }
        }
        #expect(checked >= 15)
    }
}
