import Foundation
import Gate
import HermeticCore
import InitData
import KBSClient
import Sandbox

/// Runs the first pod slice (issue 10): registers an image's reference values, the vTPM attestation policy and a
/// secret with the broker, boots the measured VM whose `/init` runs `hermetic-agent pod`, and collects what the
/// agent reports (init-data checked, attested, the resource's digest — never the resource).
public enum PodRunner {
    /// The reference values the broker needs for `spec` booted with `commandLine`: PCR 4 and 9 computed from the
    /// image and the command line, PCR 8 from the init-data, PCR 0–3 and 5–7 from the golden boot.
    ///
    /// - Throws: ``PodError`` (`badInput`) when the init-data cannot be read or parsed; the sandbox's error when the
    ///   image cannot be measured or the golden boot used another RAM size.
    public static func referenceValues(for spec: PodSpec, commandLine: String? = nil) throws -> [String: JSONValue] {
        guard let bytes = FileManager.default.contents(atPath: spec.initDataPath) else {
            throw PodError(.badInput, "cannot read the init-data \(spec.initDataPath)")
        }
        let pcr8: [UInt8]
        do { pcr8 = try InitData(bytes: [UInt8](bytes)).pcr8() } catch {
            throw PodError(.badInput, "the init-data \(spec.initDataPath) is not valid: \(error)")
        }
        return try SandboxReferenceValues.values(image: spec.image, commandLine: commandLine ?? spec.commandLine, memoryMiB: spec.memoryMiB,
                                                 initDataPCR8: pcr8, golden: spec.golden)
    }

    /// Registers `spec` with the broker behind `client` as pod ``PodSpec/name``: its ``PodRegistration`` (PCR 0–9
    /// and the paths of `resources` and of ``PodSpec/resourcePath``) added to the broker's registered pods (a pod
    /// of the same name is replaced, others are kept), ``PodPolicies/vtpmAttestation`` as
    /// ``PodPolicies/attestationPolicyID`` and ``PodPolicies/podResource`` as the resource policy; then `secret` at
    /// the resource path when the pod has one, and each of `resources` (an image's key-encryption keys, the
    /// sealed secrets' keys and values).
    ///
    /// - Throws: ``KBSClientError`` with the broker's refusal, ``PodError`` when the registered pods cannot be read,
    ///   or what ``referenceValues(for:commandLine:)`` throws.
    public static func register(_ spec: PodSpec, client: KBSClient, adminToken: String, secret: [UInt8]?,
                                resources: [(path: String, value: [UInt8])] = []) async throws {
        let paths = resources.map(\.path) + (secret == nil ? [] : spec.resourcePath.map { [$0] } ?? [])
        try await register(try PodRegistration(name: spec.name, referenceValues: try referenceValues(for: spec), resources: paths),
                           client: client, adminToken: adminToken)
        if let path = spec.resourcePath, let secret { try await client.setResource(path, value: secret, adminToken: adminToken) }
        for resource in resources { try await client.setResource(resource.path, value: resource.value, adminToken: adminToken) }
    }

    /// Adds (or replaces) `registration` among the broker's registered pods and stores the pods' policies. Two
    /// registrations racing on one broker can lose one of them (the pods are read, then written): that pod's guest
    /// is then refused, never given more.
    ///
    /// - Throws: ``KBSClientError`` with the broker's refusal; ``PodError`` when the stored pods are malformed.
    public static func register(_ registration: PodRegistration, client: KBSClient, adminToken: String) async throws {
        let registered = try await registeredPods(client: client, adminToken: adminToken)
        try await client.setReferenceValues([PodRegistration.referenceValueID: try registration.merged(into: registered)], adminToken: adminToken)
        try await client.setAttestationPolicy(id: PodPolicies.attestationPolicyID, rego: PodPolicies.vtpmAttestation, adminToken: adminToken)
        try await client.setResourcePolicy(rego: PodPolicies.podResource, adminToken: adminToken)
    }

    /// The broker's registered pods, or nil before the first registration.
    public static func registeredPods(client: KBSClient, adminToken: String) async throws -> JSONValue? {
        do {
            return try await client.referenceValue(PodRegistration.referenceValueID, adminToken: adminToken)["value"]
        } catch let error as KBSClientError where error.variant == "RvpsError" && error.detail.hasPrefix("no reference value") {
            return nil
        }
    }

