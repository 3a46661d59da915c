import Compiler
import Diagnostics
import Foundation
import Testing

@Suite struct RenderedChecksTests {
    /// The checks walk the rendered model: a problem points at the source of the object (a
    /// template file here), and objects gitopsc made itself pass.
    @Test func aNonIntegerSyncWaveIsReportedAtItsTemplate() throws {
        var files = minimalSources
        files["templates/web/cm.yaml"] = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              annotations:
                argocd.argoproj.io/sync-wave: soon

            """
        let tree = try SourceTree(files).compile()
        let problems = RenderedChecks.validate(tree)
        #expect(problems.map(\.code) == ["check.sync-wave"])
        #expect(problems.first?.message == "ConfigMap 'settings': sync-wave annotation 'soon' is not an integer")
        #expect(problems.first?.location?.file.hasSuffix("templates/web/cm.yaml") == true)
        #expect(problems.first?.location?.line == 1)
    }
}
