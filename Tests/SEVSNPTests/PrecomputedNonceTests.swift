import Crypto
import Foundation
import HermeticCore
import SEVSNP
import Testing
@testable import TestSupport

@Suite("ECDSA P-384 with precomputed nonces (the fake chip's off-core signing)")
struct PrecomputedNonceTests {
    let arithmetic = P384OrderArithmetic()

    func scalar(_ hex: String) -> P384OrderArithmetic.Scalar { P384OrderArithmetic.scalar(bigEndian: Hex.decode(hex) ?? []) }
    func plainProduct(_ a: P384OrderArithmetic.Scalar, _ b: P384OrderArithmetic.Scalar) -> P384OrderArithmetic.Scalar {
        arithmetic.montgomeryProduct(arithmetic.montgomeryProduct(a, b), arithmetic.rSquared)
    }

    @Test("products and inverses mod n match values computed independently (Python's pow)")
    func knownValues() {
        let a = scalar(String(repeating: "0123456789abcdef", count: 6))
        let b = scalar(String(repeating: "fedcba9876543210", count: 6))
        #expect(Hex.encode(P384OrderArithmetic.bigEndian(plainProduct(a, b)))
            == "0df01bc78fb415533a6da720d04fc378d84a2c8c314dd2c0750759d904b1e99ae953dc7f612cb7241024edc65c4cdd71")
        let inverse = arithmetic.montgomeryProduct(arithmetic.inverse(arithmetic.montgomeryProduct(a, arithmetic.rSquared)), [1, 0, 0, 0, 0, 0])
        #expect(Hex.encode(P384OrderArithmetic.bigEndian(inverse))
            == "46ae825365df7a1d62825d81fa487fc38308db2cd6f56ceb22e631917f150eb006e8baeef59facc741d22ac15aad230b")
    }

    @Test("field laws hold on seeded random scalars: associativity, distributivity, x · x⁻¹ = 1")
    func laws() {
        var random = SeededRandom(seed: 384)
        func next() -> P384OrderArithmetic.Scalar { P384OrderArithmetic.scalar(bigEndian: (0..<48).map { _ in UInt8.random(in: 0...255, using: &random) }) }
        let one: P384OrderArithmetic.Scalar = [1, 0, 0, 0, 0, 0]
        for _ in 0..<100 {
            let (a, b, c) = (next(), next(), next())
            #expect(plainProduct(plainProduct(a, b), c) == plainProduct(a, plainProduct(b, c)))
            #expect(plainProduct(a, P384OrderArithmetic.sum(b, c)) == P384OrderArithmetic.sum(plainProduct(a, b), plainProduct(a, c)))
            let montgomery = arithmetic.montgomeryProduct(a, arithmetic.rSquared)
            #expect(arithmetic.montgomeryProduct(arithmetic.montgomeryProduct(montgomery, arithmetic.inverse(montgomery)), one) == one)
        }
        // The top of the range: n − 1 squared is 1.
        let nMinusOne = scalar("ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52972")
        #expect(plainProduct(nMinusOne, nMinusOne) == one)
    }

    @Test("signatures from the pool verify with swift-crypto; another digest does not; nonces are used once")
    func signaturesVerify() throws {
        let key = P384.Signing.PrivateKey()
        let pool = PrecomputedECDSANonces(for: key)
        pool.fill(upTo: 64)
        #expect(pool.count == 64)
        pool.fill(upTo: 10)
        #expect(pool.count == 64)
        var seen = Set<[UInt8]>()
        for index in 0..<64 {
            let digest = SHA384.hash(data: Array("report \(index % 8)".utf8))
            let raw = try #require(pool.signature(for: digest))
            let signature = try P384.Signing.ECDSASignature(rawRepresentation: raw)
            #expect(key.publicKey.isValidSignature(signature, for: digest))
            #expect(!key.publicKey.isValidSignature(signature, for: SHA384.hash(data: Array("other".utf8))))
            #expect(!P384.Signing.PrivateKey().publicKey.isValidSignature(signature, for: digest))
            #expect(seen.insert(Array(raw.prefix(48))).inserted, "a nonce was used twice")
        }
        #expect(pool.count == 0)
        #expect(pool.signature(for: SHA384.hash(data: [1])) == nil)
    }

    @Test("a chip signing from the pool gives reports that verify, and any changed signed byte is rejected")
    func chipReports() async throws {
        let chip = try Chips.milan.get().precomputingSignatures()
        let pool = try #require(chip.vcekNonces)
        pool.fill(upTo: 4)
        var collateral = SNPCollateral()
        collateral.endorsementKeys = [chip.vcek]
        var options = SNPVerificationOptions(time: FakeSNPChip.validTime, trustStore: chip.trustStore, collateral: collateral)
        let nonce = Array(SHA384.hash(data: Array("challenge".utf8)))
        options.expectedReportData = .value(nonce)
        let report = try chip.report(reportData: nonce)
        #expect(pool.count == 3)
        _ = try await SNPVerifier().verify(try SNPEvidence.parse(report), options: options)
        var changed = report
        changed[0x60] ^= 0x01
        await #expect(throws: SNPError.self) { try await SNPVerifier().verify(try SNPEvidence.parse(changed), options: options) }
        // With the pool empty the chip signs the ordinary way, and its reports still verify.
        pool.fill(upTo: 0)
        while pool.signature(for: SHA384.hash(data: [0])) != nil {}
        _ = try await SNPVerifier().verify(try SNPEvidence.parse(try chip.report(reportData: nonce)), options: options)
    }
}
