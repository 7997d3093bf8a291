import HermeticCore

/// The AR4SI trustworthiness vector (draft-ietf-rats-ar4si): one small integer per aspect, as Trustee's policies
/// compute them in `trust_claims`.
public struct TrustVector: Sendable, Hashable {
    /// The aspects, by their EAR names, in the order the draft lists them.
    public static let aspects = [
        "instance-identity", "configuration", "executables", "file-system", "hardware", "runtime-opaque",
        "storage-opaque", "sourced-data",
    ]

    /// The value of each aspect that is set; missing aspects count as 0 (no claim).
    public var values: [String: Int]

    /// Creates a vector.
    public init(_ values: [String: Int] = [:]) { self.values = values }

    /// Reads the policy's `trust_claims` object: aspect names to integers in -128...127.
    ///
    /// - Throws: ``EARError`` `.policy` naming an unknown aspect or a value that is not a small integer.
    public init(policyOutput: JSONValue) throws {
        guard case .object(let members) = policyOutput else {
            throw EARError(.policy, "trust_claims is not an object")
        }
        var values: [String: Int] = [:]
        for (name, value) in members {
            guard Self.aspects.contains(name) else {
                throw EARError(.policy, "trust_claims has unknown aspect \"\(name)\"")
            }
            guard let int = value.intValue, (-128...127).contains(int) else {
                throw EARError(.policy, "trust_claims[\"\(name)\"] is not an integer in -128...127")
            }
            values[name] = Int(int)
        }
        self.values = values
    }

    /// The vector as EAR writes it: every aspect, as an integer.
    public var json: JSONValue {
        .object(Dictionary(uniqueKeysWithValues: Self.aspects.map { ($0, JSONValue.int(Int64(values[$0] ?? 0))) }))
    }

    /// The overall status: the worst tier of any aspect.
    public var status: EARStatus {
        Self.aspects.map { EARStatus(claim: values[$0] ?? 0) }.max() ?? .none
    }
}

/// The EAR appraisal status (`ear.status`), ordered from no claim to the worst tier.
public enum EARStatus: String, Sendable, Hashable, Comparable, Codable {
    /// No claim was made.
    case none
    /// Every claim is in the affirming tier.
    case affirming
    /// Some claim is in the warning tier.
    case warning
    /// Some claim is in the contraindicated tier.
    case contraindicated

    /// The tier of one AR4SI claim value: -1...1 none, -31...31 affirming, -95...95 warning, else contraindicated.
    public init(claim: Int) {
        switch abs(claim) {
        case 0...1: self = .none
        case 2...31: self = .affirming
        case 32...95: self = .warning
        default: self = .contraindicated
        }
    }

    private var rank: Int {
        switch self {
        case .none: 0
        case .affirming: 1
        case .warning: 2
        case .contraindicated: 3
        }
    }

    public static func < (lhs: EARStatus, rhs: EARStatus) -> Bool { lhs.rank < rhs.rank }
}
