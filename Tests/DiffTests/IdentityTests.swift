import Testing
import YAML
@testable import Diff

/// Two environments compared with each other: objects named after the environment or the
/// cluster are paired, and `ignoreIdentity` folds values that differ only by those names.
@Suite struct IdentityTests {
    static func identity(_ environment: String, cluster: String) -> EnvironmentIdentity {
        EnvironmentIdentity([
            .init(placeholder: "${environment.name}", value: environment),
            .init(placeholder: "${environment.name:object}", value: environment.replacingOccurrences(of: "/", with: "-")),
            .init(placeholder: "${environment.name:label}", value: environment.replacingOccurrences(of: "/", with: ".")),
            .init(placeholder: "${cluster.name}", value: cluster),
        ])
    }

    static func objects(_ environment: String, cluster: String, retention: String) throws -> [Node] {
        let object = environment.replacingOccurrences(of: "/", with: "-")
        let label = environment.replacingOccurrences(of: "/", with: ".")
        return try TreeDiffer.objects(parsing: ["\(environment).yaml": """
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata:
              name: \(object)-web
              namespace: openshift-gitops
              labels: {gitopsc.io/environment: \(label)}
            spec:
              destination: {name: \(cluster), namespace: web}
              source: {path: clusters/\(environment)/web}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: web}
            data:
              vault: secrets/\(cluster)/web
              retention: \(retention)
              args: [--cluster=\(cluster), --verbose]
            """])
    }

    func diff(ignoreIdentity: Bool) throws -> EnvironmentDiff {
        let a = try Self.objects("prod/east", cluster: "east-1", retention: "30d")
        let b = try Self.objects("prod/west", cluster: "west-2", retention: "60d")
        let diff = try TreeDiffer.diffEnvironments(
            ("prod/east", a), ("prod/west", b),
            identities: (Self.identity("prod/east", cluster: "east-1"), Self.identity("prod/west", cluster: "west-2")),
            ignoreIdentity: ignoreIdentity)
        return diff.environments[0]
    }

    @Test func objectsNamedAfterTheEnvironmentArePaired() throws {
        let environment = try diff(ignoreIdentity: false)
        #expect(environment.added.isEmpty && environment.removed.isEmpty)
        let rename = try #require(environment.renamed.first)
        #expect(rename.reason == .identity)
        #expect(rename.from.name == "prod-east-web" && rename.to.name == "prod-west-web")
        #expect(rename.changes.map(\.path) == [
            #"metadata.labels["gitopsc.io/environment"]"#, "spec.destination.name", "spec.source.path",
        ])
        let settings = try #require(environment.changed.first)
        #expect(settings.changes.map(\.path) == ["data.args[0]", "data.retention", "data.vault"])
    }

    @Test func ignoringIdentityLeavesOnlyOtherDifferences() throws {
        let environment = try diff(ignoreIdentity: true)
        #expect(environment.renamed.isEmpty && environment.added.isEmpty && environment.removed.isEmpty)
        #expect(environment.changed.flatMap(\.changes).map(\.path) == ["data.retention"])
    }

    @Test func longerNamesAreFoldedFirst() {
        let identity = Self.identity("prod/east-1", cluster: "east-1")
        #expect(identity.folded("prod-east-1-web on east-1") == "${environment.name:object}-web on ${cluster.name}")
    }
}
