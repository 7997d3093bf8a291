import Foundation

/// A running sandbox VM: swtpm and QEMU, each in its own process group, in a private temporary directory, with the
/// control port connected. ``shutdown()`` (also run on deinit) kills both groups and removes the directory, so
/// nothing is left behind.
public final class SandboxVM: @unchecked Sendable {
    /// How to launch.
    public struct Configuration: Sendable, Hashable {
        /// The guest image.
        public var image: GuestImage
        /// The kernel command line.
        public var commandLine: String
        /// Guest RAM in MiB.
        public var memoryMiB: Int
        /// vCPUs. One by default: under TCG each vCPU is a host thread, and with two of them on a two-core host that
        /// also runs the broker, swtpm and the registry, the guest kernel was seen (twice in about thirty boots)
        /// reporting soft lockups on both vCPUs inside runc for minutes. One vCPU cannot wait on another.
        public var cpus: Int
        /// The accelerator; nil probes KVM (``KVMProbe``) and falls back to TCG.
        public var accelerator: QEMUInvocation.Accelerator?
        /// Allowed host services.
        public var forwards: [QEMUInvocation.Forward]
        /// An init-data file for fw_cfg.
        public var initData: String?
        /// The OVMF image.
        public var firmware: String
        /// The vTPM's active PCR banks.
        public var banks: [String]
        /// The vCPU model, or nil for QEMU's default.
        public var cpuModel: String?
        /// A local CA directory kept across VMs for the vTPM's EK certificates (a fresh CA per VM when nil).
        public var tpmCADirectory: String?

        /// The sandbox's default command line.
        public static let defaultCommandLine = "console=ttyS0 panic=-1 quiet"

        /// A configuration with the sandbox's defaults: 1 GiB, 1 vCPU, TCG, Debian's OVMF, a SHA-256 bank.
        public init(image: GuestImage, commandLine: String = Configuration.defaultCommandLine, memoryMiB: Int = 1024, cpus: Int = 1,
                    accelerator: QEMUInvocation.Accelerator? = .tcg, forwards: [QEMUInvocation.Forward] = [], initData: String? = nil,
                    firmware: String = "/usr/share/ovmf/OVMF.fd", banks: [String] = ["sha256"], cpuModel: String? = nil) {
            self.image = image
            self.commandLine = commandLine
            self.memoryMiB = memoryMiB
            self.cpus = cpus
            self.accelerator = accelerator
            self.forwards = forwards
            self.initData = initData
            self.firmware = firmware
            self.banks = banks
            self.cpuModel = cpuModel
        }
    }

    /// The configuration it was launched with.
    public let configuration: Configuration
    /// The private directory (vTPM state, sockets, logs); removed by ``shutdown()``.
    public let directory: String
    /// The vTPM (its state and local CA live under ``directory`` until shutdown).
    public let tpm: SwtpmState
    /// The accelerator used.
    public let accelerator: QEMUInvocation.Accelerator
    /// The QEMU arguments used.
    public let invocation: QEMUInvocation
    /// When QEMU was started.
    public let startedAt: Date
    private let swtpm: ChildProcess
    private let qemu: ChildProcess
    private let channel: ControlChannel
    private let lock = NSLock()
    private var stopped = false

    /// The QEMU process id (its process group id too).
    public var qemuPID: Int32 { qemu.pid }
    /// The swtpm process id (its process group id too).
    public var swtpmPID: Int32 { swtpm.pid }

