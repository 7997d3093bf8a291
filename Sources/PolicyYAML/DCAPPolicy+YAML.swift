import HermeticCore
import TDX
import Yams

extension DCAPPolicy {
    /// Reads a policy from YAML or JSON text.
    ///
    /// - Throws: ``TDXError`` `.malformedPolicy` naming the unknown key or the bad value.
    public init(yaml text: String) throws {
        self.init()
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw TDXError(.malformedPolicy, "policy is neither YAML nor JSON: \(error)")
        }
        guard let root else { return }
        guard let document = root.mapping else { throw TDXError(.malformedPolicy, "policy is not a mapping of fields") }
        for (keyNode, value) in document {
            let key = keyNode.string ?? ""
            switch key {
            case "accepted_tcb_statuses":
                acceptedTCBStatuses = Set(try Self.list(value, key).map { node in
                    guard let status = TCBStatus(rawValue: node.string ?? "") else {
                        throw TDXError(.malformedPolicy, "policy field \(key) holds \"\(node.string ?? "")\", not one of \(TCBStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return status
                })
            case "accepted_advisory_ids": acceptedAdvisoryIDs = Set(try Self.list(value, key).map { $0.string ?? "" })
            case "allow_debug":
                switch value.string?.lowercased() {
                case "true": allowDebug = true
                case "false": allowDebug = false
                default: throw TDXError(.malformedPolicy, "policy field allow_debug must be true or false")
                }
            case "isv_prod_id": allowedISVProdIDs = try Self.list(value, key).map { try Self.integer($0, key) }
            case "minimum_isv_svn": minimumISVSVN = try Self.integer(value, key)
            default:
                guard let field = Field(rawValue: key) else { throw TDXError(.malformedPolicy, "policy has unknown field \"\(key)\"") }
                allowedValues[field] = try Self.list(value, key).map { element in
                    let text = element.scalar?.string ?? ""
                    guard let bytes = Hex.decode(text), bytes.count == field.size else {
                        throw TDXError(.malformedPolicy, "policy field \(key) holds \"\(text)\", not hex of \(field.size) bytes")
                    }
                    return bytes
                }
            }
        }
    }

    private static func list(_ value: Node, _ key: String) throws -> [Node] {
        guard let list = value.sequence else { throw TDXError(.malformedPolicy, "policy field \(key) must be a list") }
        return Array(list)
    }

    private static func integer(_ value: Node, _ key: String) throws -> UInt16 {
        let text = value.scalar?.string ?? ""
        guard let number = UInt16(text) else {
            throw TDXError(.malformedPolicy, "policy field \(key) must be an integer in 0...65535, not \(text)")
        }
        return number
    }
}
