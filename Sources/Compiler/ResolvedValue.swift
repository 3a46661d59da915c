import Diagnostics
import Environments
import YAML

extension Explain {
    /// `explained` with its value's placeholders resolved for the environment, as the
    /// compiler resolves them for the cluster (`gitopsc explain --resolved`).
    public static func resolving(_ explained: ExplainedValue, in environments: [Environment]) throws(DiagnosticList) -> ExplainedValue {
        guard let value = explained.value, let environment = environments.first(where: { $0.name == explained.environment }) else {
            return explained
        }
        var copy = explained
        copy.resolvedValue = try Placeholders.substitute(in: value, for: environment)
        return copy
    }
}
