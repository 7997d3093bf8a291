/// The broker policies a vTPM pod is registered with.
public enum PodPolicies {
    /// The attestation policy id the pod's policy is stored under: the broker appraises every CPU-class evidence
    /// with `default_<class>`, so a broker dedicated to pods replaces Trustee's default (which reads only PCR 11
    /// for `tpm`).
    public static let attestationPolicyID = "default_cpu"

    /// An EAR appraisal policy for a vTPM sandbox guest: `hardware` is affirmed when PCR 0–3 and 5–7 equal the
    /// golden boot's (`tpm_pcr00`…), `executables` when PCR 4 (kernel and initrd) and PCR 9 (command line and
    /// initrd) equal the computed values, `configuration` when PCR 8 equals the init-data binding. Anything else
    /// keeps Trustee's defaults (33, 97, 36): a warning or contraindicated status.
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

        firmware_matches if {
        	input.tpm.pcr00 in query_reference_value("tpm_pcr00")
        	input.tpm.pcr01 in query_reference_value("tpm_pcr01")
        	input.tpm.pcr02 in query_reference_value("tpm_pcr02")
        	input.tpm.pcr03 in query_reference_value("tpm_pcr03")
        	input.tpm.pcr05 in query_reference_value("tpm_pcr05")
        	input.tpm.pcr06 in query_reference_value("tpm_pcr06")
        	input.tpm.pcr07 in query_reference_value("tpm_pcr07")
        }

        hardware := 2 if {
        	input.tpm
        	firmware_matches
        }

        executables := 3 if {
        	input.tpm
        	input.tpm.pcr04 in query_reference_value("tpm_pcr04")
        	input.tpm.pcr09 in query_reference_value("tpm_pcr09")
        }

        configuration := 2 if {
        	input.tpm
        	input.tpm.pcr08 in query_reference_value("tpm_pcr08")
        }
        """

    /// The resource policy: release only to a guest whose every submodule is affirming (Trustee's `affirming.rego`
    /// meaning, as `KeyBroker`'s `DefaultPolicies.affirming`).
    public static let affirmingResource = """
        package policy
        import rego.v1

        default allow := false

        allow if {
        	count(input.submods) > 0
        	not any_not_affirming
        }

        any_not_affirming if {
        	some submod in input.submods
        	submod["ear.status"] != "affirming"
        }
        """
}
