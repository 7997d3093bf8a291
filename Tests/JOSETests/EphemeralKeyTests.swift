import Crypto
@testable import JOSE
import Testing

@Suite("JOSE: ephemeral ECDH keys from random scalars")
struct EphemeralKeyTests {
    @Test("each curve: fresh keys differ, and two of them agree on one shared secret from either side")
    func freshKeysAgree() throws {
        for curve in [EllipticCurve.p256, .p384, .p521] {
            let a = ECDH.PrivateKey.generate(curve), b = ECDH.PrivateKey.generate(curve)
            #expect(a.curve == curve)
            let (ax, ay) = a.publicCoordinates, (bx, by) = b.publicCoordinates
            #expect(ax.count == curve.coordinateLength && ay.count == curve.coordinateLength)
            #expect(ax != bx)
            let ab = try a.sharedSecret(curve: curve, x: bx, y: by)
            #expect(ab.count == curve.coordinateLength)
            #expect(ab == (try b.sharedSecret(curve: curve, x: ax, y: ay)))
        }
    }

    @Test("P-521 scalars use all 521 bits: over many keys the top bit is set in about half")
    func p521TopBit() {
        var topBitSet = 0
        for _ in 0..<64 {
            guard case .p521(let key) = ECDH.PrivateKey.generate(.p521) else { continue }
            let raw = [UInt8](key.rawRepresentation)
            #expect(raw.count == 66 && raw[0] <= 1)
            topBitSet += Int(raw[0])
        }
        #expect((8...56).contains(topBitSet))
    }
}
