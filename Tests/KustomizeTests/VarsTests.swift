import Diagnostics
import Foundation
import Kustomize
import Testing

/// `vars`, compared with `kubectl kustomize` byte for byte (or both failing).
@Suite(.enabled(if: Kubectl.path != nil, Kubectl.skipMessage))
struct VarsTests {
    static let service = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          ports:
          - port: 8080
            targetPort: $(PORT)

        """

    /// Trees kustomize builds: the output must be the same bytes.
    static let building: [String: [String: String]] = [
        "prefixes, escapes, unknown references, typed values": [
            "app/kustomization.yaml": """
                namePrefix: p-
                resources: [service.yaml, deployment.yaml]
                vars:
                - name: SVC
                  objref: {kind: Service, name: web, apiVersion: v1}
                - name: PORT
                  objref: {kind: Service, name: web, apiVersion: v1}
                  fieldref:
                    fieldPath: spec.ports[0].port

                """,
            "app/service.yaml": service,
            "app/deployment.yaml": """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  labels: {svc: $(SVC), quoted: 'text', escaped: "$$(SVC)", open: "$(SVC"}
                spec:
                  template:
                    spec:
                      containers:
                      - name: main
                        image: nginx
                        args: ["$(SVC)", "x-$(SVC)-$(UNKNOWN)", '$$(SVC)', "8080"]
                        env:
                        - {name: PORT, value: $(PORT)}
                        - {name: URL, value: "http://$(SVC):$(PORT)/"}

                """,
        ],
        "bases, components, generated names and suffixes": [
            "base/kustomization.yaml": """
                namePrefix: b-
                resources: [job.yaml]
                configMapGenerator:
                - name: settings
                  literals: [mode=fast]
                vars:
                - name: SETTINGS
                  objref: {kind: ConfigMap, name: settings, apiVersion: v1}

                """,
            "base/job.yaml": """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: migrate
                spec:
                  template:
                    spec:
                      containers:
                      - name: main
                        image: tool
                        command: ["migrate", "--config=$(SETTINGS)", "--job=$(JOB)", "--port=$(PORT)"]
                        volumeMounts:
                        - {name: data, mountPath: /data/$(JOB)}

                """,
            "component/kustomization.yaml": """
                apiVersion: kustomize.config.k8s.io/v1alpha1
                kind: Component
                resources: [service.yaml]
                vars:
                - name: PORT
                  objref: {kind: Service, name: web, apiVersion: v1}
                  fieldref: {fieldPath: spec.ports.0.port}

                """,
            "component/service.yaml": service,
            "app/kustomization.yaml": """
                resources: [../base]
                components: [../component]
                nameSuffix: -prod
                vars:
                - name: JOB
                  objref: {kind: Job, name: migrate, apiVersion: batch/v1}

                """,
        ],
        "namespaced objrefs and values of every type": [
            "app/kustomization.yaml": """
                resources: [objects.yaml]
                vars:
                - {name: TEXT, objref: {kind: ConfigMap, name: c, apiVersion: v1, namespace: one}, fieldref: {fieldPath: data.text}}
                - {name: INT, objref: {kind: ConfigMap, name: c, apiVersion: v1, namespace: one}, fieldref: {fieldPath: data.int}}
                - {name: FLOAT, objref: {kind: ConfigMap, name: c, apiVersion: v1, namespace: one}, fieldref: {fieldPath: data.float}}
                - {name: BIG, objref: {kind: ConfigMap, name: c, apiVersion: v1, namespace: one}, fieldref: {fieldPath: data.big}}
                - {name: TINY, objref: {kind: ConfigMap, name: c, apiVersion: v1, namespace: one}, fieldref: {fieldPath: data.tiny}}
                - {name: BOOL, objref: {kind: ConfigMap, name: c, apiVersion: v1, namespace: one}, fieldref: {fieldPath: data.bool}}
                - {name: LIST, objref: {kind: ConfigMap, name: c, apiVersion: v1, namespace: one}, fieldref: {fieldPath: data.list}}

