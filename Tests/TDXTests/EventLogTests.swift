import Foundation
import HermeticCore
import Testing
import TestSupport
@testable import TDX

@Suite("CC event log: parse, RTMR replay, Trustee's uefi_event_logs")
struct EventLogTests {
    static let trusteeLogs = [
        ("eventlog/trustee-ccel-data/CCEL_data", "eventlog/trustee-ccel-data"),
        ("eventlog/trustee-ccel-data-ovmf/CCEL_data_ovmf", "eventlog/trustee-ccel-data-ovmf"),
        ("eventlog/trustee-ccel-aael-alibabacloud/CCEL_AAEL_alibabacloud", "eventlog/trustee-ccel-aael-alibabacloud"),
    ]

    @Test("the parsed events equal Trustee's golden JSON", arguments: trusteeLogs)
    func golden(log: String, entry: String) throws {
        let parsed = try CCEventLog(bytes: try Fixtures.bytes(log))
        let golden = try JSONDecoder().decode(JSONValue.self, from: Data(try Fixtures.bytes(log + "_out.json")))
        let expected = try #require(golden["uefi_event_logs"]?.arrayValue)
        let ours = try #require(parsed.claims.arrayValue)
        #expect(ours.count == expected.count)
        for (index, (mine, theirs)) in zip(ours, expected).enumerated() {
            for key in ["index", "type_name", "digests", "event", "digest_matches_event"] {
                #expect(mine[key] == theirs[key], "event \(index) \(key)")
            }
            #expect(mine["details"] == theirs["details"], "event \(index) details")
        }
    }

    @Test("device paths: nodes Trustee names, others as Path(type,subtype,hex), malformed lengths refused")
    func devicePaths() {
        let pci: [UInt8] = [0x01, 0x01, 0x06, 0x00, 0x02, 0x1F]
        let unknown: [UInt8] = [0x03, 0x0B, 0x06, 0x00, 0xAB, 0xCD]
        let end: [UInt8] = [0x7F, 0xFF, 0x04, 0x00]
        #expect(UEFIDevicePath.nodes((pci + unknown + end)[...]) == ["Pci(2,31)", "Path(3,11,abcd)"])
        #expect(UEFIDevicePath.nodes(([0x01, 0x01, 0x02, 0x00] + end)[...]) == nil, "a node shorter than its header")
        #expect(UEFIDevicePath.nodes(([0x04, 0x04, 0x40, 0x00, 0x41, 0x00] + end)[...]) == nil, "a node past the end")
        #expect(UEFIDevicePath.ofImageLoadEvent(Array(repeating: 0, count: 24) + [0xFF, 0, 0, 0, 0, 0, 0, 0]) == nil)
    }

    @Test("replay equals the SHA-384 registers recorded for each log", arguments: trusteeLogs)
    func replay(log: String, entry: String) throws {
        let registers = try CCEventLog(bytes: try Fixtures.bytes(log)).replayedRTMRs()
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(try Fixtures.bytes("tdx/EXPECTED.json")))
        let expected = try #require(document[entry]?["fields"]?["sha384"]?.objectValue)
        for (index, value) in expected {
            let register = try #require(Int(index))
            #expect(Hex.encode(registers[register - 1]) == value.stringValue, "MR index \(index)")
        }
    }

    @Test("the COS 113 CCEL replays to the four RTMRs of its quote; a changed event does not")
    func cos113() throws {
        let quote = try Quote(bytes: try Fixtures.bytes("tdx/gotdxguest-cos113-ccel/cos-113-tdx-quote.dat"))
        let report = try #require(quote.tdReport)
        var bytes = try Fixtures.bytes("tdx/gotdxguest-cos113-ccel/ccel_data.dat")
        let log = try CCEventLog(bytes: bytes)
        #expect(log.events.count == 43)
        #expect(log.replayedRTMRs() == report.rtmrs)
        #expect(log.mismatchedRTMRs(report.rtmrs).isEmpty)
        let digestOffset = try #require(Self.firstSHA384Digest(in: bytes, of: log))
        bytes[digestOffset] ^= 0x01
        let changed = try CCEventLog(bytes: bytes)
        #expect(changed.mismatchedRTMRs(report.rtmrs).map(\.index) == [Int(log.events.first { $0.index >= 1 }.map { $0.index - 1 } ?? 0)])
    }

    @Test("evidence whose event log does not replay to the quote's RTMRs is rejected, naming the registers")
    func replayMismatch() throws {
        let sample = Sample.quoteV5
        let quote = try sample.quoteBytes()
        let log = try Fixtures.bytes("tdx/gotdxguest-cos113-ccel/ccel_data.dat")
        let evidence = try QuoteEvidence.parse(Array("{\"quote\": \"\(Base64.encode(quote))\", \"cc_eventlog\": \"\(Base64.encode(log))\"}".utf8))
        let error = try #require(throws: TDXError.self) {
            try DCAPVerifier().verify(evidence, tee: "tdx", collateral: try sample.checked(), options: DCAPVerificationOptions(time: sample.date()))
        }
        #expect(error.code == .eventLogReplay)
        #expect(error.message.hasPrefix("the CC event log does not replay to RTMR0"))
    }

    @Test("truncated logs are clean errors")
    func truncated() throws {
        let bytes = try Fixtures.bytes("eventlog/trustee-ccel-data-ovmf/CCEL_data_ovmf")
        for length in [0, 10, 40, 100, 500, 1000, 2000] {
            let prefix = Array(bytes.prefix(length))
            if let log = try? CCEventLog(bytes: prefix) {
                #expect(log.events.count < 20)
            } else {
                #expect(throws: TDXError.self) { try CCEventLog(bytes: prefix) }
            }
        }
        let error = try #require(throws: TDXError.self) { try CCEventLog(bytes: Array(bytes.prefix(10))) }
        #expect(error.code == .malformedEventLog)
    }

    /// The offset of the first RTMR event's SHA-384 digest in the raw log.
    static func firstSHA384Digest(in bytes: [UInt8], of log: CCEventLog) -> Int? {
        guard let event = log.events.first(where: { $0.index >= 1 }), let digest = event.digests.first(where: { $0.algorithm == 0x000C }) else { return nil }
        let needle = digest.bytes
        return (0...(bytes.count - needle.count)).first { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
