import Diagnostics
import FoundationEssentials
import YAML

/// kustomize's `ValueAddTransformer` (v5.5.0): writes one string into a field of the
/// selected objects, or inserts it into the path that field holds.
///
/// What kustomize does quietly is refused here: `notSelector` (kustomize ignores it), field
/// paths through lists (kustomize skips an index past the end), paths that rename or retype
/// an object, and `targetFilePath`.
struct ValueAdd {
    struct Target {
        var selector: Selector?
        var fieldPath: String
        var steps: [String]
        var filePathPosition: Int
    }

    var value: String
    var targets: [Target]

    static let fields: Set<String> = ["value", "targets", "targetFilePath"]
    static let targetFields: Set<String> = ["selector", "fieldPath", "filePathPosition", "notSelector"]

    /// Reads a configuration; an empty value is the name of the folder of the kustomization
    /// that lists it (`root`), as in kustomize.
    init(_ config: Node, root: String) throws(Diagnostic) {
        if let path = config["targetFilePath"] {
            throw Diagnostic.error("kustomize.plugin", "ValueAddTransformer: 'targetFilePath' is not supported; list the targets in 'targets'", at: path.mark.location)
        }
        let trimmed = (try TransformerInput.string(config["value"], field: "value") ?? "").trimmed()
        value = trimmed.isEmpty ? String(root.split(separator: "/").last ?? "") : trimmed
        let entries = try config["targets"].map { (node: Node) throws(Diagnostic) in try TransformerInput.list(node, field: "targets") } ?? []
        guard !entries.isEmpty else {
            throw Diagnostic.error("kustomize.plugin", "ValueAddTransformer: must specify at least one target", at: (config["targets"] ?? config).mark.location)
        }
        targets = []
        for entry in entries {
            try TransformerInput.checkFields(entry, allowed: ValueAdd.targetFields, in: "a ValueAddTransformer target")
            if let notSelector = entry["notSelector"] {
                throw Diagnostic.error("kustomize.plugin", "ValueAddTransformer: 'notSelector' is not supported (kustomize ignores it)", at: notSelector.mark.location)
            }
            let fieldPath = try TransformerInput.string(entry["fieldPath"], field: "fieldPath") ?? ""
            guard !fieldPath.isEmpty else {
                throw Diagnostic.error("kustomize.plugin", "ValueAddTransformer: fieldPath cannot be empty", at: (entry["fieldPath"] ?? entry).mark.location)
            }
            let position = try TransformerInput.int(entry["filePathPosition"], field: "filePathPosition") ?? 0
            guard position >= 0 else {
                throw Diagnostic.error("kustomize.plugin", "ValueAddTransformer: filePathPosition (\(position)) cannot be negative", at: entry["filePathPosition"]?.mark.location)
            }
            let steps = ValueAdd.steps(fieldPath)
            let location = entry["fieldPath"]?.mark.location
            for step in steps where step.first == "[" || step == "-" || step.allSatisfy(\.isNumber) {
                throw Diagnostic.error("kustomize.plugin", "ValueAddTransformer: fieldPath '\(fieldPath)': list steps such as '\(step)' are not supported", at: location)
            }
            if [["metadata", "name"], ["kind"], ["apiVersion"]].contains(steps) {
                throw Diagnostic.error("kustomize.plugin", "ValueAddTransformer: fieldPath '\(fieldPath)' would change the object's identity; use namePrefix, nameSuffix or a patch", at: location)
            }
            targets.append(Target(
                selector: try entry["selector"].map { (node: Node) throws(Diagnostic) in try Selector(node) },
                fieldPath: fieldPath, steps: steps, filePathPosition: Int(clamping: position)))
        }
    }

    /// The mapping keys of a field path: `/`-separated, `\/` for a slash in a key; empty
    /// steps are skipped, as kustomize's path lookup does.
    static func steps(_ fieldPath: String) -> [String] {
        var steps: [String] = []
        for part in fieldPath.split(separator: "/", omittingEmptySubsequences: false).map(String.init) {
            if let last = steps.last, last.hasSuffix("\\") {
                steps[steps.count - 1] = String(last.dropLast()) + "/" + part
            } else {
                steps.append(part)
            }
        }
        return steps.filter { !$0.isEmpty }
    }

