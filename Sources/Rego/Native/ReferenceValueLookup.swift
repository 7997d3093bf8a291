/// Where Trustee's `query_reference_value(id)` finds reference values: the reference value store implements it.
public protocol ReferenceValueLookup: Sendable {
    /// The reference value stored under `id` (any JSON value, usually a list of accepted values), or `nil` when
    /// nothing is stored.
    /// - Throws: when the store cannot be read; the policy then fails with a builtin error.
    func referenceValue(for id: String) throws -> Value?
}

/// A fixed table of reference values, for tests and for policies evaluated offline.
public struct StaticReferenceValues: ReferenceValueLookup {
    private let values: [String: Value]

    /// A table from reference value ids to values.
    public init(_ values: [String: Value]) { self.values = values }

    /// A table from a JSON object of id → value.
    public init(object: ObjectValue) {
        var table: [String: Value] = [:]
        for entry in object.entries {
            if case .string(let key) = entry.key { table[key] = entry.value }
        }
        values = table
    }

    public func referenceValue(for id: String) -> Value? { values[id] }
}

extension Builtin {
    /// Trustee's host function `query_reference_value(id)`: the stored reference value, or `null` when none is
    /// stored, as Trustee's attestation service registers it with regorus.
    public static func queryReferenceValue(_ lookup: any ReferenceValueLookup) -> Builtin {
        Builtin("query_reference_value", arity: 1) { args, _ in
            let id = try args.string(0)
            do {
                return try lookup.referenceValue(for: id) ?? .null
            } catch {
                throw BuiltinError.failure("reference value \(id) could not be read: \(error)")
            }
        }
    }
}
