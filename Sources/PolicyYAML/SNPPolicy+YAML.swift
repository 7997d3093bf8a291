import HermeticCore
import SEVSNP
import Yams

extension SNPPolicy {
    /// Reads a policy from YAML or JSON text.
    ///
    /// Hex values are read as the text written, so an unquoted all-digit measurement keeps its leading zeros.
    ///
    /// - Throws: ``SNPError`` `.malformedPolicy` naming the unknown key or the bad value.
    public init(yaml text: String) throws {
        self.init()
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
