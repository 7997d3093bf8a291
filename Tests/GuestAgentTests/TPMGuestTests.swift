import Attestation
import Crypto
import Foundation
import GuestAttester
import HermeticCore
import InitData
import KBSClient
import KeyBroker
import Testing
import TPM

@Suite("The guest's TPM path against swtpm: evidence through the broker's tpm verifier, AAEL in a PCR, init-data in PCR 8",
       .enabled(if: Swtpm.available, "skipped: swtpm is missing (apt-get install swtpm; .ci/run installs it)"), .serialized)
struct TPMGuestTests {
    static let initDataTOML = "version = \"0.1.0\"\nalgorithm = \"sha256\"\n[data]\n\"policy.rego\" = \"package agent_policy\\ndefault AllowRequestsFailingPolicy := true\\n\"\n"

    @Test("quote with the nonce binding; the broker (AK given as collateral) checks it and PCR 8 against the init-data, and releases the key")
    func evidenceThroughBroker() async throws {
        let tpm = try Swtpm()
        let initData = try InitData(toml: Self.initDataTOML)
        #expect(try InitDataCheck.check(initData, tpm: tpm.transport) == .extendedPCR8)
        let key = try tpm.attestationKey()
        let harness = try await BrokerHarness.make { $0.register(TPMAttestationVerifier(trust: AKTrust(keys: [key]))) }
        try await harness.allowAll()
        try await harness.store("default/key/tpm", Array("tpm-key".utf8))
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("bios-\(UUID().uuidString)").path
        try GuestFiles.write(logPath, [1, 2, 3], create: true)
        let source = TPMEvidenceSource(transport: tpm.transport, template: .akECC, eventLogPath: logPath)
        let session = harness.session(source, initData: Self.initDataTOML)
        #expect(try await session.resource("default/key/tpm") == Array("tpm-key".utf8))

        let evidence = try await source.evidence(reportData: [UInt8](repeating: 0xAB, count: 48))
        #expect(evidence["tpm_quote"]?["pcrs"]?.arrayValue?.count == 24)
        #expect(evidence["event_log"]?.stringValue == Base64.encode([1, 2, 3]))
        let parsed = try TPMEvidence.parse(Array(evidence.serialized().utf8))
        #expect(parsed.quotes.first?.attest.extraData == [UInt8](repeating: 0xAB, count: 32), "report data truncated to 32 bytes")

        // Another init-data than the one PCR 8 holds: the broker refuses the attestation.
        let other = "version = \"0.1.0\"\nalgorithm = \"sha256\"\n[data]\nx = \"y\"\n"
        await #expect(throws: KBSClientError.self) { try await harness.session(source, initData: other).resource("default/key/tpm") }
    }

    @Test("init-data: PCR 8 already holding another digest refuses; the same digest again matches without extending")
    func initDataMismatch() throws {
        let tpm = try Swtpm()
        let initData = try InitData(toml: Self.initDataTOML)
        #expect(try InitDataCheck.check(initData, tpm: tpm.transport) == .extendedPCR8)
        #expect(try InitDataCheck.check(initData, tpm: tpm.transport) == .matched)
        let other = try InitData(toml: "version = \"0.1.0\"\nalgorithm = \"sha256\"\n[data]\nx = \"y\"\n")
        let error = try #require(throws: GuestAttesterError.self) { try InitDataCheck.check(other, tpm: tpm.transport) }
        #expect(error.code == .mismatch)
        let sha384 = try InitData(toml: "version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\n")
        #expect(throws: (any Error).self) { try InitDataCheck.check(sha384, tpm: tpm.transport) }
    }

    @Test("runtime measurements: image pulls and container starts extend PCR 15; the AAEL replays to the PCR; a resumed log is checked")
    func aaelReplay() throws {
        let tpm = try Swtpm()
        let register = TPMPCRRegister(transport: tpm.transport)
        try register.extend([UInt8](repeating: 0x11, count: 32))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aael-\(UUID().uuidString)").path
        let measurements = try RuntimeMeasurements(register: register, logPath: path)
        try measurements.record(try .pullImage("registry.local/app:1", digest: "sha256:" + String(repeating: "ab", count: 32)))
        try measurements.record(try .startContainer("c1", image: "registry.local/app:1"))
        let text = String(decoding: try GuestFiles.read(path), as: UTF8.self)
        #expect(text.hasPrefix("INIT/sha256 "))
        #expect(text.contains("github.com/confidential-containers PullImage {\"digest\":\"sha256:abab"))
        let log = try AAEL(text: text)
        #expect(log.events.count == 2)
        #expect(log.replay() == (try register.read()), "replaying the AAEL from INIT gives PCR 15")
        #expect(log.initial != [UInt8](repeating: 0, count: 32), "INIT records the PCR as it was")

        _ = try RuntimeMeasurements(register: register, logPath: path)
        try register.extend([UInt8](repeating: 0x22, count: 32))
        let error = try #require(throws: GuestAttesterError.self) { try RuntimeMeasurements(register: register, logPath: path) }
        #expect(error.code == .mismatch, "an extend outside the log breaks the replay")
        #expect(throws: TPMError.self, "PCR 17 needs locality 2-4") { try TPMPCRRegister(pcr: 17, transport: tpm.transport).extend([UInt8](repeating: 1, count: 32)) }
    }

    @Test("AAEL text: format rules and parse errors")
    func aaelFormat() throws {
        #expect(throws: GuestAttesterError.self) { try AAELEvent(domain: "a b", operation: "op", content: "c") }
        #expect(throws: GuestAttesterError.self) { try AAELEvent(domain: "d", operation: "op", content: "line\nbreak") }
        #expect(throws: GuestAttesterError.self) { try AAEL(text: "INIT/sha256 00\n") }
        #expect(throws: GuestAttesterError.self) { try AAEL(text: "d op c\n") }
        #expect(throws: GuestAttesterError.self) { try AAEL(text: "INIT/sha256 " + String(repeating: "0", count: 64) + "\nonlytwo fields\n") }
        let log = try AAEL(text: "INIT/sha384 " + String(repeating: "0", count: 96) + "\nd op content with spaces\n")
        #expect(log.events.first?.content == "content with spaces")
        #expect(log.text.hasSuffix("d op content with spaces\n"))
    }
}
