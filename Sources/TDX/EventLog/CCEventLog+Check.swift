import Crypto
import EventLog
import HermeticCore

extension CCEventLog {
    /// The tag id of an AAEL entry: `"AAEL"` read as a little-endian u32, so the data starts with `LEAA`.
    public static let aaelTag: [UInt8] = Array("LEAA".utf8)

    /// The check a verifier makes of a CC event log against the quote's RTMR0–3: every register replays to its
    /// quoted value, and every AAEL runtime event (an `EV_EVENT_TAG` event tagged `AAEL`) carries the SHA-384 of its
    /// own data, so the text the claims show is the text that was measured.
    ///
    /// The second rule is stricter than Trustee, which reports `digest_matches_event` and leaves it to the policy;
    /// for firmware events it cannot apply (their digests are of what was loaded, not of the event data).
    ///
    /// - Throws: ``TDXError`` `.eventLogReplay` naming the registers that differ (quoted and replayed values), or the
    ///   AAEL event whose text does not hash to its digest.
    public func checkReplay(against quoted: [[UInt8]]) throws {
        for (number, event) in events.enumerated() where event.type == TCGEvent.eventTag && event.data.starts(with: Self.aaelTag) {
            let expected = Array(SHA384.hash(data: event.data))
            guard let digest = event.digests.first(where: { $0.algorithm == Self.sha384 }), digest.bytes == expected else {
                throw TDXError(.eventLogReplay, "AAEL event \(number + 1) (MR index \(event.index)) does not carry the SHA-384 of its data: its text is not what was measured")
            }
        }
        let mismatched = mismatchedRTMRs(quoted)
        guard mismatched.isEmpty else {
            throw TDXError(.eventLogReplay, "the CC event log does not replay to " + mismatched.map {
                "RTMR\($0.index) (quote \(Hex.encode($0.quote.prefix(8)))…, replay \(Hex.encode($0.replayed.prefix(8)))…)"
            }.joined(separator: ", "))
        }
    }
}
