/// The one reading of typed scalars, shared by every module: a value counts as a bool or an
/// integer exactly when YAML resolves it to that type (the spellings the published JSON
/// Schema accepts: `true`, `True`, `TRUE`, `false`, ...; `42`, `0x2a`, `-7`). Anything else
/// is `nil`, never a default, so a caller can report it at the node's position.
extension Node {
    /// The value of a boolean scalar.
    public var boolValue: Bool? {
        guard type == .bool, let text else { return nil }
        return ScalarType.canonical(text, as: .bool) == "true"
    }

    /// The value of an integer scalar that fits in 64 bits.
    public var integerValue: Int64? {
        guard type == .int, let text else { return nil }
        return ScalarType.parseGoInteger(ScalarType.canonical(text, as: .int))
    }
}
