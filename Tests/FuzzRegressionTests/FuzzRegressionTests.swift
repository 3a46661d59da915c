import Foundation
import FuzzTargets
import Testing

/// Every input a fuzz target crashed on, kept under `Fuzz/regressions/<target>/`, runs through
/// that target again: a crash fails the whole test run, so a fixed crash stays fixed.
///
/// Inputs under `Fuzz/regressions/<target>/open/` crash code that is not fixed yet; they are
/// listed here, not run. Move a file up one folder with the fix.
@Suite struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/regressions")

    static func inputs(_ target: String, open: Bool = false) -> [URL] {
        let url = open ? folder.appendingPathComponent(target).appendingPathComponent("open") : folder.appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "open" && !$0.hasSuffix(".md") }.sorted().map { url.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTargets.all.map(\.name))
    func replaysEveryInputThatOnceCrashed(target: String) throws {
        let run = try #require(FuzzTargets.all.first { $0.name == target }?.run)
        for input in Self.inputs(target) {
            run(Array(try Data(contentsOf: input)))
        }
        for input in Self.inputs(target, open: true) {
            print("not run (open crash, see its folder's README.md): \(target)/open/\(input.lastPathComponent)")
        }
    }

    @Test func multiFileInputsSplitOnHashAtLinesAndStayInsideTheFolder() {
        let files = FuzzTargets.files(Array("a: 1\n#@ b/c.yaml\nb: 2\n#@ ../up.yaml\nx\n#@ /abs\ny\n".utf8), default: "k.yaml")
        #expect(files == ["k.yaml": Array("a: 1".utf8), "b/c.yaml": Array("b: 2".utf8)])
    }
}
