import HermeticCore

/// The checks on one quote, in the order a TPM verifier must make them: magic, type, qualified signer,
/// signature by the attestation key, the PCR digest recomputed from the supplied values, and the nonce.
public enum QuoteVerifier {
    /// Verifies `quote` with `key`.
    ///
    /// - Parameters:
    ///   - quote: the quote and its PCR values.
    ///   - key: the trusted attestation key.
    ///   - expectedNonce: the value extraData must carry (see ``nonceMatches(_:expected:)``), or `.notProvided`.
    ///   - parents: parent keys' public areas for an AK that is not a primary key (see ``QualifiedName``).
    /// - Throws: ``TPMError`` naming the first check that fails.
    ///
    /// When the key came as a TPM public area, the qualified signer must be its qualified name.
    public static func verify(_ quote: TPMQuote, key: AttestationKey, expectedNonce: ExpectedData, parents: [PublicArea] = []) throws {
        let attest = quote.attest
        guard attest.magic == Attest.generatedValue else {
            throw TPMError(.magic, "TPMS_ATTEST.magic is 0x\(String(attest.magic, radix: 16)), not TPM_GENERATED_VALUE (0xff544347)")
        }
        guard attest.type == Attest.quoteType else {
            throw TPMError(.attestType, "TPMS_ATTEST.type is 0x\(String(attest.type, radix: 16)), not TPM_ST_ATTEST_QUOTE")
        }
        try checkName(attest.qualifiedSigner)
        if let area = key.publicArea { try QualifiedName.check(attest.qualifiedSigner, key: area, parents: parents) }
        guard key.verifies(quote.signature, over: attest.bytes) else {
            throw TPMError(.quoteSignature, "the \(quote.signature.scheme)/\(quote.signature.hash) signature over TPMS_ATTEST does not verify with the attestation key")
        }
        // The TPM hashes the selected PCRs with the signing scheme's hash, whatever their bank.
        let digest = try quote.signature.hash.hash(try quote.pcrs.concatenation(for: attest.pcrSelection))
        guard ConstantTime.equals(digest, attest.pcrDigest) else {
            throw TPMError(.pcrDigest, "the PCR values supplied hash to \(Hex.encode(digest)), the quote's pcrDigest is \(Hex.encode(attest.pcrDigest))")
        }
        if case .value(let expected) = expectedNonce, !nonceMatches(attest.extraData, expected: expected) {
            throw TPMError(.reportData, "extraData \(Hex.encode(attest.extraData)) differs from the expected \(Hex.encode(expected))")
        }
    }

    /// Whether extraData carries the expected nonce: the same bytes, or else, as Trustee binds report data, the
    /// first 32 bytes of each (zero-padded when shorter) equal; compared in constant time.
    public static func nonceMatches(_ extraData: [UInt8], expected: [UInt8]) -> Bool {
        if extraData.count == expected.count { return ConstantTime.equals(extraData, expected) }
        guard let fitted = ExpectedData.value(expected).fitted(to: 32),
              let actual = ExpectedData.value(extraData).fitted(to: 32) else { return false }
        return ConstantTime.equals(fitted, actual)
    }

    /// A TPM2B_NAME is a handle (four bytes) or a hash algorithm identifier followed by a digest of its size.
    static func checkName(_ name: [UInt8]) throws {
        if name.count == 4 { return }
        guard name.count >= 2 else { throw TPMError(.qualifiedSigner, "qualifiedSigner has \(name.count) bytes") }
        let algorithm = TPMAlgorithm(rawValue: UInt16(name[0]) << 8 | UInt16(name[1]))
        guard let size = algorithm.digestSize, name.count == 2 + size else {
            throw TPMError(.qualifiedSigner, "qualifiedSigner is not a name: algorithm \(algorithm) with \(name.count - 2) digest bytes")
        }
    }
}
