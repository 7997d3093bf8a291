/// Comparison of secret-dependent byte strings in time that depends only on their lengths.
public enum ConstantTime {
    /// Returns whether `lhs` and `rhs` are equal, examining every byte whatever the first difference.
    ///
    /// Use it for nonces, MACs, tokens and any value an attacker may probe byte by byte.
    public static func equals<A: Collection, B: Collection>(_ lhs: A, _ rhs: B) -> Bool
    where A.Element == UInt8, B.Element == UInt8 {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
        return difference == 0
    }
}
