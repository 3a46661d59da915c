/// Terminal output: the risks of the sync, a summary line per environment, then each
/// environment's objects with their field changes (or, by cause, each source location with
/// the changes it explains).
enum TextRenderer {
    private enum Style: String {
        case bold = "\u{1B}[1m"
        case red = "\u{1B}[31m"
        case green = "\u{1B}[32m"
        case yellow = "\u{1B}[33m"
        case cyan = "\u{1B}[36m"
    }

    private static let reset = "\u{1B}[0m"

    static func render(_ diff: TreeDiff, colour: Bool, byCause: Bool) -> String {
        func styled(_ text: String, _ style: Style) -> String {
            colour ? style.rawValue + text + reset : text
        }
        func write(_ lines: some Sequence<BodyLine>, to output: inout String) {
            for line in lines {
                switch line.sign {
                case "+": output += styled(line.plain, .green)
                case "-": output += styled(line.plain, .red)
                case "~": output += styled(line.plain, .yellow)
                case "@": output += styled(line.plain, .cyan)
                default: output += line.plain
                }
                output += "\n"
            }
        }
        var output = ""
        let risks = Body.riskLines(diff.risks)
        if let first = risks.first {
            output += styled(first, .red) + "\n" + risks.dropFirst().map { $0 + "\n" }.joined() + "\n"
        }
        let changedCount = diff.environments.filter { !$0.isEmpty }.count
        output += styled(DiffRenderer.summary(changed: changedCount, of: diff.environments.count), .bold) + "\n"
        let width = diff.environments.map(\.name.count).max() ?? 0
        for environment in diff.environments {
            let padding = String(repeating: " ", count: width - environment.name.count)
            output += "  \(environment.name)\(padding)  \(Body.summary(environment))\n"
        }
        if byCause {
            for block in Body.causeBlocks(diff.causes) {
                output += "\n" + styled(block[0].text, .bold) + "\n"
                write(block.dropFirst(), to: &output)
            }
            return output
        }
        for environment in diff.environments where !environment.isEmpty {
            output += "\n" + styled(environment.name, .bold) + "\n"
            write(Body.objectBlocks(environment).joined(), to: &output)
        }
        return output
    }
}
