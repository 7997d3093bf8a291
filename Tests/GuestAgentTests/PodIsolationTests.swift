import Attestation
import Crypto
import Foundation
import GuestAttester
import HermeticCore
import InitData
import KBSClient
import Pod
import Testing
import TPM

/// Pods registered with one broker stay apart: a real TPM quote (swtpm) through the broker's tpm verifier, with the
/// pods' policies (``PodPolicies``) over their registrations.
@Suite("Per-pod registrations against swtpm: each guest gets its own pod's resources only",
       .enabled(if: Swtpm.available, "skipped: swtpm is missing (apt-get install swtpm; .ci/run installs it)"), .serialized)
struct PodIsolationTests {
    static let initDataTOML = "version = \"0.1.0\"\nalgorithm = \"sha256\"\n[data]\n\"policy.rego\" = \"package agent_policy\\ndefault AllowRequestsFailingPolicy := true\\n\"\n"

    /// The `tpm_pcrNN` reference values of PCR 0–9 as the TPM holds them now.
    static func pcrValues(_ tpm: Swtpm) throws -> [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        for index in 0...9 {
            let value = try TPMPCRRegister(pcr: index, transport: tpm.transport).read()
            values[String(format: "tpm_pcr%02d", index)] = .array([.string(Hex.encode(value))])
        }
        return values
    }

    static func changing(_ values: [String: JSONValue], _ name: String) -> [String: JSONValue] {
        var changed = values
        changed[name] = .array([.string(String(repeating: "ab", count: 32))])
        return changed
    }

    @Test("the guest of pod a gets a's resource; b's (another kernel) and c's (a's kernel, other init-data) are denied; re-registering a replaces its list")
    func podsStayApart() async throws {
        let tpm = try Swtpm()
        // The guest's boot: a kernel (PCR 4), a command line (PCR 9), then the init-data the agent checks (PCR 8).
        try TPMPCRRegister(pcr: 4, transport: tpm.transport).extend(Array(SHA256.hash(data: Array("kernel".utf8))))
        try TPMPCRRegister(pcr: 9, transport: tpm.transport).extend(Array(SHA256.hash(data: Array("console=ttyS0".utf8))))
        #expect(try InitDataCheck.check(try InitData(toml: Self.initDataTOML), tpm: tpm.transport) == .extendedPCR8)
        let key = try tpm.attestationKey()
        let harness = try await BrokerHarness.make { $0.register(TPMAttestationVerifier(trust: AKTrust(keys: [key]))) }
        let values = try Self.pcrValues(tpm)
        let client = harness.client, admin = harness.adminToken
        try await PodRunner.register(try PodRegistration(name: "pod-a", referenceValues: values, resources: ["pod-a/key/one"]), client: client, adminToken: admin)
        try await PodRunner.register(try PodRegistration(name: "pod-b", referenceValues: Self.changing(values, "tpm_pcr04"), resources: ["pod-b/key/one"]),
                                     client: client, adminToken: admin)
        try await PodRunner.register(try PodRegistration(name: "pod-c", referenceValues: Self.changing(values, "tpm_pcr08"), resources: ["pod-c/key/one"]),
                                     client: client, adminToken: admin)
        for pod in ["a", "b", "c"] { try await harness.store("pod-\(pod)/key/one", Array("secret of \(pod)".utf8)) }
        let registered = try #require(try await PodRunner.registeredPods(client: client, adminToken: admin)?.objectValue)
        #expect(Set(registered.keys) == ["pod-a", "pod-b", "pod-c"], "each registration adds to the others")

        let session = harness.session(TPMEvidenceSource(transport: tpm.transport, template: .akECC, eventLogPath: nil), initData: Self.initDataTOML)
        #expect(try await session.resource("pod-a/key/one") == Array("secret of a".utf8))
        for other in ["pod-b/key/one", "pod-c/key/one", "pod-a/key/unlisted"] {
            let error = try await #require(throws: KBSClientError.self) { try await session.resource(other) }
            #expect(error.variant == "PolicyDeny", "\(other): \(error)")
        }

        // Registering pod-a again replaces its entry: the resource it no longer lists is denied to the same token.
        try await PodRunner.register(try PodRegistration(name: "pod-a", referenceValues: values, resources: ["pod-a/key/two"]), client: client, adminToken: admin)
        try await harness.store("pod-a/key/two", Array("second".utf8))
        #expect(try await session.resource("pod-a/key/two") == Array("second".utf8))
        let error = try await #require(throws: KBSClientError.self) { try await session.resource("pod-a/key/one") }
        #expect(error.variant == "PolicyDeny")
    }

