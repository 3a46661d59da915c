import Compiler
import Diagnostics
import Foundation
import ProcessRunner
import Schemas
import Testing

/// The Konflux example against the real CRDs: its committed TektonConfig lacks four fields
/// that TektonConfig v0.81 requires, in every one of its 13 clusters.
@Suite struct KonfluxSchemaTests {
    @Test(.enabled(if: crdsOrRequired, "../shared/crds is absent"))
    func reportsExactlyTheFourMissingTektonConfigFieldsPerCluster() throws {
        try requireCRDs()
        let (tree, report) = try compileWithSchemas(root: konfluxExample, extra: [crdFolder.path])
        #expect(tree.environments.count == 13)
        let errors = report.problems.filter { $0.severity == .error }
        let missing = ["spec.chain.disabled", "spec.result.is_external_db", "spec.trigger.disabled", "spec.tektonpruner.global-config"]
        var expected: Set<String> = []
        for environment in tree.environments {
            for path in missing {
                expected.insert("environment '\(environment.name)', component 'pipeline-service', TektonConfig 'config': \(path): missing required field '\(path.split(separator: ".").last!)'")
            }
        }
        #expect(Set(errors.map(\.message)) == expected)
        #expect(errors.count == 52)
        #expect(report.problems.count == 52, "no warnings either: \(report.problems.filter { $0.severity != .error })")
        // Each at the line of the section's key in the template the TektonConfig comes from.
        for error in errors {
            let location = try #require(error.location)
            #expect(location.file.hasSuffix("base/main-pipeline-service-configuration.yaml"), "\(location)")
            let lines = try String(contentsOfFile: location.file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            let section = error.message.split(separator: ": ")[1].split(separator: ".")[1]
            #expect(lines[location.line - 1] == "  \(section):", "\(location) is not the '\(section):' key")
            #expect(location.column == 3)
        }
        #expect(report.summary.hasPrefix("validated \(report.validated) objects against schemas; "))
        #expect(report.summary.hasSuffix("; 13 objects failed"))
    }

    /// The example's own gitopsc.yaml names no schemas: without --schemas nothing changes.
    @Test func theExampleNamesNoSchemasByDefault() throws {
        let compiler = try Compiler(root: konfluxExample.path, displayBase: konfluxExample.path)
        #expect(try compiler.loadSchemas() == nil)
    }
}
