import Testing
import YAML
@testable import Diff

/// Each risk category is raised by its own kind of change, and by nothing else.
@Suite struct RiskTests {
    typealias F = Fixture

    func categories(_ old: [String], _ new: [String]) throws -> Set<RiskCategory> {
        let diff = try F.diff(old: F.tree(["production/east-1": old]), new: F.tree(["production/east-1": new]))
        #expect(!diff.isEmpty)
        return Set(diff.risks.map(\.category))
    }

    static func subscription(channel: String = "pipelines-1.19", approval: String = "Automatic") -> String {
        """
        apiVersion: operators.coreos.com/v1alpha1
        kind: Subscription
        metadata: {name: openshift-pipelines-operator-rh, namespace: openshift-operators}
        spec: {channel: \(channel), installPlanApproval: \(approval), name: openshift-pipelines-operator-rh, source: redhat-operators}
        """
    }

    static func crd(served: Bool = true) -> String {
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          names: {kind: Widget, plural: widgets}
          scope: Namespaced
          versions: [{name: v1, served: \(served), storage: true}]
        """
    }

    static func clusterRole(verbs: String = "[get, list]") -> String {
        """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: reader}
        rules: [{apiGroups: [""], resources: [pods], verbs: \(verbs)}]
        """
    }

    static func namespace(team: String = "a") -> String {
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tekton\n  labels: {team: \(team)}\n"
    }

    static func externalSecret(key: String = "production/east-1/db") -> String {
        """
        apiVersion: external-secrets.io/v1
        kind: ExternalSecret
        metadata: {name: db, namespace: tekton}
        spec:
          secretStoreRef: {name: vault, kind: ClusterSecretStore}
          dataFrom: [{extract: {key: \(key)}}]
        """
    }

    @Test func aRemovedObjectIsADeletion() throws {
        let found = try categories([F.deployment(), F.configMap("settings")], [F.deployment()])
        #expect(found == [.deletes])
    }

    @Test func aPodTemplateChangeIsARollout() throws {
        #expect(try categories([F.deployment()], [F.deployment(image: "quay.io/tekton/manager:1.1")]) == [.rollout])
        #expect(try categories([F.deployment()], [F.deployment(args: ["--a", "--new", "--b", "--c"])]) == [.rollout])
    }

    @Test func aReplicaCountChangeIsNoRisk() throws {
        #expect(try categories([F.deployment()], [F.deployment(replicas: 3)]).isEmpty)
    }

    @Test func aSubscriptionChannelOrApprovalChangeIsAnOperatorUpgrade() throws {
        #expect(try categories([Self.subscription()], [Self.subscription(channel: "pipelines-1.20")]) == [.operatorUpgrade])
        #expect(try categories([Self.subscription()], [Self.subscription(approval: "Manual")]) == [.operatorUpgrade])
    }

    @Test func aCRDChangeIsACRDRisk() throws {
        #expect(try categories([Self.crd()], [Self.crd(served: false)]) == [.crd])
    }

    @Test func aClusterRoleChangeIsAnRBACRisk() throws {
        #expect(try categories([Self.clusterRole()], [Self.clusterRole(verbs: "[get, list, delete]")]) == [.rbac])
    }

    @Test func aNamespaceChangeIsANamespaceRisk() throws {
        #expect(try categories([Self.namespace()], [Self.namespace(team: "b")]) == [.namespace])
    }

    @Test func anExternalSecretOrSecretChangeIsASecretRiskWithoutItsValue() throws {
        #expect(try categories([Self.externalSecret()], [Self.externalSecret(key: "production/east-2/db")]) == [.secret])
        let secret = { (value: String) in "apiVersion: v1\nkind: Secret\nmetadata: {name: token, namespace: tekton}\nstringData: {token: \(value)}\n" }
        #expect(try categories([secret("hunter2-old")], [secret("hunter2-new")]) == [.secret])
        let diff = try F.diff(old: F.tree(["p": [secret("hunter2-old")]]), new: F.tree(["p": [secret("hunter2-new")]]))
        for format in [DiffFormat.text(colour: false), .markdown(maxBytes: 65536), .json] {
            for byCause in [false, true] {
                let output = DiffRenderer.render(diff, as: format, byCause: byCause)
                #expect(!output.contains("hunter2"), "\(output)")
            }
        }
    }

    @Test func aSyncWaveChangeIsASyncWaveRisk() throws {
        let old = F.application("tekton", server: "https://api.east", wave: "1")
        let new = F.application("tekton", server: "https://api.east", wave: "2")
        #expect(try categories([old], [new]) == [.syncWave])
    }

    /// The risks come first in text and markdown, and as `risks` in JSON.
    @Test func risksAreListedFirst() throws {
        let diff = try F.diff(
            old: F.tree(["production/east-1": [Self.subscription(), F.configMap("settings")]]),
            new: F.tree(["production/east-1": [Self.subscription(channel: "pipelines-1.20")]]))
        let text = DiffRenderer.render(diff, as: .text(colour: false))
        #expect(text.hasPrefix("""
            risks: 1 object with deletions (prune), 1 object with operator upgrades
              deletes           production/east-1: ConfigMap tekton/settings
              operator-upgrade  production/east-1: Subscription.operators.coreos.com openshift-operators/openshift-pipelines-operator-rh spec.channel

            1 of 1 environment differs
            """), "\(text)")
        let markdown = DiffRenderer.render(diff, as: .markdown(maxBytes: 65536))
        #expect(markdown.hasPrefix("### gitopsc diff: 1 of 1 environment differs\n\n**risks: 1 object with deletions (prune), 1 object with operator upgrades**\n\n- deletes"), "\(markdown)")
    }
}

/// Risks and causes stay inside the markdown size cap, however many there are.
@Suite struct RiskMarkdownCapTests {
    typealias F = Fixture

    @Test func manyRisksAndCausesFitTheCap() throws {
        var old: [String: [String]] = [:]
        var new: [String: [String]] = [:]
        for cluster in 1...20 {
            old["production/east-\(cluster)"] = (1...10).map { F.configMap("settings-\($0)") } + [F.deployment()]
            new["production/east-\(cluster)"] = [F.deployment(image: "quay.io/tekton/manager:\(cluster)")]
        }
        let diff = try F.diff(old: F.tree(old), new: F.tree(new))
        #expect(diff.risks.count == 20 * 11)
        for cap in [600, 2000, 8000] {
            for byCause in [false, true] {
                let markdown = DiffRenderer.render(diff, as: .markdown(maxBytes: cap), byCause: byCause)
                #expect(markdown.utf8.count <= cap)
                #expect(markdown.contains("**risks: 200 objects with deletions (prune), 20 objects with pod template changes (rollout)**"))
                #expect(markdown.contains("more\n"), "\(markdown)")
                #expect(markdown.contains("**truncated:**"))
            }
        }
    }
}
