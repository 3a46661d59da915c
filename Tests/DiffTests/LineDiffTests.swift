import Testing
@testable import Diff

@Suite struct LineDiffTests {
    func text(_ lines: [String]) -> String { lines.joined(separator: "\n") + "\n" }

    @Test func distantChangesGetSeparateHunksAndCloseOnesShareOne() {
        let old = (1...30).map { "l\($0)" }
        var new = old
        new[1] = "two"
        new[25] = "twenty-six"
        let separate = LineDiff.unified(old: text(old), new: text(new))
        #expect(separate.filter { $0.hasPrefix("@@") } == ["@@ -1,5 +1,5 @@", "@@ -23,7 +23,7 @@"])
        new = old
        new[4] = "five"
        new[10] = "eleven"
        let shared = LineDiff.unified(old: text(old), new: text(new))
        #expect(shared.filter { $0.hasPrefix("@@") } == ["@@ -2,13 +2,13 @@"])
    }

    @Test func insertionsAndDeletionsAlignOnCommonLines() {
        let diff = LineDiff.unified(old: text(["a", "b", "c", "d"]), new: text(["a", "x", "c", "d", "e"]), context: 0)
        #expect(diff == ["@@ -2,1 +2,1 @@", "-b", "+x", "@@ -4,0 +5,1 @@", "+e"])
        #expect(LineDiff.unified(old: "same\n", new: "same") == [])
    }
}
