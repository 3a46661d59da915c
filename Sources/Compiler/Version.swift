/// The version gitopsc reports and writes into rendered trees' ownership manifests.
public let gitopscVersion = "0.1.0"
