import Diagnostics
import YAML

/// Strategic merge patches, applied exactly as kustomize v5.5.0 applies them.
///
/// kustomize merges with kyaml's `merge2` walker (patch lists prepended), not with the
/// Kubernetes API server's strategic merge, and the two differ in many corners: kyaml
/// walks the whole target, drops empty `key:` fields and collapses duplicate list
/// elements even where the patch does not reach, matches `ports` on port *and* protocol
/// with its own rules for a missing protocol, keeps `$patch: replace` on a list element
/// from replacing anything, and copies `$setElementOrder/...`, `$retainKeys` and
/// `$deleteFromPrimitiveList/...` into the output as ordinary fields. This type reproduces
/// that walker step by step, including the order in which it matches, deletes and
/// re-inserts list elements, because that order decides the output.
public enum StrategicMerge {
    /// Applies `patch` (one strategic-merge patch document) to `target` (a whole object).
    /// Returns nil when the patch deletes the object (`$patch: delete` at the top).
    /// `$patch: replace` at the top changes nothing, as in kustomize.
    ///
    /// With `strict`, directive keys that kustomize would copy into the object
    /// (`$patch` where kustomize does not act on it, `$retainKeys`, `$setElementOrder/...`,
    /// `$deleteFromPrimitiveList/...`) and a top-level `$patch: replace` are an error
    /// instead: environment specs use this.
    public static func apply(_ patch: Node, to target: Node, strict: Bool = false) throws(Diagnostic) -> Node? {
        guard patch.isMapping else {
            throw Diagnostic.error(
                "kustomize.patch-conflict",
                "a strategic merge patch must be a mapping, not a \(patch.kindName)",
                at: patch.mark.location
            )
        }
        guard let merged = try walk(dest: target, origin: patch, schema: nil, path: []) else { return nil }
        // kustomize keeps the object it merged into in place and only looks at whether the
        // walk returned anything, so `$patch: replace` at the top leaves the object as it was.
        let replacedWhole = merged.side == .origin && target.isMapping
        if strict {
            if replacedWhole, let key = patch.entries?.first(where: { $0.name == "$patch" })?.key {
                throw Diagnostic.error(
                    "kustomize.patch-directive",
                    "`$patch: replace` on a whole object has no effect in kustomize's strategic merge",
                    at: key.mark.location
                )
            }
            try rejectDirectives(in: replacedWhole ? target : merged.node)
        }
        return replacedWhole ? target : merged.node
    }

    // MARK: The walker

    /// Which input a merged node is: kyaml merges in place, so a list element that came
    /// back as the target's element is the very element the list still holds.
    enum Side {
        case dest
        case origin
        case fresh
    }

    struct Merged {
        var node: Node
        var side: Side
    }

    /// kyaml's `Walker.Walk` with the `Merger` visitor: nil means the field or element is removed.
    ///
    /// `aliased` says that `dest` and `origin` are one node in kyaml: where the target lacks
    /// a part, kyaml takes the patch's part and merges it with itself, so a `$patch` it
    /// removes from the patch side is gone from the target side too.
    static func walk(
        dest: Node?, origin: Node?, aliased: Bool = false, schema: FieldSchema?, path: [String]
    ) throws(Diagnostic) -> Merged? {
        let schema = schema ?? schemaFromTypeMeta(dest, origin)
        guard let first = [dest, origin].compactMap({ $0 }).first(where: { !$0.isNull }) else {
            return try walkMap(dest: dest, origin: origin, aliased: aliased, schema: schema, path: path)
        }
        if let origin, !origin.isNull, !sameKind(first, origin) {
            throw Diagnostic.error(
                "kustomize.patch-conflict",
                "the patch has a \(origin.kindName) at \(describe(path)) where the target has a \(first.kindName)",
                at: origin.mark.location
            )
        }
        switch first.content {
        case .mapping:
            return try walkMap(dest: dest, origin: origin, aliased: aliased, schema: schema, path: path)
        case .sequence:
            if let keys = schema?.mergeKeys {
                return try walkMergeList(
                    dest: dest, origin: origin, aliased: aliased, keys: keys, element: schema!.element, path: path
                )
            }
            // Lists without a merge strategy (all lists of custom resources) are replaced whole.
            if let origin {
                return origin.isNull ? nil : Merged(node: origin, side: .origin)
            }
            return Merged(node: dest!, side: .dest)
        case .scalar:
            guard let origin else { return Merged(node: dest!, side: .dest) }
            if origin.isNull { return nil }
            // kyaml keeps the target's quoting or block style for the patch's value: a
            // quoted string stays a string (`"old"` patched with `5` is `"5"`), a folded
            // block stays folded.
            if let destStyle = dest?.scalar?.style, destStyle != .plain, var scalar = origin.scalar {
                scalar.style = destStyle
                return Merged(node: Node(.scalar(scalar), mark: origin.mark), side: .origin)
            }
            return Merged(node: origin, side: .origin)
        }
    }

