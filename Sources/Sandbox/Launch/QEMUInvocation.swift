/// The QEMU command line of a sandbox VM: q35, OVMF measured direct kernel boot, a TIS vTPM on swtpm's control
/// socket, virtio-rng (without it the first process in the guest blocks in `getrandom`), the control port
/// ``GuestInit/portName`` on a unix socket, and user-mode networking with `restrict=on` whose only way out is one
/// `guestfwd` per allowed host service (a `busybox nc` per connection, because a `tcp:` guestfwd serves one
/// connection only).
public struct QEMUInvocation: Sendable, Hashable {
    /// The accelerator.
    public enum Accelerator: String, Sendable, Hashable, CaseIterable {
        /// Software emulation (the default: KVM is not dependable on shared runners).
        case tcg
        /// Hardware virtualisation, once ``KVMProbe`` has shown it works.
        case kvm
    }

    /// A host service the guest may reach: `guestAddress:guestPort` inside is forwarded to `127.0.0.1:hostPort`.
    public struct Forward: Sendable, Hashable {
        /// The address in the guest's network (10.0.2.0/24, not the gateway).
        public var guestAddress: String
        /// The port the guest connects to.
        public var guestPort: UInt16
        /// The port on the host's loopback.
        public var hostPort: UInt16

        /// A forward of `guestAddress:guestPort` to `127.0.0.1:hostPort`.
        public init(guestAddress: String = "10.0.2.100", guestPort: UInt16, hostPort: UInt16) {
            self.guestAddress = guestAddress
            self.guestPort = guestPort
            self.hostPort = hostPort
        }
    }

    /// The OVMF image (`-bios`).
    public var firmware: String
    /// The bzImage.
    public var kernel: String
    /// The initramfs.
    public var initrd: String
    /// The kernel command line.
    public var commandLine: String
    /// Guest RAM in MiB.
    public var memoryMiB: Int
    /// vCPUs.
    public var cpus: Int
    /// The accelerator.
    public var accelerator: Accelerator
    /// swtpm's control socket.
    public var tpmSocket: String
    /// The control port's unix socket (QEMU is the server).
    public var controlSocket: String
    /// Allowed host services.
    public var forwards: [Forward]
    /// The init-data file given to the guest on fw_cfg as ``GuestInit/initDataFile``, if any.
    public var initData: String?
    /// busybox on the host, which runs each guestfwd connection's `nc`.
    public var busybox: String
    /// The vCPU model (`-cpu`), or nil for QEMU's default; `max` gives TCG guests AES-NI and PCLMUL.
    public var cpuModel: String?

    /// An invocation with the sandbox's defaults (1 GiB, 1 vCPU, TCG, no forwards, no init-data).
    public init(firmware: String, kernel: String, initrd: String, commandLine: String, memoryMiB: Int = 1024, cpus: Int = 1,
                accelerator: Accelerator = .tcg, tpmSocket: String, controlSocket: String, forwards: [Forward] = [],
                initData: String? = nil, busybox: String = "/bin/busybox", cpuModel: String? = nil) {
        self.firmware = firmware
        self.kernel = kernel
        self.initrd = initrd
        self.commandLine = commandLine
        self.memoryMiB = memoryMiB
        self.cpus = cpus
        self.accelerator = accelerator
        self.tpmSocket = tpmSocket
        self.controlSocket = controlSocket
        self.forwards = forwards
        self.initData = initData
        self.busybox = busybox
        self.cpuModel = cpuModel
    }

    /// The arguments after the program name.
    public var arguments: [String] {
        let network = (["user", "id=n0", "restrict=on"] + forwards.map { forward in
            "guestfwd=tcp:\(forward.guestAddress):\(forward.guestPort)-cmd:\(busybox) nc 127.0.0.1 \(forward.hostPort)"
        }).joined(separator: ",")
        var arguments = [
            "-accel", accelerator.rawValue, "-machine", "q35", "-m", String(memoryMiB), "-smp", String(cpus),
            "-nographic", "-no-reboot",
            "-bios", firmware, "-kernel", kernel, "-initrd", initrd, "-append", commandLine,
            "-chardev", "socket,id=chrtpm,path=\(tpmSocket)", "-tpmdev", "emulator,id=tpm0,chardev=chrtpm", "-device", "tpm-tis,tpmdev=tpm0",
            "-device", "virtio-rng-pci",
            "-device", "virtio-serial", "-chardev", "socket,path=\(controlSocket),server=on,wait=off,id=c0",
            "-device", "virtserialport,chardev=c0,name=\(GuestInit.portName)",
            "-netdev", network, "-device", "virtio-net-pci,netdev=n0",
        ]
        if let cpuModel { arguments += ["-cpu", cpuModel] }
        if let initData { arguments += ["-fw_cfg", "name=\(GuestInit.initDataFile),file=\(initData)"] }
        return arguments
    }
}
