import Foundation
import HermeticCore
import PKI
import SEVSNP
import Testing
import TestSupport

/// Fake chips are expensive to make (three RSA keys); the tests share these.
enum Chips {
    static let milan = Result { try FakeSNPChip(product: .milan) }
    static let turin = Result { try FakeSNPChip(product: .turin, tcb: TCBVersion.Components(fmc: 2, bootloader: 3, tee: 1, snp: 4, microcode: 9)) }
    static let otherMilan = Result { try FakeSNPChip(product: .milan) }
}

@Suite("Fake SNP chip")
struct FakeChipTests {
    let verifier = SNPVerifier()

    func options(_ chip: FakeSNPChip, time: Date = FakeSNPChip.validTime) -> SNPVerificationOptions {
        var collateral = SNPCollateral()
        collateral.endorsementKeys = [chip.vcek, chip.vlek]
        return SNPVerificationOptions(time: time, trustStore: chip.trustStore, collateral: collateral)
    }

    @Test("its reports verify with its roots, bound to any nonce")
    func verifiesWithItsRoots() async throws {
        let chip = try Chips.milan.get()
        let nonce = Array(SHA384Digest48.make("nonce-1"))
        var options = options(chip)
        options.expectedReportData = .value(nonce)
        options.expectedHostData = .value([7, 7, 7])
        let verified = try await verifier.verify(try SNPEvidence.parse(try chip.report(reportData: nonce, hostData: [7, 7, 7])), options: options)
        #expect(verified.claims["report_data"]?.stringValue == Hex.encode(nonce + [UInt8](repeating: 0, count: 16)))
        #expect(verified.claims["init_data"]?.stringValue == Hex.encode([7, 7, 7] + [UInt8](repeating: 0, count: 29)))
    }

    @Test("its reports are rejected with the real AMD roots")
    func rejectedWithAMDRoots() async throws {
        let chip = try Chips.milan.get()
        var options = options(chip)
        options.trustStore = try AMDTrustStore.bundled()
        let error = await #expect(throws: SNPError.self) {
            try await verifier.verify(try SNPEvidence.parse(try chip.report()), options: options)
        }
        #expect(error?.code == .certificateChain)
    }

    @Test("its reports are rejected with another fake chip's roots")
    func rejectedWithOtherRoots() async throws {
        let chip = try Chips.milan.get()
        var options = options(chip)
        options.trustStore = try Chips.otherMilan.get().trustStore
        let error = await #expect(throws: SNPError.self) {
            try await verifier.verify(try SNPEvidence.parse(try chip.report()), options: options)
        }
        #expect(error?.code == .certificateChain)
    }

    @Test("VLEK-signed reports verify, with the chip ID masked")
    func vlekReports() async throws {
        let chip = try Chips.milan.get()
        let verified = try await verifier.verify(try SNPEvidence.parse(try chip.report(signer: .vlek)), options: options(chip))
        #expect(verified.endorsementKey.kind == .vlek)
        #expect(verified.claims["signing_key"]?.stringValue == "VLEK")
    }

    @Test("Turin: the FMC component, the 8-byte chip ID and the Turin TCB layout")
    func turin() async throws {
        let chip = try Chips.turin.get()
        let verified = try await verifier.verify(try SNPEvidence.parse(try chip.report()), options: options(chip))
        #expect(verified.product == .turin)
        #expect(verified.claims["reported_tcb_fmc"]?.intValue == 2)
        #expect(verified.claims["reported_tcb_bootloader"]?.intValue == 3)
        #expect(verified.claims["reported_tcb_microcode"]?.intValue == 9)
        let wrongTCB = try chip.report { $0.reportedTCB = TCBVersion(TCBVersion.Components(fmc: 1, bootloader: 3, tee: 1, snp: 4, microcode: 9), layout: .turin) }
        let error = await #expect(throws: SNPError.self) { try await verifier.verify(try SNPEvidence.parse(wrongTCB), options: options(chip)) }
        #expect(error?.code == .tcbMismatch)
    }

    @Test("a report claiming another product than its VCEK is rejected")
    func productMismatch() async throws {
        let chip = try Chips.milan.get()
        let report = try chip.report { $0.cpuid = AttestationReport.CPUID(family: 0x19, model: 0x11, stepping: 0) }
        let error = await #expect(throws: SNPError.self) { try await verifier.verify(try SNPEvidence.parse(report), options: options(chip)) }
        #expect(error?.code == .product)
        #expect(error?.description == "snp: report CPUID names Genoa but the VCEK is for Milan")
    }

    @Test("an unsigned report (signing key none) is rejected")
    func unsignedReport() async throws {
        let chip = try Chips.milan.get()
        let report = try chip.report { $0.signerInfo = SignerInfo(signingKey: .none) }
        let error = await #expect(throws: SNPError.self) { try await verifier.verify(try SNPEvidence.parse(report), options: options(chip)) }
        #expect(error?.code == .signature)
    }

    @Test("the extended report's certificate table supplies the VCEK")
    func certificateTable() async throws {
        let chip = try Chips.milan.get()
        let report = try chip.report()
        let table = Self.table([(Self.vcekGUID, chip.vcek.derBytes)])
        let evidence = try SNPEvidence.parse(report + table)
        #expect(evidence.certificates.map(\.kind) == [.vcek])
        let options = SNPVerificationOptions(time: FakeSNPChip.validTime, trustStore: chip.trustStore)
        _ = try await verifier.verify(evidence, options: options)

        var broken = table
        broken[20] = 0xFF
        let error = #expect(throws: SNPError.self) { try SNPEvidence.parse(report + broken) }
        #expect(error?.kind == .malformed)
    }

    @Test("the ASK+ARK chain PEM given as collateral replaces the bundled roots")
    func chainOverride() async throws {
        let chip = try Chips.milan.get()
        var collateral = SNPCollateral()
        try collateral.add(bytes: Array(chip.vcekChainPEM.utf8))
        try collateral.add(bytes: chip.vcek.derBytes)
        let store = try AMDTrustStore.bundled().overridden(by: try AMDTrustStore(certificates: collateral.rootOverrides))
        #expect(store.roots[.milan]?.ark == chip.ark)
        #expect(store.roots[.genoa] == (try AMDTrustStore.bundled().roots[.genoa]))
        let options = SNPVerificationOptions(time: FakeSNPChip.validTime, trustStore: store, collateral: collateral)
        _ = try await verifier.verify(try SNPEvidence.parse(try chip.report()), options: options)
    }

    static let vcekGUID: [UInt8] = Hex.decode("63da758de6644564adc5f4b93be8accd") ?? []

    static func table(_ entries: [([UInt8], [UInt8])]) -> [UInt8] {
        var header: [UInt8] = []
        var body: [UInt8] = []
        let start = (entries.count + 1) * 24
        for (guid, data) in entries {
            let offset = UInt32(start + body.count)
            header += guid + withUnsafeBytes(of: offset.littleEndian, Array.init) + withUnsafeBytes(of: UInt32(data.count).littleEndian, Array.init)
            body += data
        }
        return header + [UInt8](repeating: 0, count: 24) + body
    }
}

/// A 48-byte digest for nonces in tests.
enum SHA384Digest48 {
    static func make(_ text: String) -> [UInt8] {
        Array(text.utf8).reduce(into: [UInt8](repeating: 0, count: 48)) { acc, byte in
            for i in acc.indices { acc[i] = acc[i] &* 31 &+ byte &+ UInt8(i) }
        }
    }
}
