#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// A typed validation policy over a verified TDX or SGX quote, read from YAML or JSON by the `PolicyYAML` target
/// (`DCAPPolicy(yaml:)`), kept apart so that the guest agent, which links this target, does not link Yams.
///
/// Every field is optional. By default only the `UpToDate` TCB status is accepted and debug TDs and enclaves are
/// forbidden; other fields are checked only when present. Example:
///
/// ```yaml
/// accepted_tcb_statuses: [UpToDate, SWHardeningNeeded]
/// accepted_advisory_ids: [INTEL-SA-00615]   # when present, every advisory of the verdict must be listed
/// allow_debug: false
/// mr_td: [91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7]
/// rtmr0: [...]                               # rtmr1, rtmr2, rtmr3 likewise
/// mr_config_id: [...]
/// mr_owner: [...]
/// mr_owner_config: [...]
/// mr_seam: [...]
/// xfam: [e702060000000000]
/// td_attributes: [0000001000000000]
/// mr_enclave: [...]                          # SGX
/// mr_signer: [...]                           # SGX
/// isv_prod_id: [0]                           # SGX
/// minimum_isv_svn: 0                         # SGX
/// ```
public struct DCAPPolicy: Sendable, Hashable {
    /// The TCB statuses accepted.
    public var acceptedTCBStatuses: Set<TCBStatus> = [.upToDate]
    /// When set, every advisory ID of the verdict must be in this list.
    public var acceptedAdvisoryIDs: Set<String>?
    /// Whether a debug TD or enclave is accepted.
    public var allowDebug = false
    /// Accepted values of byte fields, by claim-style name (`mr_td`, `rtmr0`, …, `mr_enclave`).
    public var allowedValues: [Field: [[UInt8]]] = [:]
    /// Accepted SGX ISVPRODIDs.
    public var allowedISVProdIDs: [UInt16]?
    /// The minimum SGX ISVSVN.
    public var minimumISVSVN: UInt16?

    /// A byte field a policy may pin, with its size.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case mrTD = "mr_td", rtmr0, rtmr1, rtmr2, rtmr3
        case mrConfigID = "mr_config_id", mrOwner = "mr_owner", mrOwnerConfig = "mr_owner_config", mrSeam = "mr_seam"
        case xfam, tdAttributes = "td_attributes"
        case mrEnclave = "mr_enclave", mrSigner = "mr_signer"

        /// The field's size in bytes.
        public var size: Int {
            switch self {
            case .xfam, .tdAttributes: return 8
            case .mrEnclave, .mrSigner: return 32
            default: return 48
            }
        }
    }

    /// The default policy: `UpToDate` only, no debug, nothing else checked.
    public init() {}
}