    /// kyaml looks a schema up wherever it has none yet and an input names its own type, so
    /// a built-in object embedded in a custom resource merges like the built-in kind.
    static func schemaFromTypeMeta(_ dest: Node?, _ origin: Node?) -> FieldSchema? {
        for node in [dest, origin] {
            guard let node, node.isMapping,
                  let apiVersion = node["apiVersion"]?.text, !apiVersion.isEmpty,
                  let kind = node["kind"]?.text, !kind.isEmpty else { continue }
            if let schema = BuiltinSchema.forType(apiVersion: apiVersion, kind: kind) {
                return schema
            }
        }
        return nil
    }

    static func walkMap(
        dest: Node?, origin: Node?, aliased: Bool, schema: FieldSchema?, path: [String]
    ) throws(Diagnostic) -> Merged? {
        var origin = origin
        let start: Merged?
        if dest == nil || dest!.isNull {
            if (try? directive(ofMap: &origin)) == .delete { return nil }
            // A null the target spells out (`~`, `null`) survives when the patch leaves the
            // field alone; an empty value (`key:`) does not.
            if origin == nil, let dest, let scalar = dest.scalar, !scalar.value.isEmpty {
                return Merged(node: dest, side: .fresh)
            }
            start = origin.map { Merged(node: $0, side: .origin) }
        } else if origin?.isNull == true {
            return nil
        } else {
            let directive = try directive(ofMap: &origin)
            let dest = aliased ? origin : dest
            switch directive {
            case .delete: return nil
            case .replace: start = origin.map { Merged(node: $0, side: .origin) }
            case .merge: start = Merged(node: dest!, side: .dest)
            }
        }
        guard var result = start, case .mapping(let ownEntries) = result.node.content else {
            return nil
        }
        // After a replace, or where the target lacks the map, kyaml merges the patch with itself.
        let selfMerge = aliased || result.side == .origin
        let patch = selfMerge ? nil : origin?.entries
        var fields = ownEntries.map { ($0.key, $0.value as Node?) }
        if let patch {
            let own = Set(ownEntries.map(\.name))
            for entry in patch where !own.contains(entry.name) {
                fields.append((entry.key, nil))
            }
        }
        var merged: [MappingEntry] = []
        merged.reserveCapacity(fields.count)
        for (key, ownValue) in fields {
            let name = key.scalar?.value ?? ""
            let patchValue = selfMerge ? ownValue : origin?[name]
            let value = try walk(
                dest: ownValue, origin: patchValue, aliased: selfMerge, schema: schema?.field(name), path: path + [name]
            )
            if let value {
                merged.append(MappingEntry(key: key, value: value.node))
            }
        }
        result.node.content = .mapping(merged)
        return result
    }

    // MARK: Lists merged element-wise

    /// A list element with identity: kyaml matches, replaces and deletes elements by
    /// pointer, and an element merged in place is seen again later under the same identity.
    final class Element {
        var node: Node
        init(_ node: Node) { self.node = node }
    }

    final class ElementList {
        var elements: [Element]
        init(_ elements: [Element]) { self.elements = elements }
    }

