/// Hermetic's own agent policy rules: Rego with Kata's rule names (package `agent_policy`, one rule per request
/// type, `{"allowed", "ops"}` state updates under `data.pstate`), decided against a `policy_data` document that
/// Hermetic's generator writes from the pod's YAML. A policy file is these rules followed by
/// `policy_data := {…}`, the same shape as a genpolicy output, so either kind loads the same way.
///
/// `policy_data` fields: `containers` (each `name`, `image` pinned to a digest, `args`, `env` as `NAME=value`,
/// `secret_env` (variables from Secrets: `name` and the `sha256` of the value, never the value),
/// `mounts` (`destination`, `type`, `source` regex, `readonly`), `run_as_user` or `null`, `no_new_privileges`,
/// `privileged`, `exec` (the commands `ExecProcess` may run; empty unless the YAML allows exec by annotation),
/// `copy_files` (whether CopyFile is allowed at all)), `files` (ConfigMap and Secret entries: `name` (the file
/// name) and `sha256` of the content), `default_mounts` (the runtime's own mounts: `destination`, `type`),
/// `dynamic_env` (regexes for the environment the host injects, such as `*_SERVICE_HOST`), `pause_args`, and
/// `hermetic.containers` (the declared order, for the Servicer), and `read_stream` (whether the host may read the
/// containers' output; absent means no).
///
/// The dynamic-environment rule: a variable the pod did not declare is allowed only if it matches one of
/// `dynamic_env` **and** its name is not the name of any declared variable, so the host can add service links but
/// never override or shadow what the pod spec set.
public enum HermeticRules {
    /// The rules' Rego source.
    public static let source = #"""
package agent_policy

default CreateSandboxRequest := false
default CreateContainerRequest := false
default StartContainerRequest := true
default RemoveContainerRequest := true
default SignalProcessRequest := true
default WaitProcessRequest := true
default DestroySandboxRequest := true
default GetOOMEventRequest := true
default StatsContainerRequest := true
default GuestDetailsRequest := true
default UpdateInterfaceRequest := true
default UpdateRoutesRequest := true
default AddARPNeighborsRequest := true
default OnlineCPUMemRequest := true
default TtyWinResizeRequest := true
default CloseStdinRequest := true
default ExecProcessRequest := false
default CopyFileRequest := false
default ReadStreamRequest := false
default WriteStreamRequest := false
default UpdateContainerRequest := false
default PullImageRequest := false
default SetPolicyRequest := false

CreateSandboxRequest if {
	count(object.get(input, "kernel_modules", [])) == 0
	object.get(input, "guest_hook_path", "") == ""
	object.get(input, "sandbox_pidns", false) == false
}

# The pause container.
CreateContainerRequest := {"allowed": true, "ops": [state_op(input.container_id, "")]} if {
	input.OCI.Annotations["io.kubernetes.cri.container-type"] == "sandbox"
	input.OCI.Process.Args == policy_data.pause_args
}

CreateContainerRequest := {"allowed": true, "ops": [state_op(input.container_id, name)]} if {
	annotations := input.OCI.Annotations
	annotations["io.kubernetes.cri.container-type"] == "container"
	name := annotations["io.kubernetes.cri.container-name"]
	some c in policy_data.containers
	c.name == name
	annotations["io.kubernetes.cri.image-name"] == c.image
	input.OCI.Process.Args == c.args
	env_allowed(object.get(input.OCI.Process, "Env", []), c.env, object.get(c, "secret_env", []))
	mounts_allowed(object.get(input.OCI, "Mounts", []), c.mounts)
	object.get(input.OCI.Process, "NoNewPrivileges", false) == c.no_new_privileges
	user_allowed(input.OCI.Process, c)
	capabilities_allowed(input.OCI.Process, c)
}

state_op(id, name) := {"op": "add", "path": concat("/", ["", "pstate", id]), "value": name}

env_allowed(env, declared, secrets) if {
	every d in declared { d in env }
	every s in secrets {
		some e in env
		secret_matches(e, s)
	}
	declared_names := {split(d, "=")[0] | some d in declared} | {s.name | some s in secrets}
	every e in env {
		env_entry_allowed(e, declared, secrets, declared_names)
	}
}

# A variable from a Secret is bound by the SHA-256 of its value, so the policy (and the init-data the host sees)
# never holds the secret itself.
secret_matches(e, s) if {
	startswith(e, concat("", [s.name, "="]))
	crypto.sha256(trim_prefix(e, concat("", [s.name, "="]))) == s.sha256
}

env_entry_allowed(e, declared, _, _) if e in declared

env_entry_allowed(e, _, secrets, _) if {
	some s in secrets
	secret_matches(e, s)
}

env_entry_allowed(e, declared, _, declared_names) if {
	not e in declared
	not split(e, "=")[0] in declared_names
	some pattern in policy_data.dynamic_env
	regex.match(pattern, e)
}

mounts_allowed(mounts, declared) if {
	every d in declared {
		some m in mounts
		mount_matches(m, d)
	}
	every m in mounts {
		mount_known(m, declared)
	}
}

mount_known(m, declared) if {
	some d in declared
	mount_matches(m, d)
}

mount_known(m, _) if {
	some d in policy_data.default_mounts
	m.destination == d.destination
	m.type == d.type
}

mount_matches(m, d) if {
	m.destination == d.destination
	m.type == d.type
	regex.match(d.source, m.source)
	readonly_ok(m, d)
}

readonly_ok(_, d) if d.readonly == false

readonly_ok(m, d) if {
	d.readonly == true
	"ro" in object.get(m, "options", [])
}

user_allowed(process, c) if c.run_as_user == null

user_allowed(process, c) if process.User.UID == c.run_as_user

capabilities_allowed(process, c) if c.privileged == true

capabilities_allowed(process, c) if {
	c.privileged == false
	caps := object.get(process, "Capabilities", {})
	every field in ["Bounding", "Effective", "Permitted"] {
		every cap in object.get(caps, field, []) { cap in policy_data.default_caps }
	}
}

ReadStreamRequest if object.get(policy_data, "read_stream", false) == true

ExecProcessRequest if {
	name := data.pstate[input.container_id]
	some c in policy_data.containers
	c.name == name
	some command in c.exec
	input.process.Args == command
}

CopyFileRequest if {
	input.file_type == "Directory"
	copy_path_allowed(input.path)
}

CopyFileRequest if {
	input.file_type == "Symlink"
	copy_path_allowed(input.path)
	not contains(input.symlink_target, "..")
	not startswith(input.symlink_target, "/")
}

CopyFileRequest if {
	object.get(input, "file_type", "Regular") == "Regular"
	copy_path_allowed(input.path)
	parts := split(input.path, "/")
	file_name := parts[count(parts) - 1]
	some f in policy_data.files
	f.name == file_name
	crypto.sha256(base64.decode(object.get(input, "data", ""))) == f.sha256
}

copy_path_allowed(path) if {
	some c in policy_data.containers
	c.copy_files == true
	regex.match(`^/run/kata-containers/shared/containers/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$`, path)
	not contains(path, "/../")
	not endswith(path, "/..")
}
"""#
}
