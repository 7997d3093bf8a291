import Crypto
import EventLog
import Foundation
import GuestAttester
import HermeticCore
import KBSClient
import TDX
import Testing
import TestSupport

@Suite("TDX runtime measurements: RTMR3 extends, the cc_eventlog the guest sends, and the verifier's replay and claims")
struct TDXRuntimeEventLogTests {
    static let image = "registry.local/app:1"
    static let imageDigest = "sha256:" + String(repeating: "ab", count: 32)

    /// The COS 113 guest's real CCEL (its 256 KiB log area, 0xFF padding included) in a file, the fake RTMR3 at the
    /// value that log replays it to, the runtime log recording into it, and an evidence source whose configfs-tsm
    /// answers with the same guest's quote.
    static func guest(ccel: Bool = true) throws -> (FakeTDXMeasurements, RuntimeMeasurements, TDXEvidenceSource, Quote, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tdx-guest-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var ccelPath: String?
        if ccel {
            ccelPath = directory + "/CCEL"
            try GuestFiles.write(directory + "/CCEL", try Fixtures.bytes("tdx/gotdxguest-cos113-ccel/ccel_data.dat"), create: true)
        }
        let quoteBytes = try Fixtures.bytes("tdx/gotdxguest-cos113-ccel/cos-113-tdx-quote.dat")
        let start = try CCEventLogAssembly.firmwareReplay(ccel: ccelPath.map { try GuestFiles.read($0) }, rtmr: 3)
        let tree = try FakeTDXMeasurements(rtmr3: start)
        let measurements = try RuntimeMeasurements(register: tree, logPath: directory + "/aael",
                                                   format: .tcg2(measurementRegisterIndex: TDXRTMRRegister.measurementRegisterIndex, startingValue: start))
        let kernel = FakeTSMKernel(provider: "tdx_guest") { _ in .init(outblob: quoteBytes) }
        let source = TDXEvidenceSource(driver: TSMReport(root: try FakeTSMKernel.root(), provider: .tdxGuest, readsAuxblob: false, entries: kernel),
                                       ccelPath: ccelPath, measurements: measurements)
        return (tree, measurements, source, try Quote(bytes: quoteBytes), directory + "/aael")
    }

    /// The evidence as the broker receives it, read by the verifier's own parser.
    static func received(_ source: TDXEvidenceSource) async throws -> QuoteEvidence {
        let json = try await source.evidence(reportData: [1, 2, 3])
        return try QuoteEvidence.parse(Array(json.canonicalJSON().utf8))
    }

    /// What a quote taken now would carry: the firmware's RTMR0–2 from the real quote, RTMR3 from the fake register.
    static func quoted(_ quote: Quote, _ tree: FakeTDXMeasurements) throws -> [[UInt8]] {
        let report = try #require(quote.tdReport)
        return Array(report.rtmrs.prefix(3)) + [try tree.read()]
    }

