import HermeticCore
import SEVSNP
import TDX
import TPM

/// The text `hermetic verify` prints.
enum VerdictOutput {
    /// The claims (one object per device; a single device prints its object alone), or with `json` the verdict.
    static func accepted(tee: TEE, devices: [Claims], json: Bool) -> String {
        guard json else {
            return devices.count == 1 ? devices[0].json.serialized(pretty: true) : JSONValue.array(devices.map(\.json)).serialized(pretty: true)
        }
        let verdict: JSONValue = .object([
            "verdict": .string("accepted"),
            "tee": .string(tee.rawValue),
            "devices": .array(devices.map { .object(["class": .string($0.deviceClass.rawValue), "claims": $0.json]) }),
        ])
        return verdict.serialized(pretty: true)
    }

    /// The verdict and error as one JSON object.
    static func failed(tee: TEE, error: any ClassifiedError, status: ExitStatus) -> String {
        let verdict: String
        switch error.kind {
        case .rejected: verdict = "rejected"
        case .malformed: verdict = "error"
        case .collateralUnavailable: verdict = "undecided"
        }
        let check = (error as? SNPError)?.code.rawValue ?? (error as? TDXError)?.code.rawValue ?? (error as? TPMError)?.code.rawValue ?? "input"
        let object: JSONValue = .object([
            "verdict": .string(verdict),
            "tee": .string(tee.rawValue),
            "exit_code": .int(Int64(status.rawValue)),
            "error": .object(["check": .string(check), "message": .string(error.description)]),
        ])
        return object.serialized(pretty: true)
    }
}
