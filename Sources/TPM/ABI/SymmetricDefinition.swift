/// TPMT_SYM_DEF_OBJECT when its algorithm is not TPM_ALG_NULL: the symmetric cipher a storage key (an EK) uses to
/// protect what is sent to it, such as a credential (Part 2, 12.2.3.4).
public struct SymmetricDefinition: Sendable, Hashable {
    /// The block cipher (TPM_ALG_AES).
    public let algorithm: TPMAlgorithm
    /// The key size in bits.
    public let keyBits: Int
    /// The mode (TPM_ALG_CFB for storage keys).
    public let mode: TPMAlgorithm

    /// Creates a definition.
    public init(algorithm: TPMAlgorithm, keyBits: Int, mode: TPMAlgorithm) {
        self.algorithm = algorithm
        self.keyBits = keyBits
        self.mode = mode
    }
}
