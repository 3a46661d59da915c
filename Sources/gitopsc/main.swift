import GitopscCLI

Gitopsc.main()
