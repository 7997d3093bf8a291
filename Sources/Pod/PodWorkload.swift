import Foundation
import Gate

/// What the host orders for a pod: its containers in the declared order, read from the `policy_data` that
/// ``PolicyGenerator`` wrote from the pod's YAML. The host builds its orders from the same document the guest's
/// policy decides them against, so an honest host's orders pass and anything else is the host deviating.
public struct PodWorkload: Sendable, Hashable {
    /// One container.
    public struct Container: Sendable, Hashable {
        /// The name (`io.kubernetes.cri.container-name`).
        public var name: String
        /// The image, pinned by digest.
        public var image: String
        /// The process arguments.
        public var args: [String]
        /// The environment, `NAME=value`.
        public var env: [String]
        /// The user to run as, or nil for the image's.
        public var runAsUser: Int?
        /// Whether the process may not gain privileges.
        public var noNewPrivileges: Bool
        /// Whether it is an init container (runs to completion before the app containers are created).
        public var isInit: Bool
    }

    /// The containers, init containers first, in the declared order.
    public var containers: [Container]

    /// A workload of these containers.
    public init(containers: [Container]) { self.containers = containers }

    /// Reads the containers from a `policy_data` JSON document; `secretEnvironment` gives the values of the
    /// variables from Secrets (``PolicyGenerator/Output/secretEnvironment``), which `policy_data` holds only as
    /// digests. A sealed value (`sealed.…`) is sent as it is and opened in the guest, after the gate allowed it.
    ///
    /// - Throws: ``PodError`` (`badInput`) naming what the document lacks, or a Secret variable with no value given.
    public init(policyData: String, secretEnvironment: [String: [String]] = [:]) throws(PodError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(policyData.utf8)) as? [String: Any],
              let declared = object["containers"] as? [[String: Any]] else {
            throw PodError(.badInput, "policy_data is not a JSON object with containers")
        }
        let order = ((object["hermetic"] as? [String: Any])?["containers"] as? [[String: Any]]) ?? []
        let initNames = Set(order.filter { $0["init"] as? Bool == true }.compactMap { $0["name"] as? String })
        var containers: [Container] = []
        for entry in declared {
            guard let name = entry["name"] as? String, let image = entry["image"] as? String, let args = entry["args"] as? [String] else {
                throw PodError(.badInput, "a container in policy_data lacks its name, image or args")
            }
            let secretValues = secretEnvironment[name] ?? []
            for secret in entry["secret_env"] as? [[String: Any]] ?? [] {
                guard let variable = secret["name"] as? String, secretValues.contains(where: { $0.hasPrefix(variable + "=") }) else {
                    throw PodError(.badInput, "container \(name) takes \(secret["name"] as? String ?? "a variable") from a Secret whose value was not given")
                }
            }
            containers.append(Container(name: name, image: image, args: args, env: (entry["env"] as? [String] ?? []) + secretValues,
                                        runAsUser: entry["run_as_user"] as? Int, noNewPrivileges: entry["no_new_privileges"] as? Bool ?? false,
                                        isInit: initNames.contains(name)))
        }
        let position = Dictionary(order.enumerated().compactMap { index, entry in (entry["name"] as? String).map { ($0, index) } }, uniquingKeysWith: { a, _ in a })
        self.containers = containers.enumerated().sorted {
            (position[$0.element.name] ?? $0.offset) < (position[$1.element.name] ?? $1.offset)
        }.map(\.element)
    }

    /// The runtime's own mounts, as the host declares them (the policy knows them as `default_mounts`).
    static var runtimeMounts: [[String: Any]] { [
        ["destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]],
        ["destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755"]],
        ["destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec"]],
        ["destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]],
        ["destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]],
    ] }

    /// The CreateContainer noun for `container` under the id `id`, in Kata's request shape.
    public static func createNoun(_ container: Container, id: String) -> [String: Any] {
        let process: [String: Any] = [
            "Args": container.args, "Env": container.env, "Cwd": "/", "NoNewPrivileges": container.noNewPrivileges,
            "User": ["UID": container.runAsUser ?? 0, "GID": 0],
            "Capabilities": ["Bounding": RuntimeBundle.capabilities, "Effective": RuntimeBundle.capabilities,
                             "Permitted": RuntimeBundle.capabilities],
        ]
        return ["container_id": id, "exec_id": id, "OCI": [
            "Process": process, "Mounts": runtimeMounts,
            "Annotations": ["io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.container-name": container.name,
                            "io.kubernetes.cri.image-name": container.image],
        ] as [String: Any]]
    }
}
