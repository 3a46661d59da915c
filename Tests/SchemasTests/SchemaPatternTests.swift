import Testing

/// A CRD's `pattern` comes from whoever wrote the CRD: one that repeats a repetition must
/// not hang validation (gitopsc's matcher runs in linear time, as the API server's RE2 does).
@Suite struct SchemaPatternTests {
    @Test func aRepeatedRepetitionPatternChecksALongNearMiss() throws {
        let schema = """
            type: object
            properties:
              id: {type: string, pattern: '^(a+)+b$'}
              key: {type: string, pattern: '(x|xx)*y'}
            """
        let near = String(repeating: "a", count: 5_000)
        #expect(paths(try problems(schema, "id: \(near)")) == ["id"])
        #expect(try problems(schema, "id: \(near)b").isEmpty)
        #expect(paths(try problems(schema, "key: \(String(repeating: "x", count: 5_000))")) == ["key"])
        #expect(try problems(schema, "key: \(String(repeating: "x", count: 5_000))y").isEmpty)
    }

    /// The API server reads `pattern` as Go does: `.` matches a carriage return, `$` is the
    /// very end of the text.
    @Test func patternsFollowGoSemantics() throws {
        let schema = """
            type: object
            properties:
              dot: {type: string, pattern: '^a.b$'}
              end: {type: string, pattern: '^ab$'}
            """
        #expect(try problems(schema, "dot: \"a\\rb\"").isEmpty)
        #expect(paths(try problems(schema, "end: \"ab\\n\"")) == ["end"])
    }
}