                """,
            "app/objects.yaml": """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: c, namespace: one}
                data: {text: "t", int: 5, float: 1.5, big: 1000000.0, tiny: 0.00001, bool: true, list: [1]}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: c, namespace: two}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                  annotations:
                    int: $(INT)
                    float: $(FLOAT)
                    big: $(BIG)
                    tiny: $(TINY)
                    bool: $(BOOL)
                    list: $(LIST)
                    inside: "[$(TEXT)|$(INT)|$(FLOAT)|$(BIG)|$(TINY)|$(BOOL)|$(LIST)]"
                spec:
                  containers:
                  - {name: a, image: x, args: ["$(INT)", "$(BOOL)", "$(FLOAT)"]}

                """,
        ],
        "a configurations file adds varReference fields": [
            "app/kustomization.yaml": """
                resources: [service.yaml, widget.yaml]
                configurations: [config.yaml]
                vars:
                - {name: PORT, objref: {kind: Service, name: web, apiVersion: v1}, fieldref: {fieldPath: spec.ports.0.port}}

                """,
            "app/config.yaml": "varReference:\n- path: spec/endpoint\n  kind: Widget\n- path: spec/targets/url\n  kind: Widget\n",
            "app/service.yaml": service,
            "app/widget.yaml": """
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w}
                spec:
                  endpoint: "http://web:$(PORT)"
                  other: $(PORT)
                  targets:
                  - url: $(PORT)
                  - url: x$(PORT)

                """,
        ],
    ]

    @Test(arguments: building.keys.sorted())
    func buildsAsKubectl(name: String) throws {
        let outcome = try KubectlParity.expectSame(VarsTests.building[name]!)
        #expect(outcome.output != nil)
    }

    /// Every default var-reference field of every kind: each holds `$(V)`, and kustomize
    /// replaces exactly the ones in its list.
    @Test func defaultVarReferenceFields() throws {
        let container = """
            - name: c
                  image: x
                  args: ["$(V)"]
                  command: ["$(V)"]
                  env: [{name: E, value: "$(V)"}]
                  volumeMounts: [{name: m, mountPath: "/$(V)"}]
            """
        func pod(_ indent: Int) -> String {
            let pad = String(repeating: " ", count: indent)
            return """
                containers:
                \(pad)\(container.replacingOccurrences(of: "\n", with: "\n" + pad))
                initContainers:
                \(pad)\(container.replacingOccurrences(of: "\n", with: "\n" + pad))
                volumes: [{name: n, nfs: {server: "$(V)"}}]
                """.replacingOccurrences(of: "\n", with: "\n" + pad)
        }
        var documents: [String] = [
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: source}\n",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: pod, labels: {l: $(V)}, annotations: {a: $(V)}}\nspec:\n  \(pod(2))\n",
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cron}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        volumes: [{name: n, nfs: {server: \"$(V)\"}}]\n        spec:\n          \(pod(10))\n",
            "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv}\nspec:\n  nfs: {server: \"$(V)\", path: \"$(V)\"}\n",
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: ing}\nspec:\n  rules: [{host: \"$(V)\"}]\n  tls: [{hosts: [\"$(V)\"], secretName: \"$(V)\"}]\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: svc}\nspec:\n  ports: [{port: \"$(V)\", targetPort: \"$(V)\", name: \"$(V)\"}]\n",
            "apiVersion: example.com/v1\nkind: Other\nmetadata: {name: other}\nspec:\n  \(pod(2))\n",
        ]
        for kind in ["Deployment", "DaemonSet", "ReplicaSet", "StatefulSet", "Job"] {
            documents.append("""
                apiVersion: apps/v1
                kind: \(kind)
                metadata: {name: w}
                spec:
                  volumeClaimTemplates: [{spec: {nfs: {server: "$(V)"}}}]
                  template:
                    metadata: {annotations: {a: "$(V)"}, labels: {l: "$(V)"}}
                    spec:
                      \(pod(6))

                """)
        }
        try KubectlParity.expectSame([
            "app/kustomization.yaml": "resources: [objects.yaml]\nvars:\n- {name: V, objref: {kind: ConfigMap, name: source, apiVersion: v1}}\n",
            "app/objects.yaml": documents.joined(separator: "---\n"),
        ])
    }

    /// Trees kustomize refuses: gitopsc must fail too, naming the file and line.
    static let failing: [String: [String: String]] = [
        "an objref that names nothing": [
            "app/kustomization.yaml": "resources: [service.yaml]\nvars:\n- {name: X, objref: {kind: Service, name: nothing, apiVersion: v1}}\n",
            "app/service.yaml": service,
        ],
        "an objref without apiVersion (kustomize matches the version exactly)": [
            "app/kustomization.yaml": "resources: [service.yaml]\nvars:\n- {name: PORT, objref: {kind: Service, name: web}}\n",
            "app/service.yaml": service,
        ],
        "a var declared twice": [
            "app/kustomization.yaml": "resources: [service.yaml]\nvars:\n- {name: PORT, objref: {kind: Service, name: web, apiVersion: v1}}\n- {name: PORT, objref: {kind: Service, name: web, apiVersion: v1}}\n",
            "app/service.yaml": service,
        ],
        "a var declared again over a base's": [
            "base/kustomization.yaml": "resources: [service.yaml]\nvars:\n- {name: PORT, objref: {kind: Service, name: web, apiVersion: v1}}\n",
            "base/service.yaml": service,
            "app/kustomization.yaml": "resources: [../base]\nvars:\n- {name: PORT, objref: {kind: Service, name: web, apiVersion: v1}}\n",
        ],
        "an objref that names two objects": [
            "app/kustomization.yaml": "resources: [a.yaml, b.yaml]\nvars:\n- {name: PORT, objref: {kind: Service, name: web, apiVersion: v1}}\n",
            "app/a.yaml": service.replacingOccurrences(of: "name: web", with: "name: web\n  namespace: a"),
            "app/b.yaml": service.replacingOccurrences(of: "name: web", with: "name: web\n  namespace: b"),
        ],
        "a field path the object lacks": [
            "app/kustomization.yaml": "resources: [service.yaml]\nvars:\n- {name: PORT, objref: {kind: Service, name: web, apiVersion: v1}, fieldref: {fieldPath: spec.missing}}\n",
            "app/service.yaml": service,
        ],
        "a var-reference list holding a number": [
            "app/kustomization.yaml": "resources: [service.yaml, pod.yaml]\nvars:\n- {name: PORT, objref: {kind: Service, name: web, apiVersion: v1}}\n",
            "app/service.yaml": service,
            "app/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x, args: [\"$(PORT)\", 5]}]\n",
        ],
    ]

    @Test(arguments: failing.keys.sorted())
    func failsAsKubectl(name: String) throws {
        let outcome = try KubectlParity.expectSame(VarsTests.failing[name]!)
        #expect(outcome.error?.code.hasPrefix("kustomize.") == true)
    }

    /// A diamond: one base with vars reached through two others declares them twice, an
    /// error in kustomize.
    @Test func aBaseReachedTwiceDeclaresItsVarsTwice() throws {
        try KubectlParity.expectSame([
            "common/kustomization.yaml": "resources: [service.yaml]\nvars:\n- {name: PORT, objref: {kind: Service, name: web, apiVersion: v1}, fieldref: {fieldPath: spec.ports.0.port}}\n",
            "common/service.yaml": VarsTests.service,
            "left/kustomization.yaml": "resources: [../common]\nnamespace: left\n",
            "right/kustomization.yaml": "resources: [../common]\nnamespace: right\n",
            "app/kustomization.yaml": "resources: [../left, ../right]\n",
        ])
    }

    @Test func unusedAndCollectionVarsAreWarnings() throws {
        let outcome = try KubectlParity.expectSame([
            "app/kustomization.yaml": """
                resources: [service.yaml]
                vars:
                - {name: PORT, objref: {kind: Service, name: web, apiVersion: v1}, fieldref: {fieldPath: spec.ports.0.port}}
                - {name: UNUSED, objref: {kind: Service, name: web, apiVersion: v1}}
                - {name: PORTS, objref: {kind: Service, name: web, apiVersion: v1}, fieldref: {fieldPath: spec.ports}}

                """,
            "app/service.yaml": VarsTests.service.replacingOccurrences(of: "$(PORT)", with: "$(PORTS)"),
        ])
        let messages = outcome.warnings.map { "\($0.location?.line ?? 0): \($0.message)" }
        #expect(messages.contains { $0.hasPrefix("3: var 'PORT' is never referenced") })
        #expect(messages.contains { $0.hasPrefix("4: var 'UNUSED' is never referenced") })
        #expect(messages.contains { $0.hasPrefix("5: var 'PORTS'") && $0.contains("mapping or a list") })
        #expect(outcome.warnings.allSatisfy { $0.severity == .warning && $0.location?.file == "app/kustomization.yaml" })
    }
}
