import Crypto
import Foundation
import Gate
import HermeticCore
import Yams

/// Writes a pod's agent policy (``HermeticRules`` plus `policy_data`) from Kubernetes YAML: a Pod, or the pod
/// template of a Deployment or Job, with the ConfigMaps and Secrets it uses in the same stream.
///
/// Rules the generator keeps: every image must be pinned by digest (`name@sha256:…`); every container must give
/// `command` (the image's own entrypoint is not read, so it cannot be pinned); env values are literal or come from a
/// ConfigMap or Secret in the same YAML (anything else is refused), Secret values bound by their SHA-256 only, since
/// the policy travels in init-data, which the host sees; ConfigMap and Secret volumes are bound by the
/// SHA-256 of each key's content; exec is denied unless the pod annotation `io.hermetic/exec.<container>` lists the
/// allowed commands as a JSON array of argument arrays; CopyFile is denied unless `io.hermetic/copy-files` is `"true"`;
/// the host may read the containers' output (ReadStdout, ReadStderr: what `kubectl logs` shows) unless the pod
/// annotation `io.hermetic/logs` is `"false"`, as genpolicy allows ReadStreamRequest by default.
public enum PolicyGenerator {
    /// Why YAML cannot become a policy.
    public struct GeneratorError: Error, Sendable, CustomStringConvertible {
        /// What is wrong, naming the object and field.
        public let description: String
        /// The image reference, as written, when the problem is that it is not pinned by digest (a caller with a
        /// registry can resolve it and pass the pin back through `pins`).
        public let unpinnedImage: String?
        init(_ description: String, unpinnedImage: String? = nil) {
            self.description = description
            self.unpinnedImage = unpinnedImage
        }
    }

    /// The policy's `policy_data` document as JSON text, and the Rego policy file.
    public struct Output: Sendable {
        /// `policy_data` as JSON.
        public let policyData: String
        /// The whole policy: the rules and `policy_data := …`.
        public let policy: String
        /// The pod's `metadata.name` (its template's for a workload), or "" when the YAML gives none.
        public var podName = ""
        /// Each container's variables from Secrets, `NAME=value`, by container name: what the host sends in
        /// CreateContainer. Only their digests are in ``policyData`` (init-data is visible to the host), so they are
        /// kept apart; a value may be a sealed secret (`sealed.…`) the guest opens with the broker.
        public var secretEnvironment: [String: [String]] = [:]
    }

    /// Kata's default container capabilities (genpolicy settings' `default_caps`).
    static let defaultCaps = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
                              "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
                              "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]

    /// The runtime's own mounts in every container.
    static let defaultMounts: [[String: String]] = [
        ["destination": "/proc", "type": "proc"], ["destination": "/dev", "type": "tmpfs"],
        ["destination": "/dev/pts", "type": "devpts"], ["destination": "/dev/mqueue", "type": "mqueue"],
        ["destination": "/sys", "type": "sysfs"], ["destination": "/sys/fs/cgroup", "type": "cgroup"],
        ["destination": "/dev/shm", "type": "bind"], ["destination": "/etc/hosts", "type": "bind"],
        ["destination": "/etc/hostname", "type": "bind"], ["destination": "/etc/resolv.conf", "type": "bind"],
        ["destination": "/dev/termination-log", "type": "bind"],
    ]

    /// The environment Kubernetes injects: `HOSTNAME` and the service links (`<SVC>_SERVICE_HOST`, `_SERVICE_PORT*`,
    /// `<SVC>_PORT*`), addresses IPv4. A match is allowed only if the name is not a declared variable's.
    static let dynamicEnv = [
        "^HOSTNAME=[A-Za-z0-9_.-]+$",
        "^[A-Z][A-Z0-9_]*_SERVICE_HOST=([0-9]{1,3}\\.){3}[0-9]{1,3}$",
        "^[A-Z][A-Z0-9_]*_SERVICE_PORT(_[A-Z0-9_]+)?=[0-9]{1,5}$",
        "^[A-Z][A-Z0-9_]*_PORT=(tcp|udp|sctp)://([0-9]{1,3}\\.){3}[0-9]{1,3}:[0-9]{1,5}$",
        "^[A-Z][A-Z0-9_]*_PORT_[0-9]{1,5}_(TCP|UDP|SCTP)=(tcp|udp|sctp)://([0-9]{1,3}\\.){3}[0-9]{1,3}:[0-9]{1,5}$",
        "^[A-Z][A-Z0-9_]*_PORT_[0-9]{1,5}_(TCP|UDP|SCTP)_(PROTO=(tcp|udp|sctp)|PORT=[0-9]{1,5}|ADDR=([0-9]{1,3}\\.){3}[0-9]{1,3})$",
    ]

