/// The policies a fresh broker stores (never overwriting what an operator stored).
public enum DefaultPolicies {
    /// The store id of an attestation (appraisal) policy.
    static func attestationKey(_ id: String) -> String { "attestation/\(id)" }
    /// The store id of the resource policy.
    static let resourceKey = "resource/resource-policy"

    /// The default resource policy, with the meaning of Trustee's `kbs/sample_policies/default.rego`: release any
    /// resource through the resource plugin, except to a guest whose evidence came from the sample TEE.
    public static let resource = """
        package policy
        import rego.v1

        default allow := false

        allow if {
        	data.plugin == "resource"
        	not input.submods.cpu0["ear.veraison.annotated-evidence"].sample
        }
        """

    /// A resource policy that releases to any attested guest whose every submodule is affirming (Trustee's
    /// `affirming.rego` meaning).
    public static let affirming = """
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