    static func walkMergeList(
        dest: Node?, origin: Node?, aliased: Bool, keys: [String], element: FieldSchema, path: [String]
    ) throws(Diagnostic) -> Merged? {
        var origin = origin
        let destList: ElementList
        let originList: ElementList?
        if dest == nil || dest!.isNull {
            // The patch's list is taken as is, without looking for a `$patch` element.
            guard let origin, !origin.isNull else { return nil }
            destList = ElementList((origin.items ?? []).map(Element.init))
            originList = destList
        } else if origin?.isNull == true {
            return nil
        } else {
            switch try directive(ofList: &origin) {
            case .delete:
                return nil
            case .replace:
                destList = ElementList((origin?.items ?? []).map(Element.init))
                originList = destList
            case .merge where aliased:
                destList = ElementList((origin!.items ?? []).map(Element.init))
                originList = destList
            case .merge:
                destList = ElementList((dest!.items ?? []).map(Element.init))
                originList = origin.map { ElementList(($0.items ?? []).map(Element.init)) }
            }
        }
        let template = (dest == nil || dest!.isNull) ? origin! : dest!
        let merged: ElementList
        if keys.isEmpty {
            let values = primitiveValues(originList, destList)
            merged = try mergeElements(values, keys: [""], destList, originList, element: element, path: path)
        } else {
            let values = keyValues(keys, originList, destList)
            merged = try mergeElements(values, keys: keys, destList, originList, element: element, path: path)
        }
        return Merged(node: Node(.sequence(merged.elements.map(\.node)), mark: template.mark), side: .fresh)
    }

    /// The merge-key values of every element, patch first (kustomize prepends), each once.
    static func keyValues(_ keys: [String], _ originList: ElementList?, _ destList: ElementList) -> [[String]] {
        var result: [[String]] = []
        var seen = Set<[String]>()
        for list in [originList, destList] {
            guard let list else { continue }
            for element in list.elements {
                let values = keys.map { keyValue(element.node, $0) }
                if seen.insert(values).inserted {
                    result.append(values)
                }
            }
        }
        return result
    }

    static func primitiveValues(_ originList: ElementList?, _ destList: ElementList) -> [[String]] {
        var result: [[String]] = []
        var seen = Set<String>()
        for list in [originList, destList] {
            guard let list else { continue }
            for element in list.elements where seen.insert(rawValue(element.node)).inserted {
                result.append([rawValue(element.node)])
            }
        }
        return result
    }

    static func mergeElements(
        _ values: [[String]], keys: [String], _ destList: ElementList, _ originList: ElementList?,
        element schema: FieldSchema, path: [String]
    ) throws(Diagnostic) -> ElementList {
        let items = ElementList([])
        let valuesList = keys.count > 1 ? mergeMissingKeyValues(values) : values
        var validKeys: [String] = []
        for values in valuesList where !values.isEmpty {
            let (present, valid) = presentKeys(valuesList, values, keys)
            validKeys = present
            let (lookupKeys, lookupValues) = presentKeys([valid], valid, present)
            let destElement = firstMatch(destList, lookupKeys, lookupValues)
            let originElement = originList.flatMap { firstMatch($0, lookupKeys, lookupValues) }
            let label = zip(lookupKeys, lookupValues).map { "\($0)=\($1)" }.joined(separator: ",")
            let merged = try walk(
                dest: destElement?.node, origin: originElement?.node, aliased: destElement === originElement,
                schema: schema, path: path + ["[\(label)]"]
            )
            // kyaml drops a valid `$patch` from the patch's element as it reads it, also when
            // the element is then deleted: the target list may hold that very element.
            if let originElement, originElement.node.isMapping {
                var node: Node? = originElement.node
                if (try? directive(ofMap: &node)) != nil { originElement.node = node! }
            }
            guard let merged, !merged.node.isNull, !isEmptyMap(merged.node) else {
                try setElement(in: destList, nil, keys: present, values: valid)
                continue
            }
            let value: Element
            switch merged.side {
            case .dest: value = destElement!
            case .origin: value = originElement!
            case .fresh: value = Element(merged.node)
            }
            value.node = merged.node
            for (key, keyValue) in zip(present, valid) where !keyValue.isEmpty {
                try ensureKey(value, key, keyValue)
            }
            try setElement(in: items, value, keys: present, values: valid)
        }
        guard !valuesList.isEmpty else { return destList }
        try appendTargetElements(destList, to: items, keys: validKeys)
        return items
    }

    /// Merge-key tuples that differ only where one of them lacks a value are the same
    /// element (a port without `protocol` is the same as one with it).
    static func mergeMissingKeyValues(_ list: [[String]]) -> [[String]] {
        var list = list
        for i in list.indices {
            let first = list[i]
            for j in list.indices {
                if let combined = combine(first, list[j]) {
                    list[i] = combined
                    list[j] = combined
                }
            }
        }
        return list
    }