    /// Generates the policy from YAML text.
    /// - Parameter pins: image references as written in the YAML → the same references pinned by digest
    ///   (`name:tag@sha256:…`), as a registry resolved them for the caller.
    /// - Throws: ``GeneratorError`` naming the object and field at fault.
    public static func generate(yaml: String, pins: [String: String] = [:]) throws(GeneratorError) -> Output {
        var documents: [[String: Any]] = []
        do {
            let parser = try Parser(yaml: yaml)
            while let node = try parser.nextRoot() {
                guard let object = node.any as? [String: Any] else { continue }
                documents.append(object)
            }
        } catch {
            throw GeneratorError("not YAML: \(error)")
        }
        var configMaps: [String: [String: [UInt8]]] = [:]
        var secrets: [String: [String: [UInt8]]] = [:]
        var podSpec: [String: Any]?
        var podName = ""
        var annotations: [String: String] = [:]
        for document in documents {
            let kind = document["kind"] as? String ?? ""
            let metadata = document["metadata"] as? [String: Any] ?? [:]
            let name = metadata["name"] as? String ?? ""
            switch kind {
            case "ConfigMap":
                var entries: [String: [UInt8]] = [:]
                for (key, value) in document["data"] as? [String: Any] ?? [:] { entries[key] = Array("\(value)".utf8) }
                configMaps[name] = entries
            case "Secret":
                var entries: [String: [UInt8]] = [:]
                for (key, value) in document["data"] as? [String: Any] ?? [:] {
                    guard let decoded = Data(base64Encoded: "\(value)") else { throw GeneratorError("Secret \(name): data.\(key) is not base64") }
                    entries[key] = Array(decoded)
                }
                for (key, value) in document["stringData"] as? [String: Any] ?? [:] { entries[key] = Array("\(value)".utf8) }
                secrets[name] = entries
            case "Pod", "Deployment", "Job", "StatefulSet", "DaemonSet", "ReplicaSet":
                guard podSpec == nil else { throw GeneratorError("more than one pod in the YAML") }
                podName = name
                if kind == "Pod" {
                    podSpec = document["spec"] as? [String: Any]
                    annotations = metadata["annotations"] as? [String: String] ?? [:]
                } else {
                    let template = (document["spec"] as? [String: Any])?["template"] as? [String: Any]
                    podSpec = template?["spec"] as? [String: Any]
                    annotations = (template?["metadata"] as? [String: Any])?["annotations"] as? [String: String] ?? [:]
                    if let templateName = (template?["metadata"] as? [String: Any])?["name"] as? String { podName = templateName }
                }
                guard podSpec != nil else { throw GeneratorError("\(kind) \(name): no pod spec") }
            default: continue
            }
        }
        guard let spec = podSpec else { throw GeneratorError("no Pod, Deployment or Job in the YAML") }
        let volumes = spec["volumes"] as? [[String: Any]] ?? []
        var files: [[String: Any]] = []
        var volumeKinds: [String: String] = [:]
        for volume in volumes {
            guard let name = volume["name"] as? String else { throw GeneratorError("a volume has no name") }
            if let configMap = volume["configMap"] as? [String: Any], let source = configMap["name"] as? String {
                guard let entries = configMaps[source] else { throw GeneratorError("volume \(name): ConfigMap \(source) is not in the YAML") }
                files += entries.sorted { $0.key < $1.key }.map { ["name": $0.key, "sha256": Hex.encode(Array(SHA256.hash(data: $0.value)))] }
                volumeKinds[name] = "configMap"
            } else if let secret = volume["secret"] as? [String: Any], let source = secret["secretName"] as? String {
                guard let entries = secrets[source] else { throw GeneratorError("volume \(name): Secret \(source) is not in the YAML") }
                files += entries.sorted { $0.key < $1.key }.map { ["name": $0.key, "sha256": Hex.encode(Array(SHA256.hash(data: $0.value)))] }
                volumeKinds[name] = "secret"
            } else if volume["emptyDir"] != nil {
                volumeKinds[name] = "emptyDir"
            } else {
                throw GeneratorError("volume \(name): only configMap, secret and emptyDir volumes are supported")
            }
        }
        let copyFiles = annotations["io.hermetic/copy-files"] == "true"
        let readStream = annotations["io.hermetic/logs"] != "false"
        var containers: [[String: Any]] = []
        var order: [[String: Any]] = []
        var secretEnvironment: [String: [String]] = [:]
        for (isInit, key) in [(true, "initContainers"), (false, "containers")] {
            for container in spec[key] as? [[String: Any]] ?? [] {
                var container = container
                if let image = container["image"] as? String, let pinned = pins[image] { container["image"] = pinned }
                var secretValues: [String] = []
                let entry = try describe(container, pod: spec, annotations: annotations, volumeKinds: volumeKinds,
                                         configMaps: configMaps, secrets: secrets, copyFiles: copyFiles, secretValues: &secretValues)
                if !secretValues.isEmpty, let name = entry["name"] as? String { secretEnvironment[name] = secretValues }
                containers.append(entry)
                order.append(["name": entry["name"] ?? "", "init": isInit])
            }
        }
        guard !containers.isEmpty else { throw GeneratorError("the pod has no containers") }
        let data: [String: Any] = [
            "pause_args": ["/pause"], "default_caps": defaultCaps, "default_mounts": defaultMounts,
            "dynamic_env": dynamicEnv, "files": files, "containers": containers, "hermetic": ["containers": order],
            "read_stream": readStream,
        ]
        guard let json = try? JSONSerialization.data(withJSONObject: data, options: [.sortedKeys, .prettyPrinted]),
              let text = String(data: json, encoding: .utf8) else { throw GeneratorError("cannot write policy_data") }
        var output = Output(policyData: text, policy: HermeticRules.source + "\npolicy_data := " + text + "\n")
        output.podName = podName
        output.secretEnvironment = secretEnvironment
        return output
    }

