#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// The runtime configuration (`config.json`) of a bundle ``RuncExecutor`` runs, written beside each unpacked root by
/// the guest's image pipeline: what `runc spec` gives, made
/// stricter for a confidential pod: a read-only root, its own network namespace with no interface but loopback,
/// no terminal, and the masked and read-only kernel paths runc recommends. The process itself (arguments,
/// environment, working directory, user) is replaced by the one in the CreateContainer order the gate accepted.
public enum RuntimeBundle {
    /// The capabilities every container keeps (a subset of Kata's defaults, as `runc spec` gives).
    public static let capabilities = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]

    /// The configuration for a root at `rootfs` (relative to the bundle).
    public static func configuration(hostname: String = "pod") -> JSONValue {
        func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
        func mount(_ destination: String, _ type: String, _ source: String, _ options: [String]? = nil) -> JSONValue {
            var members: [String: JSONValue] = ["destination": .string(destination), "type": .string(type), "source": .string(source)]
            if let options { members["options"] = strings(options) }
            return .object(members)
        }
        let caps = strings(capabilities)
        return .object([
            "ociVersion": .string("1.0.2"),
            "process": .object([
                "terminal": .bool(false), "user": .object(["uid": .int(0), "gid": .int(0)]), "args": strings(["sh"]), "cwd": .string("/"),
                "env": strings(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]),
                "capabilities": .object(["bounding": caps, "effective": caps, "permitted": caps]),
                "rlimits": .array([.object(["type": .string("RLIMIT_NOFILE"), "hard": .int(1024), "soft": .int(1024)])]),
                "noNewPrivileges": .bool(true),
            ]),
            "root": .object(["path": .string("rootfs"), "readonly": .bool(true)]),
            "hostname": .string(hostname),
            "mounts": .array([
                mount("/proc", "proc", "proc"),
                mount("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
                mount("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]),
                mount("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
                mount("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
                mount("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]),
                mount("/tmp", "tmpfs", "tmpfs", ["nosuid", "nodev", "mode=1777", "size=65536k"]),
            ]),
            "linux": .object([
                "namespaces": .array(["pid", "network", "ipc", "uts", "mount", "cgroup"].map { .object(["type": .string($0)]) }),
                "maskedPaths": strings(["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                                        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"]),
                "readonlyPaths": strings(["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]),
            ]),
        ])
    }

    /// The bytes of a runtime configuration: JSON with sorted keys and escaped slashes, as runc's tools write it.
    public static func encode(_ configuration: JSONValue) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(configuration)
    }

    /// Writes `config.json` into `bundle`.
    public static func write(into bundle: String, hostname: String = "pod") throws {
        try encode(configuration(hostname: hostname)).write(to: URL(fileURLWithPath: bundle + "/config.json"))
    }
}
