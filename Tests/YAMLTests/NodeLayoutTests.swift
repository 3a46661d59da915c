import Diagnostics
import Testing
@testable import YAML

/// A rendered fleet holds millions of nodes: their size is the memory a compile needs.
@Suite struct NodeLayoutTests {
    @Test func nodesAndMarksStayCompact() {
        #expect(MemoryLayout<Mark>.size == 12)
        #expect(MemoryLayout<Node>.stride <= 48)
        #expect(MemoryLayout<MappingEntry>.stride <= 112)
    }

    /// Lines and columns are stored in 32 bits: a value beyond is clamped, never a crash.
    @Test func markClampsWhatDoesNotFit() {
        var mark = Mark(file: "f.yaml", line: Int(UInt32.max) + 5, column: -3)
        #expect(mark.line == Int(UInt32.max))
        #expect(mark.column == 0)
        mark.line = 41
        mark.column = 7
        #expect(mark == Mark(file: "f.yaml", line: 41, column: 7))
        #expect(mark.location == SourceLocation(file: "f.yaml", line: 41, column: 7))
    }
}
