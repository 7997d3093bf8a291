/// The builtins a compiled policy can call, by name.
public struct BuiltinRegistry: Sendable {
    private(set) var table: [String: Builtin]

    /// A registry holding exactly `builtins`.
    public init(_ builtins: [Builtin]) {
        table = [:]
        for builtin in builtins { table[builtin.name] = builtin }
    }

    /// OPA's standard builtins that Hermetic implements.
    public static let standard = BuiltinRegistry(
        CoreBuiltins.all + StringBuiltins.all + RegexBuiltins.all + CollectionBuiltins.all + NumberBuiltins.all
            + TypeBuiltins.all + EncodingBuiltins.all + CryptoBuiltins.all + TimeBuiltins.all + SemverBuiltins.all
            + RuntimeBuiltins.all
    )

    /// The builtin called `name`.
    public subscript(name: String) -> Builtin? { table[name] }

    /// This registry with `builtin` added, replacing any builtin of the same name.
    public func adding(_ builtin: Builtin) -> BuiltinRegistry {
        var copy = self
        copy.table[builtin.name] = builtin
        return copy
    }
}