    static func combine(_ a: [String], _ b: [String]) -> [String]? {
        guard a.count == b.count else { return nil }
        var common = false
        var result: [String] = []
        for (x, y) in zip(a, b) {
            if x == y {
                common = true
                result.append(x)
            } else if !x.isEmpty && !y.isEmpty {
                return nil
            } else {
                result.append(x.isEmpty ? y : x)
            }
        }
        return common ? result : nil
    }

    /// The keys that have a value somewhere in the list, with this element's values for them;
    /// all keys when none has a value.
    static func presentKeys(_ all: [[String]], _ values: [String], _ keys: [String]) -> ([String], [String]) {
        var present = Set<String>()
        for tuple in all {
            for (key, value) in zip(keys, tuple) where !value.isEmpty {
                present.insert(key)
            }
        }
        if present.isEmpty { return (keys, values) }
        let validKeys = keys.filter(present.contains)
        let validValues = zip(keys, values).filter { !$0.1.isEmpty || present.contains($0.0) }.map(\.1)
        return (validKeys, validValues)
    }

    /// kyaml's `ElementMatcher`: the first element whose key fields have exactly these texts
    /// (for a list of scalars, the first element with this text).
    static func firstMatch(_ list: ElementList, _ keys: [String], _ values: [String]) -> Element? {
        if keys.first?.isEmpty ?? true {
            let value = values.first ?? ""
            return list.elements.first { rawValue($0.node) == value }
        }
        return list.elements.first { element in
            guard element.node.isMapping else { return false }
            return zip(keys, values).allSatisfy { key, value in
                element.node[key].map { rawValue($0) == value } ?? false
            }
        }
    }

    /// kyaml's `ElementSetter`: replaces every element matching the key values with
    /// `element` (or removes them when nil), appending it when none matched. As a side
    /// effect it drops null and empty-mapping elements. An empty value matches any element
    /// that has the field.
    static func setElement(in list: ElementList, _ element: Element?, keys: [String], values: [String]) throws(Diagnostic) {
        let keys = keys.isEmpty ? [""] : keys
        let matchesMappings = !keys[0].isEmpty && !(values.first ?? "").isEmpty
        var kept: [Element] = []
        var found = false
        for candidate in list.elements {
            if candidate.node.isNull || isEmptyMap(candidate.node) { continue }
            if !candidate.node.isMapping && matchesMappings {
                kept.append(candidate)
                continue
            }
            // Past the given values the last comparison stands, as in kyaml.
            var matched = false
            for index in keys.indices {
                if index < values.count {
                    matched = try fieldMatches(candidate.node, keys[index], values[index])
                }
                if !matched { break }
            }
            if !matched {
                if !values.isEmpty { kept.append(candidate) }
                continue
            }
            found = true
            if let element { kept.append(element) }
        }
        list.elements = kept
        guard let element, !element.node.isNull else { return }
        if !found { list.elements.append(element) }
    }

    /// kyaml's `FieldMatcher` with a string value: an empty value only asks for the field.
    static func fieldMatches(_ node: Node, _ name: String, _ value: String) throws(Diagnostic) -> Bool {
        if node.isNull { return false }
        if name.isEmpty {
            guard node.isScalar else { throw listConflict(node, expected: "scalar") }
            return node.scalar!.value == value
        }
        guard node.isMapping else { throw listConflict(node, expected: "mapping") }
        guard let field = node[name] else { return false }
        return value.isEmpty || rawValue(field) == value
    }

    /// kyaml sets the matched key on an element that lost it (a list of scalars: rewrites the
    /// scalar untagged).
    static func ensureKey(_ element: Element, _ key: String, _ value: String) throws(Diagnostic) {
        if key.isEmpty {
            guard var scalar = element.node.scalar else { throw listConflict(element.node, expected: "scalar") }
            scalar.value = value
            scalar.tag = nil
            element.node.content = .scalar(scalar)
        } else {
            guard element.node.isMapping else { throw listConflict(element.node, expected: "mapping") }
            if element.node[key] == nil {
                element.node[key] = .scalar(value)
            }
        }
    }

