/// One field of verified evidence that a validation policy does not accept: the field, the value seen and the
/// value allowed.
public struct PolicyViolation: Sendable, Hashable, CustomStringConvertible {
    /// The field, by its claim name.
    public let field: String
    /// The value in the report.
    public let seen: String
    /// What the policy allows.
    public let allowed: String

    /// Creates a violation.
    public init(field: String, seen: String, allowed: String) {
        self.field = field
        self.seen = seen
        self.allowed = allowed
    }

    public var description: String { "\(field) is \(seen), allowed \(allowed)" }
}
