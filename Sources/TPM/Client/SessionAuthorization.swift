/// One TPMS_AUTH_COMMAND: the session that authorizes a handle of a command.
///
/// Only what attestation needs: the password session with an empty password (TPM_RS_PW), and a policy session
/// whose policy needs no HMAC (PolicySecret, as the EK's), sent with an empty nonce and empty hmac.
public struct SessionAuthorization: Sendable, Hashable {
    /// The session handle (TPM_RS_PW, or a policy session's 0x03xxxxxx handle).
    public let handle: UInt32
    /// sessionAttributes: continueSession (bit 0) keeps a policy session loaded after the command.
    public let attributes: UInt8

    /// The empty password (TPM_RS_PW).
    public static let password = SessionAuthorization(handle: 0x4000_0009, attributes: 0)

    /// A policy session; without `continueSession` the TPM flushes it once the command succeeds.
    public static func policy(_ handle: UInt32, continueSession: Bool = false) -> SessionAuthorization {
        SessionAuthorization(handle: handle, attributes: continueSession ? 0x01 : 0x00)
    }

    func marshal(into writer: inout TPMWriter) {
        writer.u32(handle)
        writer.sized([])  // nonceCaller
        writer.u8(attributes)
        writer.sized([])  // hmac
    }
}
