/// A unified-style line diff for multi-line string values (embedded config files, scripts).
enum LineDiff {
    /// Hunks with `context` unchanged lines around each change; empty when the lines are equal.
    static func unified(old: String, new: String, context: Int = 3) -> [String] {
        let a = lines(old)
        let b = lines(new)
        let ops = EditScript.ops(a, b, same: ==)
        var output: [String] = []
        var index = 0
        // Walk the script; positions are counted so hunk headers can be 1-based line numbers.
        var oldLine = 0
        var newLine = 0
        var positions: [(old: Int, new: Int)] = []
        for op in ops {
            positions.append((oldLine, newLine))
            if op != .insert { oldLine += 1 }
            if op != .delete { newLine += 1 }
        }
        while index < ops.count {
            guard let firstChange = ops[index...].firstIndex(where: { $0 != .same }) else { break }
            let start = max(index, firstChange - context)
            var end = firstChange
            // Extend the hunk while the next change is within two contexts of the last one.
            while true {
                var cursor = end
                while cursor < ops.count, ops[cursor] != .same { cursor += 1 }
                guard let next = ops[cursor...].firstIndex(where: { $0 != .same }), next - cursor <= 2 * context else {
                    end = min(ops.count, cursor + context)
                    break
                }
                end = next
            }
            let hunk = ops[start..<end]
            let oldCount = hunk.filter { $0 != .insert }.count
            let newCount = hunk.filter { $0 != .delete }.count
            let oldStart = positions[start].old + (oldCount > 0 ? 1 : 0)
            let newStart = positions[start].new + (newCount > 0 ? 1 : 0)
            output.append("@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@")
            for offset in start..<end {
                let position = positions[offset]
                switch ops[offset] {
                case .same: output.append(" " + a[position.old])
                case .delete: output.append("-" + a[position.old])
                case .insert: output.append("+" + b[position.new])
                }
            }
            index = end
        }
        return output
    }

    /// The value's lines; a final line break does not start another line.
    static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
