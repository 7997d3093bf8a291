import HermeticCore
import Sandbox

/// One pod's entry in the broker's ``referenceValueID`` reference value: the PCRs its VM must show and the
/// resources it may have. ``PodPolicies`` appraise and release against these entries, so pods registered with one
/// broker keep apart: a guest is affirmed only when its kernel, command line and init-data are one pod's together,
/// and it receives only that pod's resources.
///
/// The value is an object, pod name → entry:
/// `{"firmware": {"pcr00": hex, …, "pcr07": hex}, "pcr04": hex, "pcr08": hex, "pcr09": hex, "resources": ["repo/type/tag", …]}`
/// (PCR 4 is the kernel's, so `firmware` lists 0–3 and 5–7).
public struct PodRegistration: Sendable, Hashable {
    /// The reference value that holds every registered pod.
    public static let referenceValueID = "vtpm_pods"

    /// The pod's name (the YAML's `metadata.name`, or the one given).
    public let name: String
    /// PCR 0–3 and 5–7, `pcrNN` → lowercase hex.
    public let firmware: [String: String]
    /// PCR 4 (kernel and initrd), 8 (init-data) and 9 (command line and initrd), lowercase hex.
    public let pcr04: String, pcr08: String, pcr09: String
    /// The resource paths (`repo/type/tag`) the pod's guest may receive.
    public let resources: [String]

    /// The registration of pod `name` from its `tpm_pcrNN` reference values (``PodRunner/referenceValues(for:commandLine:)``).
    ///
    /// - Throws: ``PodError`` (`badInput`) when the name is not a DNS label-like name, or a PCR from 0 to 9 is
    ///   missing or is not one hex value.
    public init(name: String, referenceValues: [String: JSONValue], resources: [String]) throws(PodError) {
        guard Self.isValidName(name) else {
            throw PodError(.badInput, "the pod name \"\(name.prefix(64))\" must be 1–63 lowercase letters, digits, '-' or '.'")
        }
        var pcrs: [String: String] = [:]
        for index in UInt32(0)...9 {
            guard let value = referenceValues[VTPMReferenceIDs.pcr(index)]?.arrayValue, value.count == 1,
                  let hex = value[0].stringValue, Hex.decode(hex) != nil else {
                throw PodError(.badInput, "the pod's reference values lack one hex \(VTPMReferenceIDs.pcr(index))")
            }
            pcrs[String(VTPMReferenceIDs.pcr(index).dropFirst("tpm_".count))] = hex.lowercased()
        }
        self.name = name
        pcr04 = pcrs.removeValue(forKey: "pcr04") ?? ""
        pcr08 = pcrs.removeValue(forKey: "pcr08") ?? ""
        pcr09 = pcrs.removeValue(forKey: "pcr09") ?? ""
        firmware = pcrs
        self.resources = Array(Set(resources)).sorted()
    }

    /// The entry as stored under the pod's name.
    public var entry: JSONValue {
        .object([
            "firmware": .object(firmware.mapValues { .string($0) }),
            "pcr04": .string(pcr04), "pcr08": .string(pcr08), "pcr09": .string(pcr09),
            "resources": .array(resources.map { .string($0) }),
        ])
    }

    /// `registered` (the stored ``referenceValueID`` value, or nil) with this pod's entry added or replaced.
    ///
    /// - Throws: ``PodError`` (`badInput`) when the stored value is not an object of pods.
    public func merged(into registered: JSONValue?) throws(PodError) -> JSONValue {
        var pods: [String: JSONValue] = [:]
        if let registered {
            guard let object = registered.objectValue else {
                throw PodError(.badInput, "the broker's \(Self.referenceValueID) reference value is not an object of pod name to entry")
            }
            pods = object
        }
        pods[name] = entry
        return .object(pods)
    }

    /// Whether `name` can name a pod: 1–63 of lowercase letters, digits, '-' and '.', as Kubernetes names.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 63 && name.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E
        }
    }
}
