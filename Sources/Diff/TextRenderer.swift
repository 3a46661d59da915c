/// Terminal output: a summary line per environment, then each environment's objects with
/// their field changes.
enum TextRenderer {
    private enum Style: String {
        case bold = "\u{1B}[1m"
        case red = "\u{1B}[31m"
        case green = "\u{1B}[32m"
        case yellow = "\u{1B}[33m"
        case cyan = "\u{1B}[36m"
    }

    private static let reset = "\u{1B}[0m"

    static func render(_ diff: TreeDiff, colour: Bool) -> String {
        func styled(_ text: String, _ style: Style) -> String {
            colour ? style.rawValue + text + reset : text
        }
        let changedCount = diff.environments.filter { !$0.isEmpty }.count
        var output = styled(DiffRenderer.summary(changed: changedCount, of: diff.environments.count), .bold) + "\n"
        let width = diff.environments.map(\.name.count).max() ?? 0
        for environment in diff.environments {
            let padding = String(repeating: " ", count: width - environment.name.count)
            output += "  \(environment.name)\(padding)  \(Body.summary(environment))\n"
        }
        for environment in diff.environments where !environment.isEmpty {
            output += "\n" + styled(environment.name, .bold) + "\n"
            for line in Body.objectBlocks(environment).joined() {
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
        return output
    }
}
