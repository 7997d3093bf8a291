import Rego

/// The Servicer: the pod's state machine. It lets an order through only if it moves the pod along a valid
/// transition, and it changes state only when told the order executed (or when the workload reports an event).
///
/// The valid graph:
/// - the sandbox goes booting → created (CreateSandbox) → destroyed (DestroySandbox);
/// - network set-up, CopyFile and queries are valid while the sandbox is not destroyed;
/// - containers are created only in a created sandbox, each id once; with a plan, in declared order, each init
///   container only after the previous init container exited successfully, and app containers only after every
///   init container did; containers not in the plan are refused (the sandbox's pause container excepted);
/// - a container starts only from created; execs, streams and updates need it running; signals and waits need it
///   to exist; removal is valid once, from any phase but removed;
/// - PodReady is valid only when every planned container is where the plan puts it: init containers exited
///   successfully and app containers running.
public struct Servicer: Sendable {
    /// Why an order leaves the valid graph.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public let reason: String
        public var description: String { reason }
    }

    /// The plan, if the policy has one.
    public let plan: PodPlan?
    /// The current state.
    public private(set) var state = PodState()

    /// A Servicer for a pod with this plan (or none).
    public init(plan: PodPlan?) { self.plan = plan }

    static let nameAnnotation = "io.kubernetes.cri.container-name"
    static let typeAnnotation = "io.kubernetes.cri.container-type"

    /// Checks that the order is a valid transition from the current state; changes nothing.
    /// - Throws: ``Refusal`` naming the violated rule.
    public func check(_ order: Order) throws(Refusal) {
        func refuse(_ reason: String) -> Refusal { Refusal(reason: "\(order.verb.name): \(reason)") }
        switch order.verb {
        case .createSandbox:
            guard state.sandbox == .booting else { throw refuse("the sandbox already exists") }
        case .destroySandbox:
            guard state.sandbox == .created else { throw refuse("no sandbox to destroy") }
        case .createContainer:
            guard state.sandbox == .created else { throw refuse("no sandbox") }
            let id = order.containerID ?? ""
            guard state.containers[id] == nil else { throw refuse("container id already used") }
            try checkCreationOrder(order, refuse)
        case .startContainer:
            let container = try existing(order, refuse)
            guard container.phase == .created else { throw refuse("container is not in the created phase") }
            if let index = container.planIndex, let plan { try checkInitsCompleted(before: index, plan: plan, refuse) }
        case .execProcess:
            let container = try existing(order, refuse)
            guard container.phase == .running else { throw refuse("container is not running") }
            guard let exec = order.execID, !exec.isEmpty, !container.execs.contains(exec) else {
                throw refuse("exec id empty or already used")
            }
        case .signalProcess, .waitProcess:
            let container = try existing(order, refuse)
            guard container.phase != .removed else { throw refuse("container was removed") }
            try knownProcess(order, container, refuse)
        case .writeStdin, .readStdout, .readStderr, .closeStdin, .ttyWinResize:
            let container = try existing(order, refuse)
            guard container.phase != .removed, container.phase != .created else { throw refuse("container is not running") }
            try knownProcess(order, container, refuse)
        case .updateContainer, .statsContainer, .pauseContainer, .resumeContainer:
            let container = try existing(order, refuse)
            guard container.phase == .running else { throw refuse("container is not running") }
        case .removeContainer:
            let container = try existing(order, refuse)
            guard container.phase != .removed else { throw refuse("container already removed") }
        case .podReady:
            guard state.sandbox == .created else { throw refuse("no sandbox") }
            try checkReady(refuse)
        default:
            guard state.sandbox != .destroyed else { throw refuse("the sandbox was destroyed") }
        }
    }

    /// Records that an accepted order executed successfully: the transition it checked is taken.
    public mutating func commit(_ order: Order) {
        switch order.verb {
        case .createSandbox: state.sandbox = .created
        case .destroySandbox: state.sandbox = .destroyed
        case .createContainer:
            guard let id = order.containerID else { return }
            let annotations = order.noun[.string("OCI")]?[.string("Annotations")]
            let name = annotations?[.string(Self.nameAnnotation)]?.stringValue
            let isSandbox = annotations?[.string(Self.typeAnnotation)]?.stringValue == "sandbox"
            let index = isSandbox ? nil : name.flatMap { plan?.index(of: $0) }
            state.containers[id] = PodState.Container(name: name, isSandboxContainer: isSandbox, planIndex: index,
                                                      phase: .created, execs: [])
        case .startContainer:
            if let id = order.containerID { state.containers[id]?.phase = .running }
        case .execProcess:
            if let id = order.containerID, let exec = order.execID { state.containers[id]?.execs.insert(exec) }
        case .removeContainer:
            if let id = order.containerID { state.containers[id]?.phase = .removed }
        default: break
        }
    }

    /// Records a workload event: a container's main process exited.
    public mutating func containerExited(_ id: String, success: Bool) {
        guard let phase = state.containers[id]?.phase, phase == .running else { return }
        state.containers[id]?.phase = .exited(success: success)
    }

    private func existing(_ order: Order, _ refuse: (String) -> Refusal) throws(Refusal) -> PodState.Container {
        guard let id = order.containerID, let container = state.containers[id] else { throw refuse("no such container") }
        return container
    }

    private func knownProcess(_ order: Order, _ container: PodState.Container, _ refuse: (String) -> Refusal) throws(Refusal) {
        let exec = order.execID ?? ""
        guard exec.isEmpty || exec == order.containerID || container.execs.contains(exec) else { throw refuse("no such process") }
    }

    private func checkCreationOrder(_ order: Order, _ refuse: (String) -> Refusal) throws(Refusal) {
        guard let plan else { return }
        let annotations = order.noun[.string("OCI")]?[.string("Annotations")]
        if annotations?[.string(Self.typeAnnotation)]?.stringValue == "sandbox" {
            guard !state.containers.values.contains(where: \.isSandboxContainer) else { throw refuse("a second sandbox container") }
            return
        }
        guard let name = annotations?[.string(Self.nameAnnotation)]?.stringValue else {
            throw refuse("no \(Self.nameAnnotation) annotation")
        }
        guard let index = plan.index(of: name) else { throw refuse("container \(name) is not declared") }
        guard state.container(planIndex: index) == nil else { throw refuse("container \(name) was already created") }
        for earlier in 0..<index where state.container(planIndex: earlier) == nil {
            throw refuse("container \(plan.containers[earlier].name) must be created before \(name)")
        }
        try checkInitsCompleted(before: index, plan: plan, refuse)
    }

    /// Every init container before `index` (all of them, for an app container) exited successfully.
    private func checkInitsCompleted(before index: Int, plan: PodPlan, _ refuse: (String) -> Refusal) throws(Refusal) {
        for earlier in 0..<index where plan.containers[earlier].isInit {
            guard state.container(planIndex: earlier)?.phase == .exited(success: true) else {
                throw refuse("init container \(plan.containers[earlier].name) has not completed")
            }
        }
    }

    private func checkReady(_ refuse: (String) -> Refusal) throws(Refusal) {
        guard let plan else {
            guard state.containers.values.contains(where: { $0.phase == .running && !$0.isSandboxContainer }) else {
                throw refuse("no container is running")
            }
            return
        }
        for (index, declared) in plan.containers.enumerated() {
            let phase = state.container(planIndex: index)?.phase
            if declared.isInit {
                guard phase == .exited(success: true) else { throw refuse("init container \(declared.name) has not completed") }
            } else {
                guard phase == .running else { throw refuse("container \(declared.name) is not running") }
            }
        }
    }
}
