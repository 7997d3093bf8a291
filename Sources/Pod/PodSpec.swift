import Foundation
import Sandbox

/// One pod (issue 10): a guest image with the agent, the golden PCR 0–7 of its firmware, the init-data (whose
/// `policy.rego` makes the agent serve the gate), the resource the agent fetches if any, the host ports of the broker
/// and of the registry the guest pulls images from, and the workload the host orders.
public struct PodSpec: Sendable {
    /// The pod's name: its entry among the broker's registered pods (``PodRegistration``).
    public var name = "pod"
    /// The guest image (built with the static agent).
    public var image: GuestImage
    /// PCR 0–3 and 5–7 from a golden boot of the same OVMF, QEMU and RAM.
    public var golden: GoldenPCRs
    /// The init-data file (fw_cfg; PCR 8).
    public var initDataPath: String
    /// The resource the agent fetches after attestation (`REPO/TYPE/TAG`), if any.
    public var resourcePath: String?
    /// The broker's port on the host's loopback.
    public var brokerHostPort: UInt16
    /// The port the guest connects to at 10.0.2.100 (forwarded to ``brokerHostPort``).
    public var brokerGuestPort: UInt16 = 8080
    /// The registry's port on the host's loopback, when the pod pulls images (the guest sees it at
    /// 10.0.2.100:``registryGuestPort``, whatever registry an image names; images are pinned by digest).
    public var registryHostPort: UInt16?
    /// The port the guest pulls from.
    public var registryGuestPort: UInt16 = 5000
    /// The containers the host orders once the agent opens the gate.
    public var workload: PodWorkload?
    /// The guest RAM.
    public var memoryMiB = 1024
    /// A vTPM CA directory kept across boots (a broker outside the process trusts its certificates), or nil for a
    /// fresh CA per boot.
    public var tpmCADirectory: String?

    /// A pod.
    public init(image: GuestImage, golden: GoldenPCRs, initDataPath: String, resourcePath: String?, brokerHostPort: UInt16) {
        self.image = image
        self.golden = golden
        self.initDataPath = initDataPath
        self.resourcePath = resourcePath
        self.brokerHostPort = brokerHostPort
    }

    /// The kernel command line the reference values are computed for (PCR 9 measures it): the sandbox's default
    /// plus `hermetic.kbs=`, and `hermetic.resource=` and `hermetic.registry=` when the pod has them, for the agent.
    public var commandLine: String {
        "\(SandboxVM.Configuration.defaultCommandLine) hermetic.kbs=http://10.0.2.100:\(brokerGuestPort)"
            + (resourcePath.map { " hermetic.resource=\($0)" } ?? "")
            + (registryHostPort == nil ? "" : " hermetic.registry=10.0.2.100:\(registryGuestPort)")
    }

    /// The VM configuration for `commandLine` (``commandLine`` unless a test boots another one).
    public func vmConfiguration(commandLine: String? = nil) -> SandboxVM.Configuration {
        var configuration = SandboxVM.Configuration(image: image, commandLine: commandLine ?? self.commandLine, memoryMiB: memoryMiB,
                                                    forwards: [QEMUInvocation.Forward(guestPort: brokerGuestPort, hostPort: brokerHostPort)]
                                                        + (registryHostPort.map { [QEMUInvocation.Forward(guestPort: registryGuestPort, hostPort: $0)] } ?? []),
                                                    initData: initDataPath)
        configuration.tpmCADirectory = tpmCADirectory
        return configuration
    }
}
