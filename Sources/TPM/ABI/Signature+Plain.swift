import SwiftASN1

extension Signature {
    /// Reads a signature as `tpm2_quote -f plain` writes it, which names no algorithm: the raw RSA signature
    /// (the modulus size) or a DER ECDSA-Sig-Value. The scheme and hash come from the AK: its public area's
    /// scheme when it has one (RSASSA or RSAPSS; the scheme's hash), otherwise RSASSA or ECDSA with `defaultHash`.
    ///
    /// - Throws: ``TPMError`` (`structure_format`) when the bytes do not fit the key: an RSA signature of another
    ///   size, or DER that is not SEQUENCE { r INTEGER, s INTEGER }.
    public init(plain bytes: [UInt8], key: AttestationKey, defaultHash: TPMAlgorithm = .sha256) throws {
        let area = key.publicArea
        let hash = area.map { $0.schemeHash == .null ? defaultHash : $0.schemeHash } ?? defaultHash
        switch key.key {
        case .rsa(let rsa):
            guard bytes.count * 8 == rsa.keySizeInBits else {
                throw TPMError(.malformedStructure, "plain signature: \(bytes.count) bytes for a \(rsa.keySizeInBits)-bit RSA key")
            }
            self.init(hash: hash, value: area?.scheme == .rsapss ? .rsapss(bytes) : .rsassa(bytes))
        case .p256, .p384:
            let (r, s): (ArraySlice<UInt8>, ArraySlice<UInt8>)
            do {
                (r, s) = try DER.sequence(try DER.parse(bytes), identifier: .sequence) { nodes in
                    (try ArraySlice<UInt8>(derEncoded: &nodes), try ArraySlice<UInt8>(derEncoded: &nodes))
                }
            } catch {
                throw TPMError(.malformedStructure, "plain signature: not a DER ECDSA-Sig-Value: \(error)")
            }
            func unsigned(_ integer: ArraySlice<UInt8>) -> [UInt8] { Array(integer.drop { $0 == 0 }) }
            self.init(hash: hash, value: .ecdsa(r: unsigned(r), s: unsigned(s)))
        }
    }

    /// Reads either form: a TPMT_SIGNATURE ("tss", tpm2-tools' default) or, failing that, a plain signature
    /// interpreted with `key` (see ``init(plain:key:defaultHash:)``).
    public init(tssOrPlain bytes: [UInt8], key: AttestationKey?) throws {
        if let tss = try? Signature(bytes: bytes) {
            self = tss
            return
        }
        guard let key else {
            throw TPMError(.malformedStructure, "the signature is not a TPMT_SIGNATURE; a plain signature (tpm2_quote -f plain) needs the AK as collateral to say its algorithm")
        }
        try self.init(plain: bytes, key: key)
    }
}
