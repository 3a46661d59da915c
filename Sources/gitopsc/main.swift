import GitopscCLI

if let name = CommandLine.arguments.first, KustomizeCommand.isInvoked(as: name) {
    KustomizeCommand.runMain()
} else {
    Gitopsc.runMain()
}
