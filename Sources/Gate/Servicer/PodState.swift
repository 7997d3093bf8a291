/// The Servicer's own model of the pod: what the guest has been ordered to do and what came of it.
public struct PodState: Sendable, Hashable {
    /// The sandbox's phase.
    public enum SandboxPhase: Sendable, Hashable {
        /// Before CreateSandbox: only network set-up and file copies are valid.
        case booting
        /// Between CreateSandbox and DestroySandbox.
        case created
        /// After DestroySandbox: nothing more is valid.
        case destroyed
    }

    /// A container's phase.
    public enum ContainerPhase: Sendable, Hashable {
        case created
        case running
        case exited(success: Bool)
        case removed
    }

    /// One container the gate let the host create.
    public struct Container: Sendable, Hashable {
        /// The Kubernetes name, if the OCI annotations carry one.
        public var name: String?
        /// Whether this is the pod's sandbox (pause) container.
        public var isSandboxContainer: Bool
        /// Its place in the plan, if planned.
        public var planIndex: Int?
        /// Its phase.
        public var phase: ContainerPhase
        /// The exec ids started in it.
        public var execs: Set<String>
    }

    /// The sandbox's phase.
    public var sandbox: SandboxPhase = .booting
    /// Containers by container id.
    public var containers: [String: Container] = [:]

    /// An empty pod, before CreateSandbox.
    public init() {}

    /// The container created for a plan index, if any.
    func container(planIndex: Int) -> Container? {
        containers.values.first { $0.planIndex == planIndex }
    }
}