    /// kyaml's `appendListNode` with the target list last: each of the target's remaining
    /// elements replaces its match among the merged ones (with several keys it is removed and
    /// appended again), so new patch elements end up first.
    static func appendTargetElements(_ destList: ElementList, to items: ElementList, keys: [String]) throws(Diagnostic) {
        for element in destList.elements {
            if keys[0].isEmpty {
                try setElement(in: items, element, keys: [""], values: [rawValue(element.node)])
                continue
            }
            var values: [String] = []
            for key in keys {
                if element.node.isNull { items.elements.append(element); continue }
                guard element.node.isMapping else { throw listConflict(element.node, expected: "mapping") }
                guard let value = element.node[key] else {
                    items.elements.append(element)
                    continue
                }
                values.append(rawValue(value))
            }
            if keys.count > 1 {
                try setElement(in: items, nil, keys: keys, values: values)
            }
            try setElement(in: items, element, keys: keys, values: values)
        }
    }

    // MARK: Directives

    enum Directive {
        case merge
        case replace
        case delete
    }

    /// The `$patch` of a patch mapping, removed from it once read.
    static func directive(ofMap node: inout Node?) throws(Diagnostic) -> Directive {
        guard let map = node, map.isMapping, let value = map["$patch"] else { return .merge }
        let directive = try parseDirective(value)
        node!["$patch"] = nil
        return directive
    }

    /// The `$patch` of a patch list: the first mapping element with a `$patch` field, when
    /// that is its only field. Every element with the same `$patch` is then removed.
    static func directive(ofList node: inout Node?) throws(Diagnostic) -> Directive {
        guard let list = node, let items = list.items,
              let marker = items.first(where: { $0.isMapping && $0["$patch"] != nil }),
              marker.entries!.count == 1 else { return .merge }
        let value = marker["$patch"]!
        let directive = try parseDirective(value)
        let elided = ElementList(items.map(Element.init))
        try setElement(in: elided, nil, keys: ["$patch"], values: [rawValue(value)])
        node!.content = .sequence(elided.elements.map(\.node))
        return directive
    }

    static func parseDirective(_ value: Node) throws(Diagnostic) -> Directive {
        switch rawValue(value) {
        case "merge": return .merge
        case "replace": return .replace
        case "delete": return .delete
        case let other:
            throw Diagnostic.error(
                "kustomize.patch-conflict",
                "unknown patch strategy '\(other)': `$patch` must be merge, replace or delete",
                at: value.mark.location
            )
        }
    }

    /// Keys that tell the API server how to merge but that kustomize copies into the output.
    static func rejectDirectives(in node: Node) throws(Diagnostic) {
        switch node.content {
        case .scalar:
            return
        case .sequence(let items):
            for item in items { try rejectDirectives(in: item) }
        case .mapping(let entries):
            for entry in entries {
                let name = entry.name
                if name == "$patch" || name == "$retainKeys" || name.hasPrefix("$setElementOrder/")
                    || name.hasPrefix("$deleteFromPrimitiveList/") {
                    throw Diagnostic.error(
                        "kustomize.patch-directive",
                        "`\(name)` is not applied by kustomize's strategic merge and would be copied into the output",
                        at: entry.key.mark.location
                    )
                }
                try rejectDirectives(in: entry.value)
            }
        }
    }

    // MARK: Helpers

    /// The text kyaml compares: a scalar's value as written, nothing for collections.
    static func rawValue(_ node: Node) -> String {
        node.scalar?.value ?? ""
    }

    /// A merge-key value as kyaml reads it: nulls and collections count as missing.
    static func keyValue(_ element: Node, _ key: String) -> String {
        guard let field = element[key], !field.isNull, let scalar = field.scalar else { return "" }
        return scalar.value
    }

    static func isEmptyMap(_ node: Node) -> Bool {
        node.entries?.isEmpty ?? false
    }

    static func sameKind(_ a: Node, _ b: Node) -> Bool {
        switch (a.content, b.content) {
        case (.scalar, .scalar), (.mapping, .mapping), (.sequence, .sequence): return true
        default: return false
        }
    }

    static func describe(_ path: [String]) -> String {
        if path.isEmpty { return "the top level" }
        return path.reduce("") { text, part in
            part.hasPrefix("[") || text.isEmpty ? text + part : text + "." + part
        }
    }

    static func listConflict(_ node: Node, expected: String) -> Diagnostic {
        Diagnostic.error(
            "kustomize.patch-conflict",
            "a merged list mixes kinds of elements: expected a \(expected), found a \(node.kindName)",
            at: node.mark.location
        )
    }
}
