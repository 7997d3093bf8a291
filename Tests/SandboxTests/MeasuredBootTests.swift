import EventLog
import Foundation
import HermeticCore
import ReferenceValues
import Testing
@testable import Measure
@testable import Sandbox
#if canImport(Glibc)
import Glibc
#endif

/// One real measured boot (OVMF, swtpm, Debian's kernel, the sandbox's initramfs, ~10–15 s under TCG) shared by
/// every assertion: the guest's event log replays to its PCRs, the calculators' PCR 4 and PCR 9 equal the measured
/// ones, a changed command line predicts a different PCR 9 (and the same PCR 4), init-data arrives on fw_cfg, and
/// teardown leaves no process or directory.
@Suite("Measured boot", .serialized)
struct MeasuredBootTests {
    @Test("boot, read back the event log, replay, compare with the predictions, tear down",
          .enabled(if: SandboxEnvironment.vmAvailable, SandboxEnvironment.vmSkipMessage), .timeLimit(.minutes(3)))
    func measuredBoot() throws {
        let kernel = try #require(SandboxEnvironment.kernel)
        let image = try GuestImageBuilder(cache: SandboxEnvironment.cache).build(GuestImageBuilder.Inputs(kernel: kernel))
        let work = try SandboxEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let initData = "\(work)/initdata.toml"
        let initDataText = "version = \"0.1.0\"\nalgorithm = \"sha256\"\n[data]\n\"policy.rego\" = \"package agent_policy\"\n"
        try initDataText.write(toFile: initData, atomically: true, encoding: .utf8)

        // One host service the guest may reach (busybox httpd on loopback, forwarded as 10.0.2.100:80), and the
        // same service through the slirp gateway, which restrict=on must block.
        let served = "\(work)/www"
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        let payload = Array("hermetic guestfwd \(UUID().uuidString)\n".utf8)
        try Data(payload).write(to: URL(fileURLWithPath: "\(served)/probe"))
        let port = UInt16.random(in: 20000...40000)
        let httpd = try ChildProcess(try #require(HostTools.find("busybox")), ["httpd", "-f", "-p", "127.0.0.1:\(port)", "-h", served],
                                     logPath: "\(work)/httpd.log")
        defer { httpd.terminate(grace: 1) }
        let allowed = "http://10.0.2.100:80/probe"
        let blocked = "http://10.0.2.2:\(port)/probe"

        let commandLine = SandboxVM.Configuration.defaultCommandLine + " hermetic.fetch=\(allowed),\(blocked)"
        let vm = try SandboxVM(SandboxVM.Configuration(image: image, commandLine: commandLine,
                                                       forwards: [QEMUInvocation.Forward(guestPort: 80, hostPort: port)], initData: initData))
        let directory = vm.directory
        let pids = [vm.qemuPID, vm.swtpmPID]
        #expect(FileManager.default.fileExists(atPath: vm.tpm.rootCertificatePath))
        #expect(FileManager.default.fileExists(atPath: vm.tpm.issuerCertificatePath))
        let ready = try vm.waitForReady(timeout: 90)
        let report = try BootReport { () throws(SandboxError) -> String? in try vm.readLine(timeout: 30) }
        try? vm.send("BYE")
        _ = vm.waitForExit(timeout: 10)
        vm.shutdown()
        print("measured boot: READY after \(String(format: "%.2f", ready)) s (\(vm.accelerator.rawValue))")

        // Nothing left: both process groups are gone and the directory is removed.
        for pid in pids {
            #expect(kill(-pid, 0) == -1 && errno == ESRCH, "process group \(pid) still exists")
        }
        #expect(!FileManager.default.fileExists(atPath: directory))

        let initrd = [UInt8](try Data(contentsOf: URL(fileURLWithPath: image.initrdPath)))
        let kernelBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: image.kernelPath)))
        let expected = try VTPMBootMeasurement(kernel: kernelBytes, initrd: initrd, commandLine: commandLine, memoryMiB: 1024)
        let check = try BootCheck(report: report, expected: expected)
        #expect(check.replayMismatches.isEmpty)
        #expect(check.comparedCount >= 9)
        try check.requireMatch()
        #expect(check.predictions.map(\.index) == [4, 9])

        // PCR 4's kernel event is the calculator's digest of the patched image, not of the file.
        let kernelEvent = check.log.events.first { $0.index == 4 && $0.type == 0x8000_0003 }
        #expect(kernelEvent?.digests.first { $0.algorithm == 0x000B }?.bytes == expected.kernelDigest(.sha256))
        // PCR 9 holds the two EV_EVENT_TAG events in the calculator's order.
        #expect(check.log.events.filter { $0.index == 9 }.compactMap { $0.digests.first { $0.algorithm == 0x000B }?.bytes }
                == expected.pcr9Events(.sha256))

        // Negative: the same boot judged against another command line: PCR 9 differs, PCR 4 does not.
        let other = try VTPMBootMeasurement(kernel: kernelBytes, initrd: initrd, commandLine: SandboxVM.Configuration.defaultCommandLine,
                                            memoryMiB: 1024)
        let otherCheck = try BootCheck(report: report, expected: other)
        #expect(otherCheck.predictions.first { $0.index == 4 }?.matches == true)
        #expect(otherCheck.predictions.first { $0.index == 9 }?.matches == false)
        #expect(throws: SandboxError(.measurement, "")) { try otherCheck.requireMatch() }

        // The same report recorded as golden PCR 0–7: an RVPS sample message with tpm_pcr00 … tpm_pcr07.
        let golden = try GoldenPCRs(report: report, configuration: vm.configuration)
        #expect(golden.pcrs.count == 8 && golden.pcrs[4] == report.pcrs[0x000B]?[4])
        let message = try RVPSMessage(json: Array(golden.document.canonicalJSON().utf8))
        #expect(message.values["tpm_pcr04"] == .array([.string(Hex.encode(expected.pcr4(.sha256)))]))
        #expect(Set(message.values.keys) == Set((0...7).map { VTPMReferenceIDs.pcr($0) }))

        // The forwarded service answered with the file; the gateway did not.
        #expect(report.fetches[allowed] == .some(VTPMBootMeasurement.Bank.sha256.hash(payload)))
        #expect(report.fetches[blocked] == .some(nil))

        // The broker's reference values for this image: computed PCR 4 and 9, golden PCR 0–3 and 5–7, all equal to
        // what the guest read.
        let values = try SandboxReferenceValues.values(image: image, commandLine: commandLine, memoryMiB: 1024, golden: golden)
        for index: UInt32 in [0, 1, 2, 3, 4, 5, 6, 7, 9] {
            #expect(values[VTPMReferenceIDs.pcr(index)] == .array([.string(Hex.encode(report.pcrs[0x000B]?[index] ?? []))]), "PCR \(index)")
        }
        #expect(throws: SandboxError(.measurement, "")) {
            try SandboxReferenceValues.values(image: image, commandLine: commandLine, memoryMiB: 2048, golden: golden)
        }

        // Init-data reached the guest on fw_cfg unchanged.
        #expect(report.initDataDigest == VTPMBootMeasurement.Bank.sha256.hash(Array(initDataText.utf8)))
    }

    @Test("QEMU's command line: measured direct boot, TIS vTPM, virtio-rng, the named control port, restricted network")
    func invocation() {
        let invocation = QEMUInvocation(firmware: "/fw", kernel: "/k", initrd: "/i", commandLine: "console=ttyS0", tpmSocket: "/t.sock",
                                        controlSocket: "/c.sock", forwards: [.init(guestPort: 80, hostPort: 18081), .init(guestPort: 81, hostPort: 18082)],
                                        initData: "/init.toml", busybox: "/bin/busybox")
        let arguments = invocation.arguments
        let joined = arguments.joined(separator: " ")
        #expect(joined.contains("-accel tcg -machine q35 -m 1024 -smp 1"))
        #expect(joined.contains("-bios /fw -kernel /k -initrd /i -append console=ttyS0"))
        #expect(joined.contains("-tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0"))
        #expect(arguments.contains("virtio-rng-pci"))
        #expect(arguments.contains("virtserialport,chardev=c0,name=hermetic.0"))
        #expect(arguments.contains("socket,path=/c.sock,server=on,wait=off,id=c0"))
        #expect(arguments.contains("user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:80-cmd:/bin/busybox nc 127.0.0.1 18081,guestfwd=tcp:10.0.2.100:81-cmd:/bin/busybox nc 127.0.0.1 18082"))
        #expect(arguments.contains("name=opt/hermetic/initdata,file=/init.toml"))
        #expect(!arguments.contains("kvm"))
    }

    @Test("the KVM probe answers within its timeout and leaves nothing running",
          .enabled(if: FileManager.default.fileExists(atPath: "/dev/kvm") && SandboxEnvironment.vmAvailable,
                   "skipped: no /dev/kvm, qemu-system-x86_64 or kernel package"), .timeLimit(.minutes(1)))
    func kvmProbe() throws {
        let kernel = try #require(SandboxEnvironment.kernel)
        let qemu = try #require(HostTools.find("qemu-system-x86_64"))
        let work = try SandboxEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let started = Date()
        let works = KVMProbe.works(qemu: qemu, kernel: kernel.kernelPath, timeout: 8, workDirectory: work)
        let elapsed = Date().timeIntervalSince(started)
        print("KVM probe: \(works ? "KVM runs a guest" : "KVM unusable, TCG") after \(String(format: "%.1f", elapsed)) s")
        #expect(elapsed < 12)
        #expect(!FileManager.default.fileExists(atPath: "\(work)/kvm-probe.log"))
    }

    @Test("a process group is killed whole: a child the leader started does not survive terminate()")
    func processGroup() throws {
        let work = try SandboxEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let child = try ChildProcess("/bin/sh", ["-c", "sleep 300 & echo $! > \(work)/grandchild; wait"], logPath: "\(work)/log")
        var grandchild: Int32?
        for _ in 0..<200 where grandchild == nil {
            grandchild = (try? String(contentsOfFile: "\(work)/grandchild", encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            usleep(10_000)
        }
        let pid = try #require(grandchild)
        #expect(Self.running(pid))
        child.terminate(grace: 1)
        #expect(child.exited != nil)
        for _ in 0..<50 where Self.running(pid) { usleep(20_000) }
        #expect(!Self.running(pid), "the leader's child \(pid) survived")
    }

    /// Whether `pid` exists and is not a zombie (an orphan waits for its new parent to reap it).
    static func running(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return !stat[close...].hasPrefix(") Z")
    }
}
