/// Carries marshaled TPM 2.0 commands to a TPM and brings back its responses: a device file (`/dev/tpmrm0`) or
/// swtpm's TCP socket. The one door between ``TPMClient`` and a TPM.
public protocol TPMTransport: Sendable {
    /// Sends one command and returns the whole response (header included).
    ///
    /// - Throws: ``TPMError`` (`command`) when the TPM cannot be reached or the response is cut short.
    func transmit(_ command: [UInt8]) throws -> [UInt8]
}