    @Test("a guest that is no registered pod is not affirmed: the EAR names the failing claims and nothing is released")
    func unregisteredGuest() async throws {
        let tpm = try Swtpm()
        #expect(try InitDataCheck.check(try InitData(toml: Self.initDataTOML), tpm: tpm.transport) == .extendedPCR8)
        let key = try tpm.attestationKey()
        let harness = try await BrokerHarness.make { $0.register(TPMAttestationVerifier(trust: AKTrust(keys: [key]))) }
        let values = try Self.pcrValues(tpm)
        // Registered with another firmware: the guest's kernel, command line and init-data match, its PCR 0 does not.
        try await PodRunner.register(try PodRegistration(name: "other-firmware", referenceValues: Self.changing(values, "tpm_pcr00"), resources: ["x/key/one"]),
                                     client: harness.client, adminToken: harness.adminToken)
        try await harness.store("x/key/one", [1])
        let session = harness.session(TPMEvidenceSource(transport: tpm.transport, template: .akECC, eventLogPath: nil), initData: Self.initDataTOML)
        let error = try await #require(throws: KBSClientError.self) { try await session.resource("x/key/one") }
        #expect(error.variant == "PolicyDeny")
        let token = try await session.attested().token
        let payload = try #require(token.split(separator: ".").dropFirst().first.flatMap { Base64.decode($0) })
        let claims = try #require(try JSONValue(parsing: payload)["submods"]?["cpu0"])
        #expect(claims["ear.status"]?.stringValue != "affirming")
        #expect(claims["ear.trustworthiness-vector"]?["hardware"]?.intValue == 97, "firmware of no registered pod")
        #expect(claims["ear.trustworthiness-vector"]?["executables"]?.intValue == 3)
        #expect(claims["ear.trustworthiness-vector"]?["configuration"]?.intValue == 2)
    }

    @Test("registrations: names, PCRs and the stored pods are checked")
    func registrationInput() throws {
        let values = Dictionary(uniqueKeysWithValues: (0...9).map { (String(format: "tpm_pcr%02d", $0), JSONValue.array([.string(String(repeating: "0", count: 64))])) })
        #expect(throws: PodError.self) { try PodRegistration(name: "Pod A", referenceValues: values, resources: []) }
        #expect(throws: PodError.self) { try PodRegistration(name: "", referenceValues: values, resources: []) }
        var missing = values
        missing["tpm_pcr08"] = nil
        #expect(throws: PodError.self) { try PodRegistration(name: "a", referenceValues: missing, resources: []) }
        let registration = try PodRegistration(name: "a", referenceValues: values, resources: ["r/t/2", "r/t/1", "r/t/2"])
        #expect(registration.resources == ["r/t/1", "r/t/2"])
        #expect(registration.firmware.keys.sorted() == ["pcr00", "pcr01", "pcr02", "pcr03", "pcr05", "pcr06", "pcr07"])
        #expect(throws: PodError.self) { try registration.merged(into: .array([])) }
        let merged = try registration.merged(into: .object(["b": .object([:])]))
        #expect(merged.objectValue?.keys.sorted() == ["a", "b"])
    }
}