    private static func describe(_ container: [String: Any], pod: [String: Any], annotations: [String: String],
                                 volumeKinds: [String: String], configMaps: [String: [String: [UInt8]]],
                                 secrets: [String: [String: [UInt8]]], copyFiles: Bool,
                                 secretValues: inout [String]) throws(GeneratorError) -> [String: Any] {
        guard let name = container["name"] as? String else { throw GeneratorError("a container has no name") }
        guard let image = container["image"] as? String else { throw GeneratorError("container \(name): no image") }
        guard image.contains("@sha256:") else {
            throw GeneratorError("container \(name): image \(image) is not pinned by digest (name@sha256:…; or give --registry)", unpinnedImage: image)
        }
        guard let command = container["command"] as? [String] else {
            throw GeneratorError("container \(name): no command (the image's entrypoint is not read, so it cannot be pinned)")
        }
        let args = command + (container["args"] as? [String] ?? [])
        var env: [String] = []
        var secretEnv: [[String: String]] = []
        for variable in container["env"] as? [[String: Any]] ?? [] {
            guard let key = variable["name"] as? String else { throw GeneratorError("container \(name): an env entry has no name") }
            if let value = variable["value"] {
                env.append("\(key)=\(value)")
            } else if let from = variable["valueFrom"] as? [String: Any] {
                if let ref = from["configMapKeyRef"] as? [String: Any], let map = ref["name"] as? String, let item = ref["key"] as? String,
                   let bytes = configMaps[map]?[item] {
                    env.append("\(key)=\(String(decoding: bytes, as: UTF8.self))")
                } else if let ref = from["secretKeyRef"] as? [String: Any], let secret = ref["name"] as? String,
                          let item = ref["key"] as? String, let bytes = secrets[secret]?[item] {
                    // Bound by digest: the policy travels in init-data, which the host sees.
                    guard let text = String(validating: bytes, as: UTF8.self), !text.utf8.contains(0) else {
                        throw GeneratorError("container \(name): env \(key): Secret \(secret) key \(item) is not text without NUL bytes")
                    }
                    secretEnv.append(["name": key, "sha256": Hex.encode(Array(SHA256.hash(data: bytes)))])
                    secretValues.append("\(key)=\(text)")
                } else {
                    throw GeneratorError("container \(name): env \(key): only literal values and ConfigMap/Secret keys in the YAML are supported")
                }
            } else {
                env.append("\(key)=")
            }
        }
        var mounts: [[String: Any]] = []
        for mount in container["volumeMounts"] as? [[String: Any]] ?? [] {
            guard let volume = mount["name"] as? String, let path = mount["mountPath"] as? String, let kind = volumeKinds[volume] else {
                throw GeneratorError("container \(name): a volume mount names no declared volume")
            }
            let readonly = kind != "emptyDir" || (mount["readOnly"] as? Bool ?? false)
            let source = kind == "emptyDir"
                ? "^/run/kata-containers/sandbox/(ephemeral|storage)/[A-Za-z0-9._-]+$"
                : "^/run/kata-containers/shared/containers/[A-Za-z0-9._-]+$"
            mounts.append(["destination": path, "type": "bind", "source": source, "readonly": readonly])
        }
        let security = container["securityContext"] as? [String: Any] ?? [:]
        let podSecurity = pod["securityContext"] as? [String: Any] ?? [:]
        let runAsUser: Any = security["runAsUser"] ?? podSecurity["runAsUser"] ?? NSNull()
        var exec: [[String]] = []
        if let text = annotations["io.hermetic/exec.\(name)"] {
            guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String]] else {
                throw GeneratorError("annotation io.hermetic/exec.\(name) must be a JSON array of argument arrays")
            }
            exec = parsed
        }
        return [
            "name": name, "image": image, "args": args, "env": env, "secret_env": secretEnv, "mounts": mounts,
            "run_as_user": runAsUser,
            "no_new_privileges": (security["allowPrivilegeEscalation"] as? Bool) == false,
            "privileged": security["privileged"] as? Bool ?? false, "exec": exec, "copy_files": copyFiles,
        ]
    }
}
