/// A built-in function that policies call by name: `count(x)`, `regex.match(p, s)`, or a native host function such
/// as Trustee's `query_reference_value(id)`.
public struct Builtin: Sendable {
    /// What a call computes.
    public enum Implementation: Sendable {
        /// One output, or `nil` for undefined.
        case function(@Sendable (Operands, BuiltinContext) throws -> Value?)
        /// Any number of outputs, each a separate solution (`walk`).
        case relation(@Sendable (Operands, BuiltinContext) throws -> [Value])
    }

    /// The dotted name, as policies write it.
    public let name: String
    /// The number of operands, or `nil` for any number (`print`).
    public let arity: Int?
    /// What a call computes.
    public let implementation: Implementation

    /// A function of `arity` operands. Throwing `BuiltinError` makes the call undefined, or fails the query when
    /// builtin errors are strict.
    public init(
        _ name: String,
        arity: Int?,
        _ body: @escaping @Sendable (Operands, BuiltinContext) throws -> Value?
    ) {
        self.name = name
        self.arity = arity
        self.implementation = .function(body)
    }

    /// A relation of `arity` operands producing zero or more outputs.
    public init(
        relation name: String,
        arity: Int,
        _ body: @escaping @Sendable (Operands, BuiltinContext) throws -> [Value]
    ) {
        self.name = name
        self.arity = arity
        self.implementation = .relation(body)
    }
}

/// What a builtin may read besides its operands. It is fixed for one query evaluation.
public struct BuiltinContext: Sendable {
    /// The time `time.now_ns` returns, in nanoseconds since the Unix epoch, taken once per query.
    public let nowNanoseconds: Int64
    /// Where `print` writes its line.
    public let printLine: @Sendable (String) -> Void

    /// A context for one evaluation.
    public init(nowNanoseconds: Int64, printLine: @escaping @Sendable (String) -> Void) {
        self.nowNanoseconds = nowNanoseconds
        self.printLine = printLine
    }
}
