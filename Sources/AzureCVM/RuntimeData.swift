import Foundation
import HermeticCore
import TPM
import _CryptoExtras

/// The HCL report's runtime JSON: `keys` (JWKs: `HCLAkPub`, the vTPM AK; `HCLEkPub`), `vm-configuration`,
/// `user-data`.
struct RuntimeData {
    let json: JSONValue

    init(bytes: [UInt8]) throws {
        do { json = try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) } catch {
            throw TPMError(.malformedEvidence, "HCL runtime data is not JSON")
        }
    }

    func key(id: String) throws -> AttestationKey {
        guard let keys = json["keys"]?.arrayValue, let jwk = keys.first(where: { $0["kid"]?.stringValue == id }) else {
            throw TPMError(.malformedEvidence, "HCL runtime data has no key \(id)")
        }
        guard jwk["kty"]?.stringValue == "RSA", let n = jwk["n"]?.stringValue.flatMap(Base64.decode),
              let e = jwk["e"]?.stringValue.flatMap(Base64.decode) else {
            throw TPMError(.malformedEvidence, "HCL runtime data key \(id) is not an RSA JWK")
        }
        do {
            let key = try _RSA.Signing.PublicKey(n: n, e: e)
            return try AttestationKey(spki: Array(key.derRepresentation))
        } catch let error as TPMError { throw error } catch {
            throw TPMError(.malformedEvidence, "HCL runtime data key \(id): \(error)")
        }
    }
}
