/// A unified-style line diff for multi-line string values (embedded config files, scripts).
enum LineDiff {
    private enum Op: Equatable {
        case same
        case delete
        case insert
    }

    /// Above this many cells the longest-common-subsequence table is skipped and the
    /// changed middle is shown as all old lines then all new lines: still a correct diff,
    /// only not a minimal one, and it keeps time and memory bounded.
    static let maximumTableCells = 4_000_000

    /// Hunks with `context` unchanged lines around each change; empty when the lines are equal.
    static func unified(old: String, new: String, context: Int = 3) -> [String] {
        let a = lines(old)
        let b = lines(new)
        let ops = editScript(a, b)
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

    private static func editScript(_ a: [String], _ b: [String]) -> [Op] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] {
            suffix += 1
        }
        let x = a[prefix..<(a.count - suffix)]
        let y = b[prefix..<(b.count - suffix)]
        let middle: [Op] = x.count * y.count > maximumTableCells || x.isEmpty || y.isEmpty
            ? Array(repeating: .delete, count: x.count) + Array(repeating: .insert, count: y.count)
            : longestCommonSubsequence(Array(x), Array(y))
        return Array(repeating: .same, count: prefix) + middle + Array(repeating: .same, count: suffix)
    }

    private static func longestCommonSubsequence(_ x: [String], _ y: [String]) -> [Op] {
        let width = y.count + 1
        // table[i * width + j]: length of the LCS of x[i...] and y[j...].
        var table = [Int32](repeating: 0, count: (x.count + 1) * width)
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            for j in stride(from: y.count - 1, through: 0, by: -1) {
                table[i * width + j] = x[i] == y[j]
                    ? table[(i + 1) * width + j + 1] + 1
                    : max(table[(i + 1) * width + j], table[i * width + j + 1])
            }
        }
        var ops: [Op] = []
        var i = 0
        var j = 0
        while i < x.count, j < y.count {
            if x[i] == y[j] {
                ops.append(.same)
                i += 1
                j += 1
            } else if table[(i + 1) * width + j] >= table[i * width + j + 1] {
                ops.append(.delete)
                i += 1
            } else {
                ops.append(.insert)
                j += 1
            }
        }
        ops += Array(repeating: .delete, count: x.count - i) + Array(repeating: .insert, count: y.count - j)
        return ops
    }
}
