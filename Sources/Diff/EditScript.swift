/// A shortest edit script between two sequences: the longest common subsequence kept, the
/// rest deleted from the old one or inserted from the new one. Shared by the line diff of
/// multi-line strings and the item diff of lists.
enum EditScript {
    enum Op: Equatable {
        case same
        case delete
        case insert
    }

    /// Above this many cells the longest-common-subsequence table is skipped and the
    /// changed middle is all old items deleted then all new items inserted: still a correct
    /// script, only not a minimal one, and it keeps time and memory bounded.
    static let maximumTableCells = 4_000_000

    /// The operations that turn `a` into `b`, in order; `same` and `delete` consume an item
    /// of `a`, `same` and `insert` one of `b`.
    static func ops<Item>(_ a: [Item], _ b: [Item], same: (Item, Item) -> Bool) -> [Op] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, same(a[prefix], b[prefix]) { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, same(a[a.count - 1 - suffix], b[b.count - 1 - suffix]) {
            suffix += 1
        }
        let x = a[prefix..<(a.count - suffix)]
        let y = b[prefix..<(b.count - suffix)]
        let middle: [Op] = x.count * y.count > maximumTableCells || x.isEmpty || y.isEmpty
            ? Array(repeating: .delete, count: x.count) + Array(repeating: .insert, count: y.count)
            : longestCommonSubsequence(Array(x), Array(y), same: same)
        return Array(repeating: .same, count: prefix) + middle + Array(repeating: .same, count: suffix)
    }

    private static func longestCommonSubsequence<Item>(_ x: [Item], _ y: [Item], same: (Item, Item) -> Bool) -> [Op] {
        let width = y.count + 1
        // table[i * width + j]: length of the LCS of x[i...] and y[j...].
        var table = [Int32](repeating: 0, count: (x.count + 1) * width)
        var equal = [Bool](repeating: false, count: x.count * y.count)
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            for j in stride(from: y.count - 1, through: 0, by: -1) {
                equal[i * y.count + j] = same(x[i], y[j])
                table[i * width + j] = equal[i * y.count + j]
                    ? table[(i + 1) * width + j + 1] + 1
                    : max(table[(i + 1) * width + j], table[i * width + j + 1])
            }
        }
        var ops: [Op] = []
        var i = 0
        var j = 0
        while i < x.count, j < y.count {
            if equal[i * y.count + j] {
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
