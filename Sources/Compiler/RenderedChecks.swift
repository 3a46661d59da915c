import FoundationEssentials
import Diagnostics
import Manifests
import YAML

/// Checks over a rendered tree that hold whatever the specs and patches did: what Argo CD
/// and OLM need to accept the objects. `gitopsc check` runs them; each problem names the
/// rendered file and the object.
public enum RenderedChecks {
    /// Walks the rendered model, not its bytes: each object is checked where the layout
    /// writes it.
    public static func validate(_ tree: RenderedTree) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let layout = tree.layout
        for environment in tree.environments {
            for component in environment.components {
                let manifest = layout.manifestPath(environment: environment.name, component: component.name)
                for object in component.objects { problems += check(object, in: manifest) }
                problems += check(component.application, in: layout.applicationPath(environment: environment.name, component: component.name))
            }
            problems += check(environment.root, in: layout.rootPath(environment: environment.name))
        }
        return problems
    }

    static func check(_ object: Node, in path: String) -> [Diagnostic] {
        let kind = object["kind"]?.text ?? ""
        let apiVersion = object["apiVersion"]?.text ?? ""
        let name = object[path: ["metadata", "name"]]?.text ?? ""
        let location = object.mark.location ?? SourceLocation(file: path, line: 0, column: 0)
        var problems: [Diagnostic] = []
        func problem(_ code: String, _ message: String) {
            problems.append(Diagnostic.error(code, "\(kind) '\(name)': \(message)", at: location))
        }
        if let wave = object[path: ["metadata", "annotations", "argocd.argoproj.io/sync-wave"]]?.text, Int(wave) == nil {
            problem("check.sync-wave", "sync-wave annotation '\(wave)' is not an integer")
        }
        switch (apiVersion, kind) {
        case ("argoproj.io/v1alpha1", "Application"):
            if object[path: ["spec", "project"]]?.text?.isEmpty ?? true {
                problem("check.application-project", "an Application needs spec.project")
            }
            let destination = object[path: ["spec", "destination"]]
            let targets = [destination?["server"], destination?["name"]].compactMap { $0?.text }.filter { !$0.isEmpty }
            if targets.count != 1 {
                problem("check.application-destination", "an Application needs exactly one of spec.destination.server and spec.destination.name")
            }
        case (let version, "TektonConfig") where version.hasPrefix("operator.tekton.dev/"):
            if name != "config" {
                problem("check.tektonconfig-name", "the operator only reconciles a TektonConfig named 'config'")
            }
        case (let version, "Subscription") where version.hasPrefix("operators.coreos.com/"):
            let approval = object[path: ["spec", "installPlanApproval"]]?.text
            if let approval, approval != "Automatic" && approval != "Manual" {
                problem("check.install-plan-approval", "installPlanApproval must be Automatic or Manual, not '\(approval)'")
            }
        case (let version, "CatalogSource") where version.hasPrefix("operators.coreos.com/"):
            if let image = object[path: ["spec", "image"]]?.text,
               !OperatorManifests.isPinnedByDigest(image) {
                problem("check.catalog-image", "catalog image '\(image)' is not pinned by digest (@sha256:...)")
            }
        default:
            break
        }
        return problems
    }
}