    @Test("pull and start extend RTMR3; cc_eventlog is the trimmed CCEL, the TCG2 events, 8×0xFF; it replays to the RTMRs and yields Trustee's AAEL claims")
    func roundTrip() async throws {
        let (tree, measurements, source, quote, _) = try Self.guest()
        let before = try tree.read()
        try measurements.record(try .pullImage(Self.image, digest: Self.imageDigest))
        try measurements.record(try .startContainer("c1", image: Self.image))
        #expect(try tree.read() != before)

        let evidence = try await Self.received(source)
        let log = try #require(evidence.eventLog)
        let ccel = try Fixtures.bytes("tdx/gotdxguest-cos113-ccel/ccel_data.dat")
        let firmwareLength = try TCGEventLog(bytes: ccel).length
        #expect(firmwareLength < ccel.count / 2, "the CCEL's padding is cut")
        #expect(Array(log.prefix(firmwareLength)) == Array(ccel.prefix(firmwareLength)))
        #expect(Array(log.suffix(8)) == [UInt8](repeating: 0xFF, count: 8))
        #expect(Array(log[firmwareLength..<(log.count - 8)]) == (try GuestFiles.read(measurements.logPath)))

        let parsed = try CCEventLog(bytes: log)
        #expect(parsed.events.count == 43 + 2)
        let rtmrs = try Self.quoted(quote, tree)
        try parsed.checkReplay(against: rtmrs)
        #expect(parsed.replayedRTMRs() == rtmrs)

        let claims = try #require(parsed.claims.arrayValue)
        let runtime = Array(claims.suffix(2))
        for entry in runtime {
            #expect(entry["index"] == .int(4))
            #expect(entry["type_name"] == .string("EV_EVENT_TAG"))
            #expect(entry["digest_matches_event"] == .bool(true))
            #expect(entry["digests"]?.arrayValue?.first?["alg"] == .string("SHA-384"))
            #expect(entry["details"]?["unicode_name"] == .string("AAEL"))
        }
        #expect(runtime[0]["details"]?["data"] == .object([
            "domain": .string("github.com/confidential-containers"), "operation": .string("PullImage"),
            "content": .object(["image": .string(Self.image), "digest": .string(Self.imageDigest)]),
        ]))
        #expect(runtime[1]["details"]?["data"]?["operation"] == .string("StartContainer"))
        #expect(runtime[1]["details"]?["data"]?["content"]?["container"] == .string("c1"))
        #expect(claims.prefix(43).allSatisfy { $0["index"] != .int(4) }, "the firmware never touched RTMR3")
    }

    @Test("a logged event altered with a matching digest no longer replays to RTMR3; altered text alone is refused by its digest")
    func alteredEvent() async throws {
        let (tree, measurements, source, quote, _) = try Self.guest()
        try measurements.record(try .pullImage(Self.image, digest: Self.imageDigest))
        try measurements.record(try .startContainer("c1", image: Self.image))
        let log = try #require(try await Self.received(source).eventLog)
        let rtmrs = try Self.quoted(quote, tree)

        // The pull event re-encoded for another image of the same length: a consistent event, but not the measured one.
        let genuine = try AAELEvent.pullImage(Self.image, digest: Self.imageDigest).tcg2Event(measurementRegisterIndex: 4, algorithm: .sha384)
        let forged = try AAELEvent.pullImage("registry.local/app:2", digest: Self.imageDigest).tcg2Event(measurementRegisterIndex: 4, algorithm: .sha384)
        let at = try #require(log.firstRange(of: genuine))
        var swapped = log
        swapped.replaceSubrange(at, with: forged)
        let replay = try #require(throws: TDXError.self) { try CCEventLog(bytes: swapped).checkReplay(against: rtmrs) }
        #expect(replay.code == .eventLogReplay)
        #expect(replay.message.hasPrefix("the CC event log does not replay to RTMR3 (quote "), "only RTMR3 is named: \(replay.message)")

        // The text changed under the genuine digest: the replay would pass, the digest check does not.
        var edited = log
        let text = try #require(log.firstRange(of: Array("app:1".utf8)))
        edited[text.upperBound - 1] = UInt8(ascii: "2")
        let edit = try #require(throws: TDXError.self) { try CCEventLog(bytes: edited).checkReplay(against: rtmrs) }
        #expect(edit.code == .eventLogReplay)
        #expect(edit.message.hasPrefix("AAEL event 44 (MR index 4)"), "\(edit.message)")
        #expect(try CCEventLog(bytes: edited).claims.arrayValue?[43]["digest_matches_event"] == .bool(false))
    }

    @Test("a resumed log must replay to RTMR3; an unlogged extend or a torn entry stops the agent from starting")
    func resume() throws {
        let (tree, measurements, _, _, path) = try Self.guest()
        try measurements.record(try .pullImage(Self.image, digest: Self.imageDigest))
        let format = measurements.format
        let resumed = try RuntimeMeasurements(register: tree, logPath: path, format: format)
        #expect(resumed.current.events == measurements.current.events)

        let bytes = try GuestFiles.read(path)
        try GuestFiles.write(path, Array(bytes.dropLast(3)), create: true)
        let torn = try #require(throws: GuestAttesterError.self) { try RuntimeMeasurements(register: tree, logPath: path, format: format) }
        #expect(torn.code == .badInput)
        try GuestFiles.write(path, bytes, create: true)

        try tree.extend([UInt8](repeating: 0x77, count: 48))
        let unlogged = try #require(throws: GuestAttesterError.self) { try RuntimeMeasurements(register: tree, logPath: path, format: format) }
        #expect(unlogged.code == .mismatch)
        try FileManager.default.removeItem(atPath: path)
        let fresh = try #require(throws: GuestAttesterError.self) { try RuntimeMeasurements(register: tree, logPath: path, format: format) }
        #expect(fresh.code == .mismatch && fresh.message.contains("starting value"))
    }

    @Test("without a CCEL the log starts with a Spec ID header and still replays; with neither, cc_eventlog is null")
    func noCCEL() async throws {
        let (tree, measurements, source, _, _) = try Self.guest(ccel: false)
        #expect(try await Self.received(source).eventLog == nil)
        try measurements.record(try .startContainer("c1", image: Self.image))
        let log = try #require(try await Self.received(source).eventLog)
        let header = CCEventLogAssembly.specIDHeader()
        #expect(log.starts(with: header))
        // Trustee reads the header's data as 24 bytes, u32 count, count × (u16 id, u16 size), u8 vendor size, vendor
        // bytes, and requires that to be the whole data.
        #expect(Int(header[28]) | Int(header[29]) << 8 == header.count - 32)
        #expect(header.count - 32 == 24 + 4 + 4 * 1 + 1)
        let parsed = try CCEventLog(bytes: log)
        #expect(parsed.events.count == 1)
        #expect(parsed.replayedRTMRs()[3] == (try tree.read()))
        #expect(parsed.replayedRTMRs()[0] == [UInt8](repeating: 0, count: 48))
    }

    @Test("a CCEL that is not an event log is refused when the evidence is built")
    func badCCEL() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ccel-bad-\(UUID().uuidString)").path
        try GuestFiles.write(path, [1, 2, 3], create: true)
        let kernel = FakeTSMKernel(provider: "tdx_guest") { _ in .init(outblob: [1]) }
        let source = TDXEvidenceSource(driver: TSMReport(root: try FakeTSMKernel.root(), provider: .tdxGuest, readsAuxblob: false, entries: kernel), ccelPath: path)
        let error = try await #require(throws: GuestAttesterError.self) { try await source.evidence(reportData: []) }
        #expect(error.code == .malformedReport)
    }
}
