import Attestation
import Crypto
import Foundation
import HermeticCore
import Testing

@Suite("Verified EAR token cache")
struct VerifiedTokenCacheTests {
    static let issued = Date(timeIntervalSince1970: 1_800_000_000)

    static func claims(_ marker: String, lifetime: TimeInterval = 300) -> EARClaims {
        let submodule = EARSubmodule(
            trustVector: TrustVector(["hardware": 2, "executables": 3]), policyID: "default_cpu",
            annotatedEvidence: .object(["sample": .object(["svn": .string(marker), "ratio": .double(0.5), "count": .int(7)])])
        )
        return EARClaims(issuedAt: issued, lifetime: lifetime, submodules: ["cpu0": submodule])
    }

    @Test("a token remembered at issuance yields exactly the claims that verification yields")
    func rememberedEqualsVerified() async throws {
        let signer = await EARSigner()
        let token = try await signer.sign(Self.claims("a"))
        let uncached = try await EARTokenVerifier(trusting: [signer.publicKey]).verify(token, at: Self.issued)
        let cache = VerifiedTokenCache(capacity: 8)
        let verifier = await EARTokenVerifier(trusting: [signer.publicKey], cache: cache)
        verifier.remember(issued: token, at: Self.issued)
        #expect(cache.count == 1)
        #expect(try await verifier.verify(token, at: Self.issued) == uncached)
    }

    @Test("the cache never skips the time checks: a remembered token still expires")
    func expiryStillChecked() async throws {
        let signer = await EARSigner()
        let token = try await signer.sign(Self.claims("b", lifetime: 60))
        let verifier = await EARTokenVerifier(trusting: [signer.publicKey], cache: VerifiedTokenCache(capacity: 8))
        verifier.remember(issued: token, at: Self.issued)
        _ = try await verifier.verify(token, at: Self.issued.addingTimeInterval(59))
        let error = await #expect(throws: EARError.self) { try await verifier.verify(token, at: Self.issued.addingTimeInterval(61)) }
        #expect(error?.code == .expired)
        let early = await #expect(throws: EARError.self) { try await verifier.verify(token, at: Self.issued.addingTimeInterval(-3600)) }
        #expect(early?.code == .expired)
    }

    @Test("a changed token is not a hit: its signature is checked and it fails")
    func tamperedTokenVerified() async throws {
        let signer = await EARSigner()
        let token = try await signer.sign(Self.claims("c"))
        let verifier = await EARTokenVerifier(trusting: [signer.publicKey], cache: VerifiedTokenCache(capacity: 8))
        verifier.remember(issued: token, at: Self.issued)
        var parts = token.split(separator: ".").map(String.init)
        let forged = try #require(Self.claims("forged").json.serialized().data(using: .utf8))
        parts[1] = Base64.encodeURL(Array(forged))
        let error = await #expect(throws: EARError.self) { try await verifier.verify(parts.joined(separator: "."), at: Self.issued) }
        #expect(error?.code == .invalidToken)
        // Another key's token is refused even though a token with the same claims is cached.
        let other = try await EARSigner().sign(Self.claims("c"))
        await #expect(throws: EARError.self) { try await verifier.verify(other, at: Self.issued) }
    }

    @Test("tokens verified once are remembered; the cache stays within its capacity")
    func bounded() async throws {
        let signer = await EARSigner()
        let cache = VerifiedTokenCache(capacity: 3)
        let verifier = await EARTokenVerifier(trusting: [signer.publicKey], cache: cache)
        var tokens: [String] = []
        for index in 0..<7 {
            let token = try await signer.sign(Self.claims("\(index)"))
            tokens.append(token)
            _ = try await verifier.verify(token, at: Self.issued)
            #expect(cache.count <= 3)
        }
        #expect(cache.count >= 1)
        // Whatever was evicted still verifies the slow way.
        for token in tokens { _ = try await verifier.verify(token, at: Self.issued) }
    }

    @Test("remember ignores what is not a signed JWT with an object payload")
    func rememberIgnoresGarbage() async {
        let cache = VerifiedTokenCache(capacity: 8)
        let verifier = await EARTokenVerifier(trusting: [P256.Signing.PrivateKey().publicKey], cache: cache)
        for text in ["", "a.b", "a.b.c", "x.\(Base64.encodeURL(Array("[1]".utf8))).y", "x.\(Base64.encodeURL(Array("{}".utf8))).y"] {
            verifier.remember(issued: text, at: Self.issued)
        }
        #expect(cache.count == 0)
    }
}
