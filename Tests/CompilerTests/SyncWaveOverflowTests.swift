import Compiler
import Diagnostics
import Testing

/// `operator: {syncWave: 9223372036854775807}` once trapped on `wave + 1` (SIGILL).
@Suite struct SyncWaveOverflowTests {
    @Test func operatorSyncWaveAtInt64MaxIsAnErrorAtTheValue() throws {
        let tree = try SourceTree(minimalSources.merging([
            "environments/prod/east.yaml": """
                extends: base
                cluster: {name: east, server: https://api.east.example.com:6443}
                operator: {syncWave: 9223372036854775807}
                tektonConfig: {profile: all}

                """,
        ]) { $1 })
        let errors = try tree.failures()
        #expect(errors.map(\.description) == [
            "environments/prod/east.yaml:3:22: error: operator.syncWave must be an integer from -1000000000 to 1000000000, found '9223372036854775807'\n  in environments/base.yaml\n  in environments/prod/east.yaml",
        ])
    }

    @Test func componentSyncWaveOutOfRangeIsAnErrorAtTheValue() throws {
        let tree = try SourceTree(minimalSources.merging([
            "environments/prod/east.yaml": """
                extends: base
                cluster: {name: east, server: https://api.east.example.com:6443}
                components:
                  web: {syncWave: 9223372036854775807}

                """,
        ]) { $1 })
        let errors = try tree.failures()
        #expect(errors.map(\.description) == [
            "environments/prod/east.yaml:4:19: error: components.web.syncWave must be an integer from -1000000000 to 1000000000, found '9223372036854775807'\n  in environments/base.yaml\n  in environments/prod/east.yaml",
        ])
    }
}
