import Rego

/// The Executive: turns an order frame into a well-formed ``Order`` or a refusal status. It keeps no state.
public struct Executive: Sendable {
    /// Why a frame is not a well-formed order: the status to reply with, and a description for the gate's log.
    public struct Refusal: Error, Sendable, Hashable {
        /// The reply status.
        public let status: GateStatus
        /// What was wrong (never the noun's content).
        public let reason: String
    }

    /// A stateless Executive.
    public init() {}

    /// Checks an order frame: a known verb and a noun that is JSON and passes the verb's schema.
    /// - Throws: ``Refusal`` with `unknownVerb` or `malformedNoun`.
    public func admit(_ frame: Frame) throws(Refusal) -> Order {
        guard let verb = Verb(rawValue: frame.code) else {
            throw Refusal(status: .unknownVerb, reason: "unknown verb code \(frame.code)")
        }
        let noun: Value
        do {
            noun = try JSONReader.parse(frame.body)
        } catch {
            throw Refusal(status: .malformedNoun, reason: NounSchema.Violation.notJSON("\(error)").description)
        }
        do {
            try NounSchema.forVerb(verb).check(noun)
        } catch {
            throw Refusal(status: .malformedNoun, reason: "\(verb.name): \(error)")
        }
        return Order(verb: verb, noun: noun, uid: frame.uid, nounBytes: frame.body)
    }
}
