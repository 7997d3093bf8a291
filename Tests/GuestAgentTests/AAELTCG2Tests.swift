import EventLog
import Foundation
import GuestAttester
import Testing
import TestSupport

@Suite("AAEL in its TCG2 form, against the AAEL events of a real CC event log (Trustee's CCEL_AAEL_alibabacloud)")
struct AAELTCG2Tests {
    @Test("each AAEL event re-encoded from its text appears byte for byte in the log, with the same SHA-384 digest")
    func reencodesRealEvents() throws {
        let log = try Fixtures.bytes("eventlog/trustee-ccel-aael-alibabacloud/CCEL_AAEL_alibabacloud")
        let events = try TCGEventLog(bytes: log).events.filter { $0.type == 6 && $0.data.starts(with: [0x4C, 0x45, 0x41, 0x41]) }
        #expect(events.count == 2)
        for event in events {
            let text = String(decoding: event.data.dropFirst(8), as: UTF8.self)
            let fields = text.split(separator: " ", maxSplits: 2).map(String.init)
            let aael = try AAELEvent(domain: fields[0], operation: fields[1], content: fields[2])
            #expect(aael.taggedEventData == event.data)
            #expect(event.digests.first?.bytes == AAELAlgorithm.sha384.hash(aael.taggedEventData))
            let encoded = aael.tcg2Event(measurementRegisterIndex: event.index, algorithm: .sha384)
            #expect(log.firstRange(of: encoded) != nil, "the encoded event is in the log as written")
        }
    }
}