    /// Launches swtpm (state made by `swtpm_setup` with EK and platform certificates) and QEMU, and connects to the
    /// control port.
    ///
    /// - Throws: ``SandboxError/Code/toolMissing`` without qemu-system-x86_64, swtpm, swtpm_setup, busybox or the
    ///   firmware; ``SandboxError/Code/launch`` when one of them fails to start. Nothing is left running on error.
    public init(_ configuration: Configuration) throws(SandboxError) {
        let qemuPath = try HostTools.require("qemu-system-x86_64", package: "qemu-system-x86")
        let swtpmPath = try HostTools.require("swtpm", package: "swtpm")
        let busybox = try HostTools.require("busybox", package: "busybox-static")
        guard FileManager.default.isReadableFile(atPath: configuration.firmware) else {
            throw SandboxError(.toolMissing, "the firmware \(configuration.firmware) is missing (apt-get install --no-install-recommends ovmf)")
        }
        let directory = "\(NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/")hermetic-vm-\(UUID().uuidString.prefix(8))"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SandboxError(.launch, "cannot create \(directory): \(error)")
        }
        var started: [ChildProcess] = []
        func cleanUp() {
            for child in started.reversed() { child.terminate(grace: 1) }
            try? FileManager.default.removeItem(atPath: directory)
        }
        do throws(SandboxError) {
            tpm = try SwtpmState.create(in: "\(directory)/tpm", banks: configuration.banks, caDirectory: configuration.tpmCADirectory)
            let tpmSocket = "\(directory)/tpm.sock"
            swtpm = try ChildProcess(swtpmPath, [
                "socket", "--tpm2", "--tpmstate", "dir=\(tpm.directory)", "--ctrl", "type=unixio,path=\(tpmSocket)",
                "--log", "level=1",
            ], logPath: "\(directory)/swtpm.log")
            started.append(swtpm)
            let socketDeadline = Date().addingTimeInterval(5)
            while !FileManager.default.fileExists(atPath: tpmSocket) {
                if let status = swtpm.exited { throw SandboxError(.launch, "swtpm exited \(status): \(swtpm.logTail())") }
                guard Date() < socketDeadline else { throw SandboxError(.launch, "swtpm created no control socket in 5 s") }
                usleep(10_000)
            }
            let accelerator = configuration.accelerator
                ?? (KVMProbe.works(qemu: qemuPath, kernel: configuration.image.kernelPath, workDirectory: directory) ? .kvm : .tcg)
            let invocation = QEMUInvocation(
                firmware: configuration.firmware, kernel: configuration.image.kernelPath, initrd: configuration.image.initrdPath,
                commandLine: configuration.commandLine, memoryMiB: configuration.memoryMiB, cpus: configuration.cpus,
                accelerator: accelerator, tpmSocket: tpmSocket, controlSocket: "\(directory)/control.sock",
                forwards: configuration.forwards, initData: configuration.initData, busybox: busybox, cpuModel: configuration.cpuModel)
            startedAt = Date()
            qemu = try ChildProcess(qemuPath, invocation.arguments, logPath: "\(directory)/console.log")
            started.append(qemu)
            channel = try ControlChannel(path: invocation.controlSocket, deadline: Date().addingTimeInterval(10))
            self.accelerator = accelerator
            self.invocation = invocation
        } catch {
            let tail = started.last.map { "\n" + $0.logTail(800) } ?? ""
            cleanUp()
            throw SandboxError(error.code, error.message + tail)
        }
        self.configuration = configuration
        self.directory = directory
    }

    deinit { shutdown() }

    /// Waits for the guest's `READY` line; returns the seconds from QEMU's start. Lines before it are ignored.
    ///
    /// - Throws: ``SandboxError/Code/timeout`` (with the console's tail) when it does not come in `timeout` seconds,
    ///   ``SandboxError/Code/launch`` when QEMU exits first.
    public func waitForReady(timeout: Double = 60) throws(SandboxError) -> Double {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let line: String?
            do {
                line = try channel.readLine(deadline: deadline)
            } catch {
                throw SandboxError(error.code, "\(error.message) (waiting for READY); console:\n\(qemu.logTail(1500))")
            }
            guard let line else {
                throw SandboxError(.launch, "the control port closed before READY (QEMU \(qemu.exited.map { "exited \($0)" } ?? "running")); console:\n\(qemu.logTail(1500))")
            }
            if line == "READY" { return Date().timeIntervalSince(startedAt) }
        }
    }

    /// The guest's next line, waiting up to `timeout` seconds; nil when the port closed.
    public func readLine(timeout: Double = 30) throws(SandboxError) -> String? {
        try channel.readLine(deadline: Date().addingTimeInterval(timeout))
    }

    /// The control socket for the binary protocol that follows the lines (see ``ControlChannel/switchToStream(timeout:)``).
    public func controlStream(timeout: Double = 120) throws(SandboxError) -> Int32 { try channel.switchToStream(timeout: timeout) }

    /// Sends a line to the guest.
    public func send(_ line: String) throws(SandboxError) { try channel.send(line) }

    /// The guest's serial console so far (the tail).
    public func console(_ limit: Int = 4000) -> String { qemu.logTail(limit) }

    /// Kills QEMU's and swtpm's process groups, waits for them, and removes ``directory``. Idempotent.
    public func shutdown() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        qemu.terminate(grace: 2)
        swtpm.terminate(grace: 1)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Waits up to `timeout` seconds for QEMU to exit by itself (the guest powered off); returns its status.
    public func waitForExit(timeout: Double) -> Int32? { qemu.wait(timeout: timeout) }
}
