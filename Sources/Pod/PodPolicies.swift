/// The broker policies a vTPM pod is registered with.
public enum PodPolicies {
    /// The attestation policy id the pods' policy is stored under: the broker appraises every CPU-class evidence
    /// with `default_<class>`, so a broker dedicated to pods replaces Trustee's default (which reads only PCR 11
    /// for `tpm`). The policy is the same for every pod; what differs per pod is its registration.
    public static let attestationPolicyID = "default_cpu"

    /// An EAR appraisal policy for vTPM sandbox guests, over the pods registered in
    /// ``PodRegistration/referenceValueID``: `hardware` is affirmed when PCR 0–3 and 5–7 equal some pod's firmware
    /// (its golden boot), `executables` when PCR 4 (kernel and initrd) and PCR 9 (command line and initrd) are one
    /// pod's, `configuration` when PCR 4, 8 (init-data) and 9 are all that same pod's: a known kernel with another
    /// pod's init-data is not affirmed. Anything else keeps Trustee's defaults (33, 97, 36).
    public static let vtpmAttestation = """
        package policy

        import rego.v1

        default executables := 33

        default hardware := 97

        default configuration := 36

        default file_system := 0

        default instance_identity := 0

        default runtime_opaque := 0

        default storage_opaque := 0

        default sourced_data := 0

        trust_claims := {
        	"executables": executables,
        	"hardware": hardware,
        	"configuration": configuration,
        	"file-system": file_system,
        	"instance-identity": instance_identity,
        	"runtime-opaque": runtime_opaque,
        	"storage-opaque": storage_opaque,
        	"sourced-data": sourced_data,
        }

        pods := query_reference_value("vtpm_pods")

        firmware_matches(pod) if {
        	count(pod.firmware) == 7
        	every name, value in pod.firmware {
        		input.tpm[name] == value
        	}
        }

        hardware := 2 if {
        	input.tpm
        	some pod in pods
        	firmware_matches(pod)
        }

        executables := 3 if {
        	input.tpm
        	some pod in pods
        	input.tpm.pcr04 == pod.pcr04
        	input.tpm.pcr09 == pod.pcr09
        }

        configuration := 2 if {
        	input.tpm
        	some pod in pods
        	input.tpm.pcr04 == pod.pcr04
        	input.tpm.pcr08 == pod.pcr08
        	input.tpm.pcr09 == pod.pcr09
        }
        """

    /// The resource policy: a resource goes to a guest whose every submodule is affirming (Trustee's
    /// `affirming.rego` meaning) and whose PCR 0–9 are, all together, those of one registered pod that lists the
    /// resource's path. A pod's guest never receives another pod's resources, and a resource no pod lists goes to no
    /// one.
    public static let podResource = """
        package policy

        import rego.v1

        default allow := false

        allow if {
        	count(input.submods) > 0
        	not any_not_affirming
        	tpm := input.submods.cpu0["ear.veraison.annotated-evidence"].tpm
        	some pod in query_reference_value("vtpm_pods")
        	tpm.pcr04 == pod.pcr04
        	tpm.pcr08 == pod.pcr08
        	tpm.pcr09 == pod.pcr09
        	count(pod.firmware) == 7
        	every name, value in pod.firmware {
        		tpm[name] == value
        	}
        	concat("/", data["resource-path"]) in pod.resources
        }

        any_not_affirming if {
        	some submod in input.submods
        	submod["ear.status"] != "affirming"
        }
        """
}
