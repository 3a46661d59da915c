import Foundation
import ProcessRunner
import Testing

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let hasFleet = KonfluxExample.isAvailable

/// docs/migrating-from-kustomize.md shows a ring roll-out and its promotion with the real
/// output of `gitopsc diff`. This replays both edits on a copy of the example and checks
/// that the guide still prints what gitopsc prints.
@Suite(.enabled(if: gitopscBinary != nil && hasFleet, "needs the gitopsc executable and ../shared/corpus: the migration guide replay is skipped"))
struct MigrationGuideTests {
    /// The contents of the fenced blocks of the guide's ring roll-out section, in order.
    func guideBlocks() throws -> [String] {
        let guide = try String(contentsOf: repository.appendingPathComponent("docs/migrating-from-kustomize.md"), encoding: .utf8)
        let section = try #require(guide.range(of: "## Rolling out a change ring by ring"))
        var blocks: [String] = []
        var current: String?
        for line in guide[section.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                if let block = current { blocks.append(block); current = nil } else { current = "" }
            } else if current != nil {
                current! += line + "\n"
            }
        }
        return blocks
    }

    @Test func ringRollOutAndPromotionPrintWhatTheGuideShows() throws {
        let blocks = try guideBlocks()
        let ringPatch = blocks[0]
        let prompt = "$ gitopsc diff --from HEAD\n"
        #expect(blocks[1].hasPrefix(prompt) && blocks[2].hasPrefix(prompt))
        let rollOut = String(blocks[1].dropFirst(prompt.count))
        let promotion = String(blocks[2].dropFirst(prompt.count))

        // A copy of the example whose template root points at the fleet by absolute path.
        let root = try KonfluxExample.copy("guide")
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try bash("git init -q && git add -A && git commit -q -m fleet", in: root, environment: publishIdentity).status == 0)

        // Roll-out: the patch goes into ring 1.
        let ring1 = root.appendingPathComponent("environments/production/ring-1.yaml")
        let ring1Before = try String(contentsOf: ring1, encoding: .utf8)
        try (ring1Before + "\n" + ringPatch).write(to: ring1, atomically: true, encoding: .utf8)
        let first = try gitopsc(["diff", "--from", "HEAD"], in: root)
        #expect(first.status == 1, "\(first.stderr)")
        #expect(first.stdout == rollOut)
        #expect(try bash("git commit -q -am ring-1", in: root, environment: publishIdentity).status == 0)

        // Promotion: the same patch moves from ring 1 to the production layer.
        try ring1Before.write(to: ring1, atomically: true, encoding: .utf8)
        let production = root.appendingPathComponent("environments/production.yaml")
        let patches = try #require(ringPatch.range(of: "    patches:\n"))
        let layer = try String(contentsOf: production, encoding: .utf8)
        let template = "    template: pipeline-service:production/base\n"
        #expect(layer.contains(template))
        try layer.replacingOccurrences(of: template, with: template + ringPatch[patches.lowerBound...])
            .write(to: production, atomically: true, encoding: .utf8)
        let second = try gitopsc(["diff", "--from", "HEAD"], in: root)
        #expect(second.status == 1, "\(second.stderr)")
        // The guide shortens the output after the first cluster with "...".
        let shown = try #require(promotion.components(separatedBy: "...\n").first)
        #expect(promotion.hasSuffix("...\n"))
        #expect(second.stdout.hasPrefix(shown), "\(second.stdout)")
        #expect(second.stdout.components(separatedBy: "~     spec.image: ").count - 1 == 7)
    }
}