    func apply(_ resources: inout [Resource]) throws(Diagnostic) {
        for target in targets {
            for index in resources.indices where target.selector?.selects(resources[index]) ?? true {
                if target.fieldPath == "metadata/namespace" {
                    // kustomize sets the namespace itself here, ignoring filePathPosition.
                    resources[index].namespace = value
                    continue
                }
                let resource = resources[index]
                try Transformers.within(resource) { () throws(Diagnostic) in
                    try set(&resources[index].node, steps: target.steps[...], target: target)
                }
            }
        }
    }

    /// Sets the field at `steps` below `node`, making missing mappings on the way.
    private func set(_ node: inout Node, steps: ArraySlice<String>, target: Target) throws(Diagnostic) {
        guard let step = steps.first else {
            guard let scalar = node.scalar else {
                throw Diagnostic.error("kustomize.transform", "fieldPath '\(target.fieldPath)': expected a scalar, found a \(node.kindName)", at: node.mark.location)
            }
            var text = value
            if target.filePathPosition > 0 {
                text = ValueAdd.insertPathPart(into: scalar.value, at: target.filePathPosition - 1, part: value)
            }
            // The field keeps its quoting, so a quoted number stays a string, as in kustomize.
            node = Node(.scalar(Scalar(text, style: scalar.style)), mark: node.mark)
            return
        }
        guard node.isMapping else {
            throw Diagnostic.error("kustomize.transform", "fieldPath '\(target.fieldPath)': expected a mapping at '\(step)', found a \(node.kindName)", at: node.mark.location)
        }
        var child = node[step] ?? Node(steps.count == 1 ? .scalar(Scalar("")) : .mapping([]), mark: node.mark)
        try set(&child, steps: steps.dropFirst(), target: target)
        node[step] = child
    }

    /// kustomize's `InsertPathPart`: `part` inserted as the `position`th step of `path`
    /// (clamped to its steps), the result cleaned as Go's `filepath.Join`; a leading `/`
    /// stays.
    static func insertPathPart(into path: String, at position: Int, part: String) -> String {
        var parts = pathSplit(Substring(path))
        parts.insert(part, at: min(position, parts.count))
        let joined = goJoin(parts)
        return path.hasPrefix("/") ? "/" + joined : joined
    }

    /// kustomize's `PathSplit`: Go's `filepath.Split` applied until the folder is empty or `/`.
    static func pathSplit(_ path: Substring) -> [String] {
        if path.isEmpty { return [] }
        let slash = path.lastIndex(of: "/")
        let file = String(slash.map { path[path.index(after: $0)...] } ?? path)
        guard let slash else { return [file] }
        let folder = path[...slash]
        if folder == "/" { return file.isEmpty ? [] : [file] }
        let trimmed = folder.dropLast()
        if trimmed.isEmpty { return [file] }
        return pathSplit(trimmed) + [file]
    }

    /// Go's `filepath.Join`: the elements from the first non-empty one, joined and cleaned.
    static func goJoin(_ elements: [String]) -> String {
        guard let first = elements.firstIndex(where: { !$0.isEmpty }) else { return "" }
        return goClean(elements[first...].joined(separator: "/"))
    }

    /// Go's `filepath.Clean` (lexical: `.` steps and repeated slashes dropped, `..` taking
    /// back the step before it; `.` for an empty result).
    static func goClean(_ path: String) -> String {
        let rooted = path.hasPrefix("/")
        var steps: [Substring] = []
        for step in path.split(separator: "/") {
            switch step {
            case ".": continue
            case "..":
                if let last = steps.last, last != ".." {
                    steps.removeLast()
                } else if !rooted {
                    steps.append(step)
                }
            default: steps.append(step)
            }
        }
        let body = steps.joined(separator: "/")
        if rooted { return "/" + body }
        return body.isEmpty ? "." : body
    }
}
