/// One quote as evidence carries it: the signed TPMS_ATTEST, its TPMT_SIGNATURE, and the PCR values it covers.
public struct TPMQuote: Sendable, Hashable {
    /// The parsed TPMS_ATTEST (its bytes are what was signed).
    public let attest: Attest
    /// The signature over the TPMS_ATTEST bytes.
    public let signature: Signature
    /// The PCR values supplied with the quote.
    public let pcrs: PCRBanks

    /// Creates a quote.
    public init(attest: Attest, signature: Signature, pcrs: PCRBanks) {
        self.attest = attest
        self.signature = signature
        self.pcrs = pcrs
    }

    /// Parses the three parts from their marshaled forms.
    public init(attest: [UInt8], signature: [UInt8], pcrs: PCRBanks) throws {
        self.init(attest: try Attest(bytes: attest), signature: try Signature(bytes: signature), pcrs: pcrs)
    }
}

/// TPM evidence: one or more quotes by one attestation key, with what the evidence says about that key.
///
/// The key and certificates here come from the evidence and are not trusted by themselves: the verifier accepts
/// the key only when the operator names it or when its certificate chains to an operator-given root.
public struct TPMEvidence: Sendable, Hashable {
    /// The quotes (go-tpm-tools sends one per PCR bank).
    public var quotes: [TPMQuote]
    /// The attestation key the evidence names, if it carries one.
    public var attestationKey: AttestationKey?
    /// The AK certificate (DER) the evidence carries, if any.
    public var akCertificate: [UInt8]?
    /// Further certificates (DER) the evidence carries to build the AK chain.
    public var intermediates: [[UInt8]]
    /// A TCG event log carried with the quotes, if any.
    public var eventLog: [UInt8]?

    /// Creates evidence.
    public init(quotes: [TPMQuote], attestationKey: AttestationKey? = nil, akCertificate: [UInt8]? = nil,
                intermediates: [[UInt8]] = [], eventLog: [UInt8]? = nil) {
        self.quotes = quotes
        self.attestationKey = attestationKey
        self.akCertificate = akCertificate
        self.intermediates = intermediates
        self.eventLog = eventLog
    }
}
