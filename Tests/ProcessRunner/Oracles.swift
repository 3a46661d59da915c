import Foundation

/// The independent programs and data the tests compare gitopsc with. Tests skip, with a
/// message, when one is missing; with `GITOPSC_REQUIRE_ORACLES=1` (set by CI) a missing
/// oracle fails the run instead, so a green CI run means every oracle ran.
public enum Oracles {
    public static var required: Bool {
        ProcessInfo.processInfo.environment["GITOPSC_REQUIRE_ORACLES"] == "1"
    }

    /// The repository holding this package, and `../shared` beside it.
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let shared = repository.deletingLastPathComponent().appendingPathComponent("shared")

    /// An executable on PATH.
    public static func executable(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// What each oracle is, and whether it is here.
    public static var inventory: [(name: String, present: Bool)] {
        [
            ("kubectl (kubectl kustomize, the kustomize oracle)", executable("kubectl") != nil),
            ("../shared/corpus (the 950 kustomize cases)", FileManager.default.fileExists(atPath: shared.appendingPathComponent("corpus").path)),
            ("../shared/crds/validate.py (the CRD schemas)", FileManager.default.fileExists(atPath: shared.appendingPathComponent("crds/validate.py").path)),
            ("kubernetes-validate (pip install kubernetes-validate)", executable("kubernetes-validate") != nil),
            ("pre-commit (pip install pre-commit)", executable("pre-commit") != nil),
            ("python3 with jsonschema", (try? runProcess("/usr/bin/env", ["python3", "-c", "import jsonschema"]).status) == 0),
            ("python3 with yaml (PyYAML: validate.py, scripts/run-ci-steps)", (try? runProcess("/usr/bin/env", ["python3", "-c", "import yaml"]).status) == 0),
            ("script (util-linux: a pseudo-terminal for the progress test)", executable("script") != nil),
            ("git", executable("git") != nil),
        ]
    }
}
