import HermeticCore

/// Claims from verified TPM evidence, with Trustee's names: `pcr00`..`pcr23` (the SHA-256 bank), `report_data`
/// (extraData), `init_data` (PCR 8), and `ak_public`; plus the quote's clock and firmware fields under `quote` and
/// every bank under `pcrs`.
public enum TPMClaims {
    /// The PCR that binds init-data: PCR 8 = SHA-256(0³² ‖ digest), one extend from zero.
    public static let initDataPCR = 8

    /// The claims of `quote` signed by `key`.
    public static func claims(quote: TPMQuote, key: AttestationKey) -> [String: JSONValue] {
        var claims: [String: JSONValue] = [:]
        let sha256 = quote.pcrs.values[.sha256] ?? [:]
        for (index, value) in sha256 { claims[String(format2: index)] = .string(Hex.encode(value)) }
        claims["report_data"] = .string(Hex.encode(quote.attest.extraData))
        if let pcr8 = sha256[initDataPCR] { claims["init_data"] = .string(Hex.encode(pcr8)) }
        claims["ak_public"] = .string(Base64.encode(key.spki))
        claims["pcrs"] = quote.pcrs.json
        let attest = quote.attest
        claims["quote"] = .object([
            "clock": .int(Int64(truncatingIfNeeded: attest.clock)),
            "reset_count": .int(Int64(attest.resetCount)),
            "restart_count": .int(Int64(attest.restartCount)),
            "safe": .bool(attest.safe != 0),
            "firmware_version": .string(Hex.encode((0..<8).reversed().map { UInt8(truncatingIfNeeded: attest.firmwareVersion >> (8 * $0)) })),
            "qualified_signer": .string(Hex.encode(attest.qualifiedSigner)),
            "pcr_select": .array(attest.pcrSelection.banks.map { bank in
                .object(["hash": .string(bank.hash.description), "pcrs": .array(bank.pcrs.map { .int(Int64($0)) })])
            }),
            "signature": .string("\(quote.signature.scheme)/\(quote.signature.hash)"),
        ])
        return claims
    }

    /// Checks that PCR 8 (SHA-256 bank) binds the expected init-data digest, as Trustee's TPM verifier does.
    ///
    /// - Throws: ``TPMError`` (`init_data`) when PCR 8 is absent or differs.
    public static func checkInitData(_ pcrs: PCRBanks, expected: ExpectedData) throws {
        guard let digest = expected.fitted(to: 32) else { return }
        guard let pcr8 = pcrs[.sha256, initDataPCR] else {
            throw TPMError(.initData, "an init-data digest is expected but the quote has no SHA-256 PCR 8")
        }
        let bound = (try? TPMAlgorithm.sha256.hash([UInt8](repeating: 0, count: 32) + digest)) ?? []
        guard ConstantTime.equals(bound, pcr8) else {
            throw TPMError(.initData, "PCR 8 is \(Hex.encode(pcr8)), SHA-256(0^32 || init-data digest) is \(Hex.encode(bound))")
        }
    }
}

extension String {
    /// `pcrNN` with two digits, as Trustee names PCR claims.
    init(format2 index: Int) {
        self = index < 10 ? "pcr0\(index)" : "pcr\(index)"
    }
}
