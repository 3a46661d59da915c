import GitopscCLI

Gitopsc.runMain()
