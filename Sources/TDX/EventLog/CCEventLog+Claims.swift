import Crypto
import EventLog
import HermeticCore

extension CCEventLog {
    /// The events as Trustee's `uefi_event_logs` claim: per event its MR `index`, `type_name`, `digests`
    /// (`alg`, hex `digest`), the base64 `event` data, whether the event data hashes to its SHA-384 digest
    /// (`digest_matches_event`), and the `details` read from the data.
    public var claims: JSONValue {
        .array(events.map { event in
            let matches = event.digests.first { $0.algorithm == Self.sha384 }.map { Array(SHA384.hash(data: event.data)) == $0.bytes } ?? false
            return .object([
                "index": .int(Int64(event.index)),
                "type_name": .string(event.typeName),
                "digests": .array(event.digests.map {
                    .object(["alg": .string(CCEvent.algorithmName($0.algorithm)), "digest": .string(Hex.encode($0.bytes))])
                }),
                "event": .string(Base64.encode(event.data)),
                "digest_matches_event": .bool(matches),
                "details": EventDetails.details(of: event),
            ])
        })
    }
}
