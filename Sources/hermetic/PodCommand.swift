import ArgumentParser
import Foundation
import HermeticCore
import Sandbox

/// `hermetic pod`: the measured VM sandbox on this host.
struct PodCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pod",
        abstract: "The measured VM sandbox: build the guest image, record golden PCRs from a real boot.",
        subcommands: [PodImage.self, PodGolden.self, PodRun.self, PodCA.self]
    )
}

/// Options shared by the pod commands: where the kernel and images are cached, and the guest image's inputs.
struct PodImageOptions: ParsableArguments {
    @Option(help: "The cache directory (kernel packages, images); default $HERMETIC_VM_CACHE or ~/.cache/hermetic/vm.") var cache: String?
    @Option(name: .customLong("kernel-release"), help: "The Debian kernel release, e.g. 6.1.0-56-amd64; default: what apt offers for linux-image-amd64.") var kernelRelease: String?
    @Option(help: "The guest agent binary to put in the image (without it /init reports the boot itself).") var agent: String?

    var cacheDirectory: String {
        if let cache { return cache }
        if let environment = ProcessInfo.processInfo.environment["HERMETIC_VM_CACHE"] { return environment }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/hermetic/vm").path
    }

    func image() throws(SandboxError) -> (GuestImage, seconds: Double) {
        let started = Date()
        let kernel = try KernelPackage.fetch(release: kernelRelease, cache: cacheDirectory)
        let image = try GuestImageBuilder(cache: cacheDirectory).build(GuestImageBuilder.Inputs(kernel: kernel, agent: agent))
        return (image, Date().timeIntervalSince(started))
    }
}

/// Runs `body`, turning a ``SandboxError`` into its message on stderr and its exit status.
func withSandboxErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as SandboxError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(ExitStatus(error.kind).rawValue)
    }
}

/// `hermetic pod image`.
struct PodImage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Build (or find in the cache) the guest image: Debian's kernel and an initramfs with busybox, modules, runc and the agent.",
        discussion: """
            The kernel comes from `apt-get download linux-image-<release>` unpacked with `dpkg-deb -x` (cached by
            release). The initramfs is a newc cpio, gzip level 1, holding busybox, the virtio, fw_cfg and overlay
            modules with their dependencies (from each module's .modinfo), runc and the libraries ldd lists, the agent
            if given, and /init; it is cached by the SHA-256 of all of these. Missing tools or packages exit 3.
            """
    )

    @OptionGroup var options: PodImageOptions
    @Option(help: "The kernel command line the guest will boot with (for the PCR 9 prediction).") var append: String = SandboxVM.Configuration.defaultCommandLine
    @Option(help: "Guest RAM in MiB (for the PCR 4 prediction).") var memory: Int = 1024
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let (image, seconds, values) = try withSandboxErrors { () throws -> (GuestImage, Double, [String: JSONValue]) in
            let (image, seconds) = try options.image()
            return (image, seconds, try SandboxReferenceValues.values(image: image, commandLine: append, memoryMiB: memory))
        }
        if json {
            print(JSONValue.object([
                "kernel": .string(image.kernelPath), "kernel_release": .string(image.kernel.release), "initrd": .string(image.initrdPath),
                "key": .string(image.key), "cached": .bool(image.cached), "modules": .array(image.modules.map { .string($0) }),
                "seconds": .string(String(format: "%.3f", seconds)), "append": .string(append), "memory_mib": .int(Int64(memory)),
                "reference_values": .object(values),
            ]).canonicalJSON())
        } else {
            print("kernel:  \(image.kernelPath)")
            print("initrd:  \(image.initrdPath)")
            print("key:     \(image.key) (\(image.cached ? "cached" : "built") in \(String(format: "%.2f", seconds)) s)")
            print("modules: \(image.modules.joined(separator: " "))")
            for (id, value) in values.sorted(by: { $0.key < $1.key }) {
                print("\(id): \(value.arrayValue?.first?.stringValue ?? "")  (prediction for \(memory) MiB and the given command line)")
            }
        }
    }
}

/// `hermetic pod golden`.
struct PodGolden: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "golden",
        abstract: "Boot the sandbox once and record PCR 0–7 with the QEMU and OVMF versions and the event log.",
        discussion: """
            Boots the guest image under OVMF with a fresh swtpm (SHA-256 bank), reads back the TCG event log and the
            PCRs over the control port, checks that the log replays to the PCRs and that PCR 4 and PCR 9 equal the
            values computed from the kernel, initrd and command line, then writes a Trustee RVPS sample message with
            tpm_pcr00 … tpm_pcr07 (each a list of one hex digest), which `hermetic rv add --rvps FILE` takes. Its
            `hermetic_golden` member keeps the QEMU version, the OVMF file, digest and package version, the kernel,
            the RAM, the PCRs and the event log. A boot that does not check exits 1; missing tools exit 3.
            """
    )

    @OptionGroup var options: PodImageOptions
    @Option(help: "The file to write.") var out: String
    @Option(help: "Guest RAM in MiB.") var memory: Int = 1024
    @Option(help: "vCPUs (the pod boots with 1 unless told otherwise; record the golden PCRs with the same count).") var cpus: Int = 1
    @Option(help: "The OVMF image.") var firmware: String = "/usr/share/ovmf/OVMF.fd"
    @Option(help: "The accelerator: tcg, kvm, or auto (probe KVM with a timeout, else TCG).") var accel: String = "tcg"
    @Option(help: "The kernel command line.") var append: String = SandboxVM.Configuration.defaultCommandLine

    func run() throws {
        let accelerator: QEMUInvocation.Accelerator?
        switch accel {
        case "auto": accelerator = nil
        case let name:
            guard let chosen = QEMUInvocation.Accelerator(rawValue: name) else { throw ValidationError("unknown --accel \"\(accel)\"; known: tcg, kvm, auto") }
            accelerator = chosen
        }
        guard (64...65536).contains(memory) else { throw ValidationError("--memory \(memory) is out of range (64–65536 MiB)") }
        guard (1...64).contains(cpus) else { throw ValidationError("--cpus \(cpus) is out of range (1–64)") }
        let started = Date()
        let golden = try withSandboxErrors { () throws -> GoldenPCRs in
            let (image, _) = try options.image()
            return try GoldenPCRs.record(SandboxVM.Configuration(image: image, commandLine: append, memoryMiB: memory, cpus: cpus,
                                                                 accelerator: accelerator, firmware: firmware))
        }
        do {
            try Data((golden.document.canonicalJSON() + "\n").utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            throw ValidationError("cannot write \(out): \(error.localizedDescription)")
        }
        for index in GoldenPCRs.indices {
            if let value = golden.pcrs[index] { print("\(VTPMReferenceIDs.pcr(index)): \(Hex.encode(value))") }
        }
        print("recorded from \(golden.qemuVersion), \(golden.firmware) (\(golden.firmwarePackage ?? "package unknown")) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s → \(out)")
    }
}
