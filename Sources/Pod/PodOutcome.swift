/// What the agent reported on the control channel for one pod boot (see `GuestAgent.PodBootstrap` for the lines),
/// with the seconds from QEMU's start at which each line arrived.
public struct PodOutcome: Sendable, Hashable {
    /// Seconds to `READY` (the agent is up and the init-data checked).
    public var ready: Double?
    /// Seconds to `ATTESTED`.
    public var attested: Double?
    /// Seconds to `RESOURCE`.
    public var released: Double?
    /// The released resource's SHA-256 (hex), as the agent printed it.
    public var resourceDigest: String?
    /// The broker's refusal (`<stage> <variant> <detail>`), when there was one.
    public var refusal: String?
    /// Any other failure the agent reported.
    public var failure: String?
    /// Seconds to `GATE` (the agent serves the gate from here).
    public var gate: Double?
    /// Seconds to each container's start order being accepted, by name.
    public var started: [String: Double] = [:]
    /// Each container the host ran through the gate: its exit as polled and its output.
    public var containers: [PodHost.ContainerRun] = []
    /// Every order the host sent through the gate and the status it got.
    public var exchanges: [PodHost.Exchange] = []
    /// Seconds from QEMU's start to `DONE`, or to the end of the workload.
    public var total: Double = 0
    /// The tail of the guest's serial console when the run ended: the agent's own log (why an order failed, how
    /// long each pull took), which the host sees only as a status through the gate.
    public var console = ""
    /// Every line, in order.
    public var lines: [String] = []

    /// Whether the agent reported the resource released.
    public var keyReleased: Bool { resourceDigest != nil }

    /// Creates an empty outcome.
    public init() {}

    /// Takes one control-channel line arriving at `seconds`.
    public mutating func take(_ line: String, at seconds: Double) {
        lines.append(line)
        if line == "READY" { ready = seconds }
        if line == "ATTESTED" { attested = seconds }
        if line == "GATE" { gate = seconds }
        if line.hasPrefix("RESOURCE ") {
            released = seconds
            let words = line.split(separator: " ")
            if words.count == 3, words[2].hasPrefix("sha256:") { resourceDigest = String(words[2].dropFirst("sha256:".count)) }
        }
        if line.hasPrefix("REFUSED ") { refusal = String(line.dropFirst("REFUSED ".count)) }
        if line.hasPrefix("FAILED ") { failure = String(line.dropFirst("FAILED ".count)) }
    }
}