    /// Makes (or reuses) a vTPM CA in `directory` for ``PodSpec/tpmCADirectory``, before any VM: the broker can then
    /// be configured with its certificates and started before the guest boots. Returns the root's and the issuer's
    /// certificate paths (what `serve --tpm-ek-root` takes).
    ///
    /// - Throws: the sandbox's error when swtpm_setup or swtpm_localca is missing or fails.
    public static func makeCA(in directory: String) throws(SandboxError) -> (root: String, issuer: String) {
        let work = NSTemporaryDirectory() + "/hermetic-pod-ca-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: work) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SandboxError(.launch, "cannot create the vTPM CA directory \(directory): \(error)")
        }
        let state = try SwtpmState.create(in: work, caDirectory: directory)
        return (state.rootCertificatePath, state.issuerCertificatePath)
    }

    /// Boots `spec` (with `commandLine` instead of the spec's when given), calls `prepare` with the VM's vTPM (its
    /// EK certificates' private CA exists from here) while the guest boots, then reads the agent's lines until `DONE`,
    /// the port closing, or `timeout`. When the agent opens the gate (`GATE`), the host plays the spec's workload
    /// through it (``PodHost/run(_:exitTimeout:onOutput:afterStart:)``, with `onOutput` and `afterStart`; a container
    /// still running after `timeout` is removed) and the outcome records every order and each container's exit and
    /// output.
    /// The VM is torn down before this returns. The guest reaches its agent ~11 s after QEMU starts under TCG and
    /// sooner with KVM, so a broker should be up before the boot: make the CA first (``makeCA(in:)`` with
    /// ``PodSpec/tpmCADirectory``) rather than configuring the broker in `prepare` (a test run under load saw the
    /// guest connect before the broker listened).
    ///
    /// - Throws: the sandbox's error when the VM cannot start or the agent never reports `READY` in time (with the
    ///   console's tail), or what `prepare` throws.
    public static func boot(_ spec: PodSpec, commandLine: String? = nil, timeout: Double = 180,
                            prepare: @Sendable (SwtpmState) async throws -> Void = { _ in },
                            onOutput: @escaping @Sendable (PodWorkload.Container, [UInt8]) -> Void = { _, _ in },
                            afterStart: @escaping @Sendable (PodHost, PodWorkload.Container, String) throws -> Void = { _, _, _ in }) async throws -> PodOutcome {
        let vm = try SandboxVM(spec.vmConfiguration(commandLine: commandLine))
        defer { vm.shutdown() }
        try await prepare(vm.tpm)
        return try await Self.read(vm, workload: spec.workload ?? PodWorkload(containers: []), timeout: timeout, onOutput: onOutput, afterStart: afterStart)
    }

    /// Reads on a thread of its own: the channel blocks, and the broker may be serving on this process's
    /// cooperative pool.
    private static func read(_ vm: SandboxVM, workload: PodWorkload, timeout: Double,
                             onOutput: @escaping @Sendable (PodWorkload.Container, [UInt8]) -> Void,
                             afterStart: @escaping @Sendable (PodHost, PodWorkload.Container, String) throws -> Void) async throws -> PodOutcome {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PodOutcome, any Error>) in
            let thread = Thread {
                do {
                    var outcome = try Self.readLines(vm, timeout: timeout)
                    if outcome.gate != nil {
                        try Self.play(workload, in: vm, outcome: &outcome, timeout: timeout, onOutput: onOutput, afterStart: afterStart)
                    }
                    continuation.resume(returning: outcome)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    private static func readLines(_ vm: SandboxVM, timeout: Double) throws(SandboxError) -> PodOutcome {
        var outcome = PodOutcome()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let line = try vm.readLine(timeout: max(0.1, deadline.timeIntervalSinceNow)) else { break }
            outcome.take(line, at: Date().timeIntervalSince(vm.startedAt))
            if line == "DONE" || line == "GATE" { break }
        }
        outcome.total = Date().timeIntervalSince(vm.startedAt)
        if outcome.ready == nil && outcome.failure == nil {
            throw SandboxError(.timeout, "the agent reported no READY (lines: \(outcome.lines)); console:\n\(vm.console(1500))")
        }
        return outcome
    }

    /// Plays `workload` through the gate the agent opened on the control channel.
    private static func play(_ workload: PodWorkload, in vm: SandboxVM, outcome: inout PodOutcome, timeout: Double,
                             onOutput: (PodWorkload.Container, [UInt8]) -> Void,
                             afterStart: (PodHost, PodWorkload.Container, String) throws -> Void) throws {
        let host = PodHost(client: GateClient(connectedDescriptor: try vm.controlStream(timeout: timeout)))
        do {
            outcome.containers = try host.run(workload, exitTimeout: timeout, onOutput: onOutput) { host, container, id in
                outcome.started[container.name] = Date().timeIntervalSince(vm.startedAt)
                try afterStart(host, container, id)
            }
        } catch {
            outcome.exchanges = host.exchanges
            throw SandboxError(.guestProtocol, "the gate stopped answering (\(error)) after \(host.exchanges); console:\n\(vm.console(2000))")
        }
        outcome.exchanges = host.exchanges
        outcome.total = Date().timeIntervalSince(vm.startedAt)
        outcome.console = vm.console(4000)
    }
}
