/// A pull-request comment: the risks of the sync, a summary table, then a collapsed
/// `<details>` section per environment with differences (or per cause, with `byCause`), cut to a byte budget (GitHub rejects comments over 65536
/// characters) with a note saying how much was left out.
enum MarkdownRenderer {
    /// Room kept for the truncation note, which is written last.
    static let noteReserve = 200

    static func render(_ diff: TreeDiff, maxBytes: Int, byCause: Bool) -> String {
        let changed = diff.environments.filter { !$0.isEmpty }
        let title = diff.isEmpty
            ? "### gitopsc diff: no differences\n\n"
            : "### gitopsc diff: \(DiffRenderer.summary(changed: changed.count, of: diff.environments.count))\n\n"
        let budget = maxBytes - noteReserve
        var output = title
        // The risks come first and are cut last: the summary line always, then as many
        // objects as fit in half the budget.
        let risks = Body.riskLines(diff.risks)
        if let first = risks.first {
            var section = "**\(html(first))**\n\n"
            var shownRisks = 0
            for line in risks.dropFirst() {
                let item = "- \(html(String(line.drop { $0 == " " })))\n"
                guard fits(output + section + item, budget / 2) else { break }
                section += item
                shownRisks += 1
            }
            if shownRisks < risks.count - 1 { section += "- ... \(risks.count - 1 - shownRisks) more\n" }
            output += section + "\n"
        }
        output += "| environment | added | removed | renamed | changed |\n| --- | ---: | ---: | ---: | ---: |\n"
        // Details not shown: environments without their section, and objects left out.
        var omittedEnvironments = 0
        var omittedObjects = 0
        var full = true
        for environment in diff.environments {
            let row = "| \(cell(environment.name)) | \(environment.added.count) | \(environment.removed.count) "
                + "| \(environment.renamed.count) | \(environment.changed.count) |\n"
            guard full, fits(output + row, budget) else {
                full = false
                continue
            }
            output += row
        }
        // A section per environment, or by cause one section of cause blocks.
        let causes = byCause ? diff.causes : []
        let sections: [(title: String, blocks: [[BodyLine]], objects: Int)] = byCause
            ? [("changes by cause", Body.causeBlocks(causes), causes.count)]
            : changed.map { ($0.name + ": " + Body.summary($0), Body.objectBlocks($0), $0.objectCount) }
        for (title, lines, objects) in sections {
            guard full else {
                omittedEnvironments += 1
                omittedObjects += objects
                continue
            }
            let blocks = lines.map { $0.map(\.plain).joined(separator: "\n") + "\n" }
            let fence = String(repeating: "`", count: max(3, longestBacktickRun(blocks) + 1))
            let open = "\n<details>\n<summary>\(html(title))</summary>\n\n\(fence)diff\n"
            let close = "\(fence)\n\n</details>\n"
            var section = open
            var shown = 0
            for block in blocks {
                guard fits(output + section + block + close, budget) else { break }
                section += block
                shown += 1
            }
            if shown > 0 {
                output += section + close
            } else {
                omittedEnvironments += 1
            }
            if shown < blocks.count {
                full = false
                omittedObjects += blocks.count - shown
            }
        }
        if !full {
            output += "\n**truncated:** \(omittedEnvironments) more environments and \(omittedObjects) more changes not shown "
                + "(comment limited to \(maxBytes) bytes); run `gitopsc diff` for the full output.\n"
        }
        return cut(output, to: maxBytes)
    }

    private static func fits(_ text: String, _ budget: Int) -> Bool {
        text.utf8.count <= budget
    }

    /// A last resort when even the note does not fit: never exceed the cap, never split a
    /// character.
    private static func cut(_ text: String, to maxBytes: Int) -> String {
        guard text.utf8.count > maxBytes else { return text }
        var result = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            guard bytes + size <= maxBytes else { break }
            result.append(character)
            bytes += size
        }
        return result
    }

    private static func longestBacktickRun(_ blocks: [String]) -> Int {
        var longest = 0
        for block in blocks {
            var run = 0
            for character in block {
                run = character == "`" ? run + 1 : 0
                longest = max(longest, run)
            }
        }
        return longest
    }

    private static func html(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;")
            .replacing(">", with: "&gt;")
    }

    private static func cell(_ text: String) -> String {
        html(text).replacing("|", with: "\\|")
    }
}
