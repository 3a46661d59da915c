import Diagnostics
import Manifests
import Testing
import YAML

/// Sync waves come from specs: a number at the edge of 64 bits must be an error at the value,
/// never an overflow trap where gitopsc derives the waves around it.
@Suite struct SyncWaveBoundsTests {
    @Test(arguments: [
        ("9223372036854775807", 11),
        ("-9223372036854775808", 11),
        ("99999999999999999999", 11),
        ("1000000001", 11),
        ("0x7fffffffffffffff", 11),
    ])
    func operatorSyncWaveOutOfRange(value: String, column: Int) throws {
        let spec = try section("syncWave: \(value)\nnamespace: pipelines-operator\n")
        let error = diagnostic { () throws(Diagnostic) in _ = try OperatorManifests.render(spec, context: context) }
        #expect(error?.code == "manifests.integer-range")
        #expect(error?.message == "operator.syncWave must be an integer from -1000000000 to 1000000000, found '\(value)'")
        #expect(error?.location == SourceLocation(file: "environments/production/east-1.yaml", line: 1, column: column))
        #expect(error?.description
            == "environments/production/east-1.yaml:1:\(column): error: operator.syncWave must be an integer from -1000000000 to 1000000000, found '\(value)'")
    }

    @Test func boundsAreInclusiveAndDerivedWavesStayInside() throws {
        let top = try OperatorManifests.render(section("syncWave: 1000000000\nnamespace: pipelines-operator\n"), context: context)
        #expect(top.map { text($0, "metadata", "annotations", "argocd.argoproj.io/sync-wave") } == ["999999999", "1000000000"])
        let bottom = try OperatorManifests.render(section("syncWave: -1000000000\nnamespace: pipelines-operator\n"), context: context)
        #expect(bottom.map { text($0, "metadata", "annotations", "argocd.argoproj.io/sync-wave") } == ["-1000000001", "-1000000000"])
        let config = try TektonConfigManifest.render(section("{}"), operatorSyncWave: 1_000_000_000, context: context)
        #expect(text(config, "metadata", "annotations", "argocd.argoproj.io/sync-wave") == "1000000001")
    }

    @Test func tektonConfigRefusesAWaveFromOutsideTheRange() throws {
        let empty = try section("{}")
        let error = diagnostic { () throws(Diagnostic) in
            _ = try TektonConfigManifest.render(empty, operatorSyncWave: Int.max, context: context)
        }
        #expect(error?.code == "manifests.integer-range")
        #expect(error?.message == "operator sync wave 9223372036854775807 is outside -1000000000...1000000000")
    }

    @Test func componentSyncWave() throws {
        let settings = try section("namespace: web\nsyncWave: 9223372036854775807\n")
        let error = diagnostic { () throws(Diagnostic) in _ = try ArgoApplications.syncWave(of: "web", settings: settings) }
        #expect(error?.description
            == "environments/production/east-1.yaml:2:11: error: components.web.syncWave must be an integer from -1000000000 to 1000000000, found '9223372036854775807'")
        #expect(try ArgoApplications.syncWave(of: "web", settings: section("syncWave: 0x10\n")) == 16)
        #expect(try ArgoApplications.syncWave(of: "web", settings: section("namespace: web\n")) == nil)
        let soon = try section("syncWave: soon\n")
        let word = diagnostic { () throws(Diagnostic) in _ = try ArgoApplications.syncWave(of: "web", settings: soon) }
        #expect(word?.message == "components.web.syncWave must be an integer, found 'soon'")
    }
}
