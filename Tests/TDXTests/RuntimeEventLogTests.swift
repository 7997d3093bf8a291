import Crypto
import EventLog
import Foundation
import HermeticCore
import Testing
import TestSupport
import TDX

@Suite("CC event logs with runtime (AAEL) events: guest-components' fallback header, the AAEL digest rule")
struct RuntimeEventLogTests {
    /// guest-components' AAEL event for `text`, MR index 4, SHA-384 (TCG_PCR_EVENT2 around TCG_PCClientTaggedEvent).
    static func aaelEvent(_ text: String) -> [UInt8] {
        func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
        let data = Array("LEAA".utf8) + le(UInt32(text.utf8.count)) + Array(text.utf8)
        return le(UInt32(4)) + le(UInt32(6)) + le(UInt32(1)) + le(UInt16(0x000C)) + Array(SHA384.hash(data: data)) + le(UInt32(data.count)) + data
    }

    @Test("guest-components' EL_HEADER (zero signature) then AAEL events parses, replays into RTMR3 and gives the AAEL claims")
    func fallbackHeader() throws {
        let header = try Fixtures.bytes("eventlog/gc-el-header/EL_HEADER.bin")
        let log = header + Self.aaelEvent("coco.com some-operation some-content") + Self.aaelEvent("d op {\"k\":1}") + [UInt8](repeating: 0xFF, count: 8)
        let parsed = try CCEventLog(bytes: log)
        #expect(parsed.digestSizes == [0x000C: 48, 0x0012: 32])
        #expect(parsed.events.count == 2)
        let first = Array(SHA384.hash(data: Array("LEAA".utf8) + [36, 0, 0, 0] + Array("coco.com some-operation some-content".utf8)))
        #expect(Hex.encode(first).hasPrefix("2330183d"), "the digest Trustee's CCEL_AAEL_alibabacloud_out.json shows for this event")
        let rtmr3 = parsed.events.reduce([UInt8](repeating: 0, count: 48)) { Array(SHA384.hash(data: $0 + $1.digests[0].bytes)) }
        let zero = [UInt8](repeating: 0, count: 48)
        try parsed.checkReplay(against: [zero, zero, zero, rtmr3])
        let claims = try #require(parsed.claims.arrayValue)
        #expect(claims[1]["details"]?["data"] == .object(["domain": .string("d"), "operation": .string("op"), "content": .object(["k": .int(1)])]))
        #expect(claims[0]["details"]?["data"]?["content"] == .string("some-content"))
        #expect(try TCGEventLog(bytes: log).length == log.count - 8, "the log ends where the 0xFF marker starts")
    }

    @Test("a first event with another signature is still read as a legacy SHA-1 log, so the CC event log refuses it")
    func otherSignature() throws {
        var header = try Fixtures.bytes("eventlog/gc-el-header/EL_HEADER.bin")
        header[32] = UInt8(ascii: "X")
        let error = try #require(throws: TDXError.self) { try CCEventLog(bytes: header + Self.aaelEvent("d op c")) }
        #expect(error.code == .malformedEventLog)
    }

    @Test("the AAEL events of Trustee's alibabacloud log carry the SHA-384 of their data and pass the rule")
    func trusteeAAEL() throws {
        let log = try CCEventLog(bytes: try Fixtures.bytes("eventlog/trustee-ccel-aael-alibabacloud/CCEL_AAEL_alibabacloud"))
        #expect(log.events.filter { $0.type == 6 && $0.data.starts(with: Array("LEAA".utf8)) }.count == 2)
        try log.checkReplay(against: log.replayedRTMRs())
    }
}
