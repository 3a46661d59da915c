/// What the API server checks of every object's `metadata` (ObjectMeta), written as a
/// schema: CRDs leave metadata out of their own schemas.
enum ObjectMetaSchema {
    static let dns1123Subdomain = #"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"#
    static let dns1123Label = #"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"#
    /// A label or annotation key: an optional DNS subdomain prefix and a name of up to 63 characters.
    static let qualifiedName = #"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"#
    static let labelValue = #"^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$"#

    static let schema = StructuralSchema(
        type: .object,
        properties: [
            "name": StructuralSchema(
                type: .string, pattern: dns1123Subdomain,
                patternMessage: "must be a lowercase RFC 1123 subdomain (a-z, 0-9, '-', '.'; at most 253 characters)",
                maxLength: 253),
            "generateName": StructuralSchema(type: .string),
            "namespace": StructuralSchema(
                type: .string, pattern: dns1123Label,
                patternMessage: "must be a lowercase RFC 1123 label (a-z, 0-9, '-'; at most 63 characters)", maxLength: 63),
            "labels": StructuralSchema(
                type: .object,
                additional: .schema(StructuralSchema(
                    type: .string, pattern: labelValue,
                    patternMessage: "is not a valid label value (at most 63 characters of A-Z, a-z, 0-9, '-', '_', '.', alphanumeric at both ends)")),
                keyPattern: qualifiedName),
            "annotations": StructuralSchema(type: .object, additional: .schema(StructuralSchema(type: .string)), keyPattern: qualifiedName),
            "finalizers": StructuralSchema(type: .array, items: StructuralSchema(type: .string), listType: "set"),
            "ownerReferences": StructuralSchema(type: .array, items: StructuralSchema(type: .object, additional: .any)),
            "uid": StructuralSchema(type: .string),
            "resourceVersion": StructuralSchema(type: .string),
            "generation": StructuralSchema(type: .integer),
            "creationTimestamp": StructuralSchema(type: .string, nullable: true),
            "deletionTimestamp": StructuralSchema(type: .string, nullable: true),
            "deletionGracePeriodSeconds": StructuralSchema(type: .integer),
            "managedFields": StructuralSchema(type: .array),
            "selfLink": StructuralSchema(type: .string),
        ],
        additional: .none,
        anyOf: [StructuralSchema(required: ["name"]), StructuralSchema(required: ["generateName"])])
}
