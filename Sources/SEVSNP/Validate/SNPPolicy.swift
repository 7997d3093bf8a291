#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// A typed validation policy over the fields of a verified SEV-SNP report, read from YAML or JSON by the `PolicyYAML`
/// target (`SNPPolicy(yaml:)`), kept apart so that the guest agent, which links this target, does not link Yams.
///
/// Every field is optional; an absent field is not checked, except that debugging and migration agents are
/// forbidden unless allowed. Example:
///
/// ```yaml
/// measurements: [6a6519d757e68c2e939c9dbbbc1828498e8de35d2766dd05f1a2cca5059d0cf4ae62a36d75c837974dd50b315506e73e]
/// minimum_tcb: {bootloader: 10, tee: 0, snp: 23, microcode: 25}
/// minimum_guest_svn: 0
/// allowed_vmpls: [0]
/// allowed_chip_ids: [371c55d6…]
/// signer: vcek            # vcek | vlek | any
/// allow_smt: false        # false: the guest policy must forbid SMT and the platform must have it off
/// require_single_socket: true
/// allow_debug: false
/// allow_migration_agent: false
/// ```
public struct SNPPolicy: Sendable, Hashable {
    /// Which endorsement key kinds are accepted.
    public enum Signer: String, Sendable, Hashable {
        case vcek, vlek, any
    }

    /// Accepted launch measurements (48 bytes each); `nil` accepts any.
    public var measurements: [[UInt8]]?
    /// The minimum level of each TCB component in the reported TCB; `nil` components are not checked.
    public var minimumTCB: MinimumTCB?
    /// The minimum GUEST_SVN.
    public var minimumGuestSVN: UInt32?
    /// Accepted VMPLs.
    public var allowedVMPLs: [UInt32]?
    /// Accepted chip IDs (64 bytes; Turin chips may be given by their 8-byte prefix).
    public var allowedChipIDs: [[UInt8]]?
    /// Accepted endorsement key kinds.
    public var signer: Signer = .any
    /// When `false`, the guest policy must forbid SMT and the platform must report SMT disabled.
    public var allowSMT: Bool?
    /// When `true`, the guest policy must require a single socket.
    public var requireSingleSocket: Bool?
    /// Whether a guest policy that allows debugging is accepted (default: no).
    public var allowDebug: Bool = false
    /// Whether a guest policy that allows a migration agent is accepted (default: no).
    public var allowMigrationAgent: Bool = false

    /// Minimum levels per TCB component.
    public struct MinimumTCB: Sendable, Hashable {
        public var fmc: UInt8?
        public var bootloader: UInt8?
        public var tee: UInt8?
        public var snp: UInt8?
        public var microcode: UInt8?

        /// Creates minimums; `nil` components are not checked.
        public init(fmc: UInt8? = nil, bootloader: UInt8? = nil, tee: UInt8? = nil, snp: UInt8? = nil, microcode: UInt8? = nil) {
            self.fmc = fmc
            self.bootloader = bootloader
            self.tee = tee
            self.snp = snp
            self.microcode = microcode
        }
    }

    /// The default policy: debugging and migration agents forbidden, nothing else checked.
    public init() {}
}
