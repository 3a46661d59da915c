import ProcessRunner
import Testing

@Suite struct OracleTests {
    /// In CI every oracle must be here: a test that skipped for lack of one would make a
    /// green run mean less than it says.
    @Test(.enabled(if: Oracles.required, "GITOPSC_REQUIRE_ORACLES is not set: missing oracles make their tests skip"))
    func everyOracleIsPresent() {
        let missing = Oracles.inventory.filter { !$0.present }.map(\.name)
        #expect(missing.isEmpty, "missing oracles: \(missing.joined(separator: "; "))")
        #expect(gitopscBinary != nil, "the gitopsc executable is not built beside the tests")
    }
}
