import GitopscCLI
