import Foundation
import HermeticCore
import Yams

/// A typed validation policy over the fields of a verified SEV-SNP report, read from YAML or JSON.
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

    /// Reads a policy from YAML or JSON text.
    ///
    /// Hex values are read as the text written, so an unquoted all-digit measurement keeps its leading zeros.
    ///
    /// - Throws: ``SNPError`` `.malformedPolicy` naming the unknown key or the bad value.
    public init(yaml text: String) throws {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw SNPError(.malformedPolicy, "policy is neither YAML nor JSON: \(error)")
        }
        guard let root else { return }
        guard let document = root.mapping else { throw SNPError(.malformedPolicy, "policy is not a mapping of fields") }
        for (keyNode, value) in document {
            let key = keyNode.string ?? ""
            switch key {
            case "measurements": measurements = try Self.hexList(value, key, sizes: [48])
            case "minimum_tcb": minimumTCB = try Self.minimumTCB(value)
            case "minimum_guest_svn": minimumGuestSVN = UInt32(try Self.integer(value, key, max: Int(UInt32.max)))
            case "allowed_vmpls": allowedVMPLs = try Self.list(value, key).map { UInt32(try Self.integer($0, key, max: 3)) }
            case "allowed_chip_ids": allowedChipIDs = try Self.hexList(value, key, sizes: [64, 8])
            case "signer":
                guard let text = value.string, let signer = Signer(rawValue: text.lowercased()) else {
                    throw SNPError(.malformedPolicy, "policy field signer must be vcek, vlek or any")
                }
                self.signer = signer
            case "allow_smt": allowSMT = try Self.bool(value, key)
            case "require_single_socket": requireSingleSocket = try Self.bool(value, key)
            case "allow_debug": allowDebug = try Self.bool(value, key)
            case "allow_migration_agent": allowMigrationAgent = try Self.bool(value, key)
            default: throw SNPError(.malformedPolicy, "policy has unknown field \"\(key)\"")
            }
        }
    }

    private static func minimumTCB(_ value: Node) throws -> MinimumTCB {
        guard let members = value.mapping else {
            throw SNPError(.malformedPolicy, "policy field minimum_tcb must be a mapping of components")
        }
        var tcb = MinimumTCB()
        for (keyNode, levelNode) in members {
            let key = keyNode.string ?? ""
            let level = UInt8(try integer(levelNode, "minimum_tcb.\(key)", max: 255))
            switch key {
            case "fmc": tcb.fmc = level
            case "bootloader": tcb.bootloader = level
            case "tee": tcb.tee = level
            case "snp": tcb.snp = level
            case "microcode": tcb.microcode = level
            default: throw SNPError(.malformedPolicy, "policy field minimum_tcb has unknown component \"\(key)\"")
            }
        }
        return tcb
    }

    private static func list(_ value: Node, _ key: String) throws -> [Node] {
        guard let list = value.sequence else { throw SNPError(.malformedPolicy, "policy field \(key) must be a list") }
        return Array(list)
    }

    private static func hexList(_ value: Node, _ key: String, sizes: Set<Int>) throws -> [[UInt8]] {
        try list(value, key).map { element in
            let text = element.scalar?.string ?? ""
            guard let bytes = Hex.decode(text), sizes.contains(bytes.count) else {
                throw SNPError(.malformedPolicy, "policy field \(key) holds \"\(text)\", not hex of \(sizes.sorted().map(String.init).joined(separator: " or ")) bytes")
            }
            return bytes
        }
    }

    private static func integer(_ value: Node, _ key: String, max: Int) throws -> Int {
        let text = value.scalar?.string ?? ""
        guard let number = Int(text), (0...max).contains(number) else {
            throw SNPError(.malformedPolicy, "policy field \(key) must be an integer in 0...\(max), not \(text)")
        }
        return number
    }

    private static func bool(_ value: Node, _ key: String) throws -> Bool {
        switch value.scalar?.string.lowercased() {
        case "true": return true
        case "false": return false
        default: throw SNPError(.malformedPolicy, "policy field \(key) must be true or false")
        }
    }
}
