import Foundation
import PKI
import SEVSNP
import Testing
import TestSupport

@Suite("Revocation")
struct RevocationTests {
    let verifier = SNPVerifier()

    func verify(_ chip: FakeSNPChip, crl: [UInt8], at time: Date = FakeSNPChip.validTime) async throws {
        var collateral = SNPCollateral()
        collateral.endorsementKeys = [chip.vcek]
        try collateral.add(bytes: crl)
        #expect(collateral.crls.count == 1)
        let options = SNPVerificationOptions(time: time, trustStore: chip.trustStore, collateral: collateral)
        _ = try await verifier.verify(try SNPEvidence.parse(try chip.report()), options: options)
    }

    @Test("a CRL that revokes nothing of the chain lets the report through")
    func unrelatedRevocation() async throws {
        let chip = try Chips.milan.get()
        let crl = try chip.crl(revoking: [chip.asvk], thisUpdate: FakeSNPChip.notBefore, nextUpdate: FakeSNPChip.notAfter)
        try await verify(chip, crl: crl)
    }

    @Test("a revoked ASK is rejected, naming it")
    func revokedASK() async throws {
        let chip = try Chips.milan.get()
        let crl = try chip.crl(revoking: [chip.ask], thisUpdate: FakeSNPChip.notBefore, nextUpdate: FakeSNPChip.notAfter)
        let error = await #expect(throws: SNPError.self) { try await verify(chip, crl: crl) }
        #expect(error?.code == .revocation)
        #expect(error?.description.contains("\"SEV-Milan\" serial 02 is revoked") == true)
    }

    @Test("a stale CRL is rejected")
    func staleCRL() async throws {
        let chip = try Chips.milan.get()
        let crl = try chip.crl(revoking: [], thisUpdate: FakeSNPChip.notBefore, nextUpdate: FakeSNPChip.notBefore.addingTimeInterval(86_400))
        let error = await #expect(throws: SNPError.self) { try await verify(chip, crl: crl) }
        #expect(error?.code == .revocation)
        #expect(error?.description.contains("stale") == true)
    }

    @Test("a CRL in the ARK's name but signed by another key is rejected")
    func forgedCRL() async throws {
        let chip = try Chips.milan.get()
        let other = try Chips.otherMilan.get()
        let crl = try other.crl(revoking: [], thisUpdate: FakeSNPChip.notBefore, nextUpdate: FakeSNPChip.notAfter)
        let error = await #expect(throws: SNPError.self) { try await verify(chip, crl: crl) }
        #expect(error?.code == .revocation)
        #expect(error?.description.contains("not signed by the ARK") == true)
    }

    @Test("the CRL reader reads what the builder wrote")
    func crlFields() throws {
        let chip = try Chips.milan.get()
        let crl = try CertificateRevocationList(derEncoded: try chip.crl(revoking: [chip.ask, chip.asvk], thisUpdate: FakeSNPChip.notBefore, nextUpdate: FakeSNPChip.notAfter))
        #expect(crl.issuer == chip.ark.subject)
        #expect(crl.thisUpdate == FakeSNPChip.notBefore)
        #expect(crl.nextUpdate == FakeSNPChip.notAfter)
        #expect(crl.entries.map { Array($0.serialNumber) } == [[2], [3]])
        #expect(crl.isSigned(by: try chip.ark.publicKey()))
        #expect(!crl.isSigned(by: try chip.ask.publicKey()))
    }
}
