import Foundation
import GuestAttester
import HermeticCore
import InitData
import KBSClient
import KeyBroker
import SEVSNP
import Testing
import TestSupport

@Suite("Hardware evidence drivers against fake configfs-tsm and sev-guest interfaces, appraised by the broker's SNP verifier")
struct HardwareDriverTests {
    static func snpKernel(_ chip: FakeSNPChip, hostData: [UInt8] = [], racing: Int = 0, truncate: Int? = nil) -> FakeTSMKernel {
        let table = certificateTable([(vcekGUID, Array(chip.vcek.derBytes))])
        return FakeTSMKernel(provider: "sev_guest") { inblob in
            let report = (try? chip.report(reportData: inblob, hostData: hostData)) ?? []
            return .init(outblob: truncate.map { Array(report.prefix($0)) } ?? report, auxblob: table, racingWrites: racing)
        }
    }

    @Test("configfs-tsm SNP: the report for the written inblob, the VCEK from auxblob; the broker releases the key")
    func tsmSNPThroughBroker() async throws {
        let chip = try Shared.chip.get()
        let harness = try await BrokerHarness.make()
        try await harness.client.setReferenceValues(chip.trusteeReferenceValues, adminToken: harness.adminToken)
        try await harness.client.setResourcePolicy(rego: DefaultPolicies.affirming, adminToken: harness.adminToken)
        try await harness.store("default/key/snp", Array("snp-key".utf8))
        let kernel = Self.snpKernel(chip)
        let root = try FakeTSMKernel.root()
        let source = SNPEvidenceSource(backend: .tsm(TSMReport(root: root, provider: .sevGuest, entries: kernel)))
        let session = harness.session(source)
        #expect(try await session.resource("default/key/snp") == Array("snp-key".utf8))
        let written = kernel.received.withLock { $0 }
        #expect(written.count == 1 && written[0].count == 64, "one 64-byte inblob")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty, "the entry is removed")

        let evidence = try source.report(reportData: [1, 2, 3])
        #expect(evidence.report.reportData.prefix(3) == [1, 2, 3])
        #expect(evidence.certificates.map(\.kind) == [.vcek])
    }

    @Test("configfs-tsm negatives: generation moved, short outblob, provider mismatch, oversized inblob; the entry is always removed")
    func tsmNegatives() throws {
        let chip = try Shared.chip.get()
        let root = try FakeTSMKernel.root()
        func attempt(_ kernel: FakeTSMKernel, provider: TSMProvider = .sevGuest, inblob: [UInt8] = [7]) -> GuestAttesterError? {
            let source = SNPEvidenceSource(backend: .tsm(TSMReport(root: root, provider: provider, entries: kernel)))
            do {
                _ = try source.report(reportData: inblob)
                return nil
            } catch { return error }
        }
        // privlevel written first: generation must then advance by two.
        let withLevel = try TSMReport(root: root, provider: .sevGuest, entries: Self.snpKernel(chip)).report(inblob: [7], privilegeLevel: 0)
        #expect(withLevel.outblob.count == AttestationReport.size && withLevel.provider == .sevGuest)
        #expect(attempt(Self.snpKernel(chip, racing: 1))?.code == .generationChanged)
        #expect(attempt(Self.snpKernel(chip, truncate: 100))?.code == .malformedReport)
        #expect(attempt(Self.snpKernel(chip, truncate: 0))?.code == .malformedReport)
        #expect(attempt(Self.snpKernel(chip), provider: .tdxGuest)?.code == .providerMismatch)
        #expect(attempt(FakeTSMKernel(provider: "foo_guest") { _ in .init(outblob: []) })?.code == .providerMismatch)
        #expect(attempt(Self.snpKernel(chip), inblob: [UInt8](repeating: 1, count: 65))?.code == .badInput)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty)
    }

    @Test("configfs-tsm TDX: the quote is the outblob for the inblob written, in Trustee's tdx evidence JSON")
    func tsmTDX() async throws {
        let root = try FakeTSMKernel.root()
        let kernel = FakeTSMKernel(provider: "tdx_guest") { inblob in .init(outblob: Array("QUOTE:".utf8) + inblob) }
        let source = TDXEvidenceSource(driver: TSMReport(root: root, provider: .tdxGuest, readsAuxblob: false, entries: kernel), ccelPath: nil)
        let evidence = try await source.evidence(reportData: [9, 9])
        let quote = try #require(evidence["quote"]?.stringValue.flatMap { Base64.decode($0) })
        #expect(quote == Array("QUOTE:".utf8) + [9, 9] + [UInt8](repeating: 0, count: 62))
        #expect(evidence["cc_eventlog"] == .null)
    }

    @Test("/dev/sev-guest: SNP_GET_EXT_REPORT grows the certificate buffer when told, the broker releases the key")
    func sevGuestThroughBroker() async throws {
        let chip = try Shared.chip.get()
        let harness = try await BrokerHarness.make()
        try await harness.client.setReferenceValues(chip.trusteeReferenceValues, adminToken: harness.adminToken)
        try await harness.client.setResourcePolicy(rego: DefaultPolicies.affirming, adminToken: harness.adminToken)
        try await harness.store("default/key/ioctl", Array("ioctl-key".utf8))
        // A table larger than the first 16 KiB buffer forces the retry.
        let big = certificateTable([(vcekGUID, Array(chip.vcek.derBytes)), ("00000000-0000-0000-0000-0000000000aa", [UInt8](repeating: 0x5A, count: 20_000))])
        let source = SNPEvidenceSource(backend: .sevGuest(SEVGuestReport(device: FakeSEVGuest(chip: chip, table: big))))
        #expect(try await harness.session(source).resource("default/key/ioctl") == Array("ioctl-key".utf8))
        let evidence = try source.report(reportData: [5])
        #expect(evidence.certificates.count == 2 && evidence.certificates[0].kind == .vcek)

        let failing = SNPEvidenceSource(backend: .sevGuest(SEVGuestReport(device: FakeSEVGuest(chip: chip, table: [], status: 0x16))))
        let error = try #require(throws: GuestAttesterError.self) { try failing.report(reportData: [5]) }
        #expect(error.code == .firmware)
        let plain = try SEVGuestReport(device: FakeSEVGuest(chip: chip, table: [])).report(reportData: [1], extended: false)
        #expect(plain.report.count == AttestationReport.size && plain.certificateTable.isEmpty)
        #expect(throws: GuestAttesterError.self) { try SEVGuestReport(device: SEVGuestDeviceFile(path: "/nonexistent/sev-guest")).report(reportData: [1]) }
    }

    @Test("init-data on SNP: HOST_DATA equal to the digest passes, another is refused")
    func initDataHostData() throws {
        let chip = try Shared.chip.get()
        let initData = try InitData(toml: "version = \"0.1.0\"\nalgorithm = \"sha256\"\n[data]\n\"policy.rego\" = \"package agent_policy\"\n")
        let matching = SNPEvidenceSource(backend: .sevGuest(SEVGuestReport(device: FakeSEVGuest(chip: chip, table: [], hostData: initData.snpHostData))))
        #expect(try InitDataCheck.check(initData, snpReport: try matching.report(reportData: []).report) == .matched)
        let other = SNPEvidenceSource(backend: .sevGuest(SEVGuestReport(device: FakeSEVGuest(chip: chip, table: [], hostData: [UInt8](repeating: 3, count: 32)))))
        let error = try #require(throws: GuestAttesterError.self) { try InitDataCheck.check(initData, snpReport: try other.report(reportData: []).report) }
        #expect(error.code == .mismatch)
    }
}
