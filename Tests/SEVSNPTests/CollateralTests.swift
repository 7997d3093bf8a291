import Foundation
import HermeticCore
import PKI
import SEVSNP
import Testing
import TestSupport

@Suite("Collateral: roots, KDS URLs, offline store, endorsement keys")
struct CollateralTests {
    @Test("the bundled roots hold Milan, Genoa and Turin, each ARK self-signed and signing its ASK and ASVK")
    func bundledRoots() throws {
        let store = try AMDTrustStore.bundled()
        #expect(Set(store.roots.keys) == Set(SNPProduct.allCases))
        for (product, roots) in store.roots {
            let arkKey = try roots.ark.publicKey()
            #expect(roots.ark.subject.commonName == "ARK-\(product.rawValue)")
            #expect(roots.ark.isSigned(by: arkKey))
            #expect(try #require(roots.ask).isSigned(by: arkKey))
            #expect(try #require(roots.asvk).isSigned(by: arkKey))
            #expect(roots.ark.signatureAlgorithm == .rsaPSS(hash: .sha384, mgf1Hash: .sha384, saltLength: 48))
        }
    }

    @Test("the Turin VCEK: 8-byte hwID, FMC level, and a chain to the bundled Turin roots")
    func turinVCEK() throws {
        let certificate = try X509Certificate(derEncoded: try Fixtures.bytes("snp/virtee-turin-vcek-cert-only/vcek_turin.der"))
        let key = try EndorsementKey(certificate: certificate)
        #expect(key.kind == .vcek)
        #expect(key.product == .turin)
        #expect(key.hardwareID.map(Hex.encode) == "1e550a8ee5cf9f4d")
        #expect(key.tcb == TCBVersion.Components(fmc: 0, bootloader: 0, tee: 0, snp: 0, microcode: 9))
        let roots = try #require(try AMDTrustStore.bundled().roots[.turin])
        #expect(certificate.isSigned(by: try #require(roots.ask).publicKey()))
        #expect(!certificate.isSigned(by: try #require(try AMDTrustStore.bundled().roots[.milan]?.ask).publicKey()))
    }

    @Test("hwID in both encodings: raw bytes and a DER OCTET STRING")
    func hardwareIDEncodings() throws {
        for path in ["snp/trustee-milan-vcek/test-vcek.der", "snp/trustee-milan-vcek/test-vcek-invalid-new.der", "snp/trustee-milan-vcek/test-vcek-invalid-legacy.der"] {
            let key = try EndorsementKey(certificate: try X509Certificate(derEncoded: try Fixtures.bytes(path)))
            #expect(key.hardwareID?.count == 64, "\(path)")
        }
    }

    @Test("KDS VCEK URLs are built as AMD's and Trustee's clients build them, and parse back")
    func kdsURLs() throws {
        let report = try AttestationReport(bytes: try Fixtures.bytes("snp/trustee-milan-vcek/test-report.bin"))
        let request = AMDKDS.VCEKRequest(report: report, product: .milan)
        let url = AMDKDS.vcekURL(request)
        #expect(url == "https://kdsintf.amd.com/vcek/v1/Milan/\(Hex.encode(report.chipID))?blSPL=03&teeSPL=00&snpSPL=08&ucodeSPL=115")
        #expect(AMDKDS.parseVCEKURL(url) == request)
        let turin = AMDKDS.VCEKRequest(product: .turin, hardwareID: [1, 2, 3, 4, 5, 6, 7, 8],
                                       tcb: TCBVersion.Components(fmc: 1, bootloader: 2, tee: 3, snp: 4, microcode: 9))
        #expect(AMDKDS.vcekURL(turin, baseURL: "http://kds.local") == "http://kds.local/vcek/v1/Turin/0102030405060708?fmcSPL=01&blSPL=02&teeSPL=03&snpSPL=04&ucodeSPL=09")
        #expect(AMDKDS.parseVCEKURL(AMDKDS.vcekURL(turin)) == turin)
        #expect(AMDKDS.parseVCEKURL("https://kdsintf.amd.com/vcek/v1/Milan/00?blSPL=1") == nil)
        #expect(AMDKDS.certificateChainURL(product: .genoa, kind: .vlek) == "https://kdsintf.amd.com/vlek/v1/Genoa/cert_chain")
        #expect(OfflineVCEKStore.relativePaths(for: turin).first == "vcek/0102030405060708/bl02_tee03_snp04_ucode09_fmc01_vcek.der")
    }

    @Test("the offline VCEK store answers by exact TCB, then falls back to vcek.der", arguments: [true, false])
    func offlineStore(exactName: Bool) async throws {
        let report = try Fixtures.bytes("snp/trustee-milan-vcek/test-report.bin")
        let parsed = try AttestationReport(bytes: report)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("vcek/\(Hex.encode(parsed.chipID))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let name = exactName ? "bl03_tee00_snp08_ucode115_vcek.der" : "vcek.der"
        try Data(try Fixtures.bytes("snp/trustee-milan-vcek/test-vcek.der")).write(to: directory.appendingPathComponent(name))
        let collateral = try SNPCollateral.load(paths: [root.path])
        #expect(collateral.fetchers.count == 1)
        #expect(collateral.endorsementKeys.isEmpty)
        let options = SNPVerificationOptions(time: Fixtures.time("2026-07-26T05:00:00Z"), trustStore: try AMDTrustStore.bundled(), collateral: collateral)
        let verified = try await SNPVerifier().verify(try SNPEvidence.parse(report), options: options)
        #expect(verified.product == .milan)
    }

    @Test("a collateral directory of certificates is read file by file")
    func collateralDirectory() throws {
        let collateral = try SNPCollateral.load(paths: [Fixtures.url("snp/trustee-milan-vcek").path, Fixtures.url("snp/_amd-kds-cert-chains").path])
        #expect(collateral.endorsementKeys.count == 3)
        #expect(collateral.rootOverrides.count == 12)
        let store = try AMDTrustStore(certificates: collateral.rootOverrides)
        #expect(store == (try AMDTrustStore.bundled()))
    }

    @Test("unreadable collateral names the file")
    func badCollateral() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-bad-\(UUID().uuidString).pem")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("not a certificate".utf8).write(to: file)
        let error = #expect(throws: SNPError.self) { try SNPCollateral.load(paths: [file.path]) }
        #expect(error?.code == .malformedCollateral)
        #expect(error?.description.contains(file.lastPathComponent) == true)
        let missing = #expect(throws: SNPError.self) { try SNPCollateral.load(paths: ["/nonexistent/vcek.der"]) }
        #expect(missing?.description == "snp: collateral /nonexistent/vcek.der does not exist")
    }
}
