/// A value the verifier must find bound into the evidence (report data, init-data digest), or an explicit absence.
///
/// Trustee's verifiers take `ReportData::Value | NotProvided`; absence is a decision, never an empty array.
public enum ExpectedData: Sendable, Hashable {
    /// The evidence must carry these bytes (after the platform's padding or truncation rule).
    case value([UInt8])
    /// Nothing is checked.
    case notProvided

    /// The expected bytes fitted to a field of `size` bytes: zero-padded when shorter, truncated when longer.
    ///
    /// This is the rule Trustee applies for SNP HOST_DATA (32 bytes, truncate) and TDX MRCONFIGID (48, pad).
    public func fitted(to size: Int) -> [UInt8]? {
        guard case .value(let bytes) = self else { return nil }
        if bytes.count >= size { return Array(bytes.prefix(size)) }
        return bytes + [UInt8](repeating: 0, count: size - bytes.count)
    }
}
