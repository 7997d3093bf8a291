import Foundation

/// The runtime configuration (`config.json`) of a bundle ``RuncExecutor`` runs, written beside each unpacked root by
/// the guest's image pipeline: what `runc spec` gives, made
/// stricter for a confidential pod: a read-only root, its own network namespace with no interface but loopback,
/// no terminal, and the masked and read-only kernel paths runc recommends. The process itself (arguments,
/// environment, working directory, user) is replaced by the one in the CreateContainer order the gate accepted.
public enum RuntimeBundle {
    /// The capabilities every container keeps (a subset of Kata's defaults, as `runc spec` gives).
    public static let capabilities = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]

    /// The configuration for a root at `rootfs` (relative to the bundle).
    public static func configuration(hostname: String = "pod") -> [String: Any] {
        let caps: [String: Any] = ["bounding": capabilities, "effective": capabilities, "permitted": capabilities]
        return [
            "ociVersion": "1.0.2",
            "process": [
                "terminal": false, "user": ["uid": 0, "gid": 0], "args": ["sh"], "cwd": "/",
                "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                "capabilities": caps, "rlimits": [["type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024]],
                "noNewPrivileges": true,
            ] as [String: Any],
            "root": ["path": "rootfs", "readonly": true],
            "hostname": hostname,
            "mounts": [
                ["destination": "/proc", "type": "proc", "source": "proc"],
                ["destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]],
                ["destination": "/dev/pts", "type": "devpts", "source": "devpts",
                 "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]],
                ["destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]],
                ["destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]],
                ["destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]],
                ["destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777", "size=65536k"]],
            ],
            "linux": [
                "namespaces": [["type": "pid"], ["type": "network"], ["type": "ipc"], ["type": "uts"], ["type": "mount"], ["type": "cgroup"]],
                "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                                "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
                "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
            ] as [String: Any],
        ]
    }

    /// Writes `config.json` into `bundle`.
    public static func write(into bundle: String, hostname: String = "pod") throws {
        let data = try JSONSerialization.data(withJSONObject: configuration(hostname: hostname), options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: bundle + "/config.json"))
    }
}
