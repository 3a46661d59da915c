import YAML

/// Child-over-parent merge of environment specs.
enum SpecMerge {
    /// `overlay` (the child's value) over `base` (what the parents resolved to) at `path`:
    /// mappings deep-merge, scalars and lists replace, `null` deletes (nil result), and a
    /// component's `patches` accumulate. Every resolved node keeps the mark of the layer
    /// that set it; a merged mapping takes the child's mark, the last layer that touched it.
    static func merged(_ base: Node?, _ overlay: Node, path: [String]) -> Node? {
        if overlay.isNull { return nil }
        if let overlayEntries = overlay.entries {
            // Linear in the keys of both sides: a mapping of 50,000 values is routine input.
            // Deleted entries leave a hole until the end, so positions stay valid.
            var entries: [MappingEntry?] = base?.entries ?? []
            var position = Positions(entries.count)
            for (offset, entry) in entries.enumerated() where position[entry!.name] == nil {
                position[entry!.name] = offset
            }
            for entry in overlayEntries {
                let index = position[entry.name]
                let value = merged(index.flatMap { entries[$0]?.value }, entry.value, path: path + [entry.name])
                switch (index, value) {
                case (let index?, let value?): entries[index] = MappingEntry(key: entry.key, value: value)
                case (nil, let value?):
                    position[entry.name] = entries.count
                    entries.append(MappingEntry(key: entry.key, value: value))
                case (let index?, nil):
                    entries[index] = nil
                    position[entry.name] = nil
                case (nil, nil): break
                }
            }
            return Node(.mapping(entries.compactMap { $0 }), mark: overlay.mark)
        }
        if isAccumulated(path), let inherited = base?.items, let added = overlay.items {
            let items = path[2] == "patches" ? accumulatedPatches(inherited, added) : inherited + added
            return Node(.sequence(items), mark: overlay.mark)
        }
        return overlay
    }

    /// Where each key is among a merged mapping's entries: searched in a list for a small
    /// mapping (most of a spec's; hashing every key cost more than the merge), hashed in a
    /// large one, which stays linear.
    struct Positions {
        private static let largest = 16
        private var list: [(name: String, offset: Int)] = []
        private var table: [String: Int]?

        init(_ count: Int) {
            if count > Self.largest { table = [:] }
        }

        subscript(name: String) -> Int? {
            get {
                if let table { return table[name] }
                return list.first { $0.name == name }?.offset
            }
            set {
                if table != nil {
                    table![name] = newValue
                    return
                }
                list.removeAll { $0.name == name }
                if let newValue { list.append((name, newValue)) }
                if list.count > Self.largest {
                    table = Dictionary(list.map { ($0.name, $0.offset) }) { first, _ in first }
                    list = []
                }
            }
        }
    }

    /// `components.<name>.patches` and `.resources`; the top-level `patches` are kept apart
    /// from the spec.
    static func isAccumulated(_ path: [String]) -> Bool {
        path.count == 3 && path[0] == "components" && (path[2] == "patches" || path[2] == "resources")
    }

    /// A layer's patches after the inherited ones. A patch with the `name` of an inherited
    /// patch is merged over that one in its place instead, so that a later layer can turn
    /// it off (`enabled: false`) or change it without moving it in the order; a `patch` or
    /// `path` it sets replaces the inherited one's.
    static func accumulatedPatches(_ inherited: [Node], _ added: [Node]) -> [Node] {
        var result = inherited
        for patch in added {
            guard let name = patch["name"]?.text, let index = result.firstIndex(where: { $0["name"]?.text == name }) else {
                result.append(patch)
                continue
            }
            var base = result[index]
            if patch["patch"] != nil || patch["path"] != nil {
                base["patch"] = nil
                base["path"] = nil
            }
            result[index] = merged(base, patch, path: []) ?? patch
        }
        return result
    }
}
