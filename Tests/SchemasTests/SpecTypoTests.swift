import Compiler
import Diagnostics
import Foundation
import ProcessRunner
import Schemas
import Testing

/// With the TektonConfig CRD among the schemas, a misspelt field of a `tektonConfig:`
/// section is an error at its line in the spec, with the field it probably meant, before
/// anything is rendered.
@Suite struct SpecTypoTests {
    func bundledCopy(_ edit: (String) -> String) throws -> URL {
        try SchemasTests.bundledCopy(editing: "base", edit)
    }

    static func misspell(_ text: String) -> String {
        text.replacingOccurrences(of: "    enable-step-actions: true", with: "    enable-step-actoins: true")
    }

    /// The line of the misspelt key in the copy's base.yaml.
    func typoLine(_ root: URL) throws -> Int {
        let lines = try String(contentsOf: root.appendingPathComponent("environments/base.yaml"), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        return try #require(lines.firstIndex { $0.contains("enable-step-actoins") }) + 1
    }

    @Test(.enabled(if: crdsOrRequired, "../shared/crds is absent"))
    func typoIsReportedAtItsLineBeforeRendering() throws {
        try requireCRDs()
        let root = try bundledCopy(Self.misspell)
        defer { try? FileManager.default.removeItem(at: root) }
        let compiler = try Compiler(root: root.path, displayBase: root.path)
        let schemas = try #require(try compiler.loadSchemas(extra: [crdFolder.path]))
        do {
            _ = try compiler.compile(schemas: schemas)
            Issue.record("a misspelt tektonConfig field compiled")
        } catch {
            // Once, at the base layer's line, whatever number of clusters inherit it.
            #expect(error.diagnostics.count == 1, "\(error)")
            let typo = try #require(error.diagnostics.first)
            #expect(typo.code == "schemas.unknown-field")
            #expect(typo.message == "tektonConfig.pipeline.enable-step-actoins: unknown field 'enable-step-actoins'; did you mean 'enable-step-actions'? (TektonConfig CRD)")
            #expect(typo.location == SourceLocation(file: "environments/base.yaml", line: try typoLine(root), column: 5))
            #expect(typo.chain.last?.hasSuffix(".yaml") == true, "the chain of the environment that uses it")
        }
    }

    /// With --allow-unknown-fields the compile goes on, and the rendered TektonConfig warns
    /// about the field at the same spec line; without schemas nothing is checked.
    @Test(.enabled(if: crdsOrRequired, "../shared/crds is absent"))
    func allowedUnknownFieldsWarnAtTheSpecLine() throws {
        try requireCRDs()
        let root = try bundledCopy(Self.misspell)
        defer { try? FileManager.default.removeItem(at: root) }
        let (tree, report) = try compileWithSchemas(root: root, extra: [crdFolder.path], allowUnknownFields: true)
        #expect(!report.hasErrors, "\(report.problems)")
        let warnings = report.problems.filter { $0.message.contains("enable-step-actoins") }
        #expect(warnings.count == tree.environments.count, "one per environment's TektonConfig")
        for warning in warnings {
            #expect(warning.severity == .warning)
            #expect(warning.location == SourceLocation(file: "environments/base.yaml", line: try typoLine(root), column: 5))
            #expect(warning.message.hasSuffix("TektonConfig 'config': spec.pipeline.enable-step-actoins: unknown field 'enable-step-actoins'; did you mean 'enable-step-actions'?"))
        }
        _ = try Compiler(root: root.path, displayBase: root.path).compile()
    }

    /// The bundled environments are valid against the real CRDs as they are.
    @Test(.enabled(if: crdsOrRequired, "../shared/crds is absent"))
    func bundledEnvironmentsAreValid() throws {
        try requireCRDs()
        let (_, report) = try compileWithSchemas(root: Oracles.repository, extra: [crdFolder.path])
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.validated > 0)
    }
}
