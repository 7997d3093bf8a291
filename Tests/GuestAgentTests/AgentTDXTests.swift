import Crypto
import Foundation
import GuestAgent
import GuestAttester
import HermeticCore
import TDX
import Testing
import TestSupport

@Suite("hermetic-agent on TDX (fake configfs-tsm and tsm-mr trees): runtime measurements extend RTMR3 and ride in cc_eventlog")
struct AgentTDXTests {
    static func configuration(_ directory: String, measurements: String) throws -> AgentConfiguration {
        try GuestFiles.write("\(directory)/CCEL", try Fixtures.bytes("tdx/gotdxguest-cos113-ccel/ccel_data.dat"), create: true)
        var configuration = AgentConfiguration(tee: .tdx, kbsURL: "http://127.0.0.1:1")
        configuration.initDataPath = nil
        configuration.tsmRoot = try FakeTSMKernel.root()
        configuration.ccelPath = "\(directory)/CCEL"
        configuration.aaelPath = "\(directory)/run/aael"
        configuration.tdxMeasurementsDirectory = measurements
        return configuration
    }

    @Test("boot wires RTMR3: a recorded event writes SHA-384 of its tagged data to rtmr3:sha384 and is appended to the CCEL in the evidence")
    func bootOnTDX() async throws {
        let directory = try AgentTests.temporary("agent-tdx")
        let tree = try FakeTDXMeasurements()
        let quote = try Fixtures.bytes("tdx/gotdxguest-cos113-ccel/cos-113-tdx-quote.dat")
        let kernel = FakeTSMKernel(provider: "tdx_guest") { _ in .init(outblob: quote) }
        let agent = try GuestAgent.boot(try Self.configuration(directory, measurements: tree.directory), tsmEntries: kernel)
        let measurements = try #require(agent.measurements)
        #expect(measurements.format == .tcg2(measurementRegisterIndex: 4, startingValue: [UInt8](repeating: 0, count: 48)))
        let event = try AAELEvent.pullImage("registry.local/app:1", digest: "sha256:" + String(repeating: "cd", count: 32))
        try measurements.record(event)
        #expect(try GuestFiles.read(tree.register.path) == AAELAlgorithm.sha384.hash(event.taggedEventData))
        #expect(try GuestFiles.read(tree.directory + "/rtmr2:sha384") == [UInt8](repeating: 0xA2, count: 48))

        let evidence = try await agent.evidence.evidence(reportData: [7])
        let log = try #require(evidence["cc_eventlog"]?.stringValue.flatMap { Base64.decode($0) })
        let encoded = event.tcg2Event(measurementRegisterIndex: 4, algorithm: .sha384)
        #expect(Array(log.suffix(encoded.count + 8)) == encoded + [UInt8](repeating: 0xFF, count: 8))
        #expect(try CCEventLog(bytes: log).events.last?.index == 4)
    }

    @Test("a kernel without the tsm-mr tree (before 6.16) stops the boot, naming the attribute")
    func oldKernel() throws {
        let directory = try AgentTests.temporary("agent-tdx-old")
        let kernel = FakeTSMKernel(provider: "tdx_guest") { _ in .init(outblob: [1]) }
        let error = try #require(throws: GuestAttesterError.self) {
            try GuestAgent.boot(try Self.configuration(directory, measurements: directory + "/no-such-dir"), tsmEntries: kernel)
        }
        #expect(error.code == .io && error.message.contains("rtmr3:sha384") && error.message.contains("6.16"))
    }
}
