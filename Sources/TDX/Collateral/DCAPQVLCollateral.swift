#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import PKI

/// dcap-qvl's `QuoteCollateralV3` JSON: issuer chains as PEM strings, CRLs as DER in hex, the inner TCB info and
/// QE identity objects as JSON strings (their exact signed text) with their signatures in hex.
enum DCAPQVLCollateral {
    static func read(_ bytes: [UInt8], name: String) throws -> DCAPCollateral {
        let document: JSONValue
        do { document = try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) } catch {
            throw TDXError(.malformedCollateral, "dcap-qvl collateral \(name) is not JSON: \(error)")
        }
        func string(_ key: String) throws -> String {
            guard let value = document[key]?.stringValue else {
                throw TDXError(.malformedCollateral, "dcap-qvl collateral \(name) has no string \"\(key)\"")
            }
            return value
        }
        func crl(_ key: String) throws -> CertificateRevocationList {
            guard let der = Hex.decode(try string(key)) else {
                throw TDXError(.malformedCollateral, "dcap-qvl collateral \(name): \(key) is not hex")
            }
            do { return try CertificateRevocationList(derEncoded: der) } catch {
                throw TDXError(.malformedCollateral, "dcap-qvl collateral \(name): \(key) is not a CRL: \(error)")
            }
        }
        var collateral = DCAPCollateral()
        for key in ["pck_crl_issuer_chain", "tcb_info_issuer_chain", "qe_identity_issuer_chain"] {
            collateral.merge(try DCAPCollateral.pem(Array(try string(key).utf8), name: "\(name) \(key)"))
        }
        collateral.crls += [try crl("root_ca_crl"), try crl("pck_crl")]
        let tcbInfo = try SignedJSON(body: Array(try string("tcb_info").utf8), signatureHex: try string("tcb_info_signature"), what: "TCB info")
        collateral.tcbInfos.append(try TCBInfo(signed: tcbInfo))
        let qeIdentity = try SignedJSON(body: Array(try string("qe_identity").utf8), signatureHex: try string("qe_identity_signature"), what: "QE identity")
        collateral.qeIdentities.append(try QEIdentity(signed: qeIdentity))
        return collateral
    }
}
