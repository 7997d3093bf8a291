import Foundation
import HermeticCore
import TestSupport
@testable import TPM

/// Loaders for the TPM samples under `Tests/Fixtures/tpm` and their `EXPECTED.json` entries.
enum TPMSamples {
    static func bytes(_ path: String) throws -> [UInt8] { try Fixtures.bytes("tpm/" + path) }

    /// A tpm2-tools quote triple (`NAME.msg`, `NAME.sig`, `NAME.pcrs`) under `swtpm-sample/`.
    static func swtpm(_ name: String, pcrs: String? = nil) throws -> TPMEvidence {
        try TPMEvidence.tpm2Tools(
            message: try bytes("swtpm-sample/\(name).msg"), signature: try bytes("swtpm-sample/\(name).sig"),
            pcrs: try bytes("swtpm-sample/\(pcrs ?? name + ".pcrs")")
        )
    }

    static func key(_ path: String) throws -> AttestationKey { try AttestationKey(file: try bytes(path)) }

    static func nonce() throws -> [UInt8] { try bytes("swtpm-sample/nonce.bin") }

    static let expected: [String: JSONValue] = {
        guard let data = try? Data(contentsOf: Fixtures.url("tpm/EXPECTED.json")),
              let json = try? JSONDecoder().decode(JSONValue.self, from: data),
              let object = json.objectValue else { return [:] }
        return object
    }()

    /// The time every TPM sample is verified at (inside the GCE AK certificate's window, 2021-08-31..2051).
    static let time = Fixtures.time("2026-11-21T00:00:00Z")

    static func gceTrust() throws -> AKTrust {
        try AKTrust(
            files: [("tpm_ek_intermediate_2.crt", try bytes("_gcp-ca-certs/tpm_ek_intermediate_2.crt"))],
            rootFiles: [("tpm_ek_root_1.cer", try bytes("_gcp-ca-certs/tpm_ek_root_1.cer"))]
        )
    }
}
