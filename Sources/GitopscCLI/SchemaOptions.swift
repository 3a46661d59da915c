import ArgumentParser
import Compiler
import Schemas

/// Validation against CRDs and OpenAPI v3 documents: `--schemas` adds files or folders to
/// those of gitopsc.yaml; `--allow-unknown-fields` turns unknown fields into warnings.
struct SchemaOptions: ParsableArguments {
    @Option(name: .customLong("schemas"), help: ArgumentHelp(
        "A file or folder of CustomResourceDefinitions or OpenAPI v3 documents to validate the rendered objects against (repeatable; added to `schemas` of gitopsc.yaml).",
        valueName: "path"))
    var paths: [String] = []

    @Flag(name: .customLong("allow-unknown-fields"), help: "Report fields a schema does not declare as warnings, not errors (the API server would drop them).")
    var allowUnknownFields = false
}
