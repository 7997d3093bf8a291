import Foundation

/// Whether KVM actually runs a guest here. `/dev/kvm` opening is not enough: on some hosts (nested under another
/// hypervisor) it opens and the guest then hangs, and `-accel kvm -accel tcg` does not fall back in that case. The
/// probe boots the kernel with no initrd under KVM and waits, with a timeout, for its first console line.
public enum KVMProbe {
    /// True when a KVM guest printed the kernel banner within `timeout` seconds.
    public static func works(qemu: String, kernel: String, timeout: Double = 15, workDirectory: String) -> Bool {
        guard FileManager.default.isReadableFile(atPath: "/dev/kvm"), FileManager.default.isWritableFile(atPath: "/dev/kvm") else { return false }
        let log = "\(workDirectory)/kvm-probe.log"
        guard let child = try? ChildProcess(qemu, [
            "-accel", "kvm", "-machine", "q35", "-m", "256", "-nographic", "-no-reboot",
            "-kernel", kernel, "-append", "console=ttyS0 panic=-1",
        ], logPath: log) else { return false }
        defer {
            child.terminate(grace: 0.5)
            try? FileManager.default.removeItem(atPath: log)
        }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: log, encoding: .utf8), text.contains("Linux version") { return true }
            if child.exited != nil { return false }
            usleep(100_000)
        }
        return false
    }
}
