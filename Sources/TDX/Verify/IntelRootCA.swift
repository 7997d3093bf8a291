import PKI

/// The Intel SGX Root CA (ECDSA P-256, valid 2018-05-21 to 2049-12-31), the one trust anchor of every DCAP quote:
/// it signs the PCK Platform and Processor CAs, the TCB signing certificate and the root CA CRL.
///
/// Source: Intel's `https://certificates.trustedservices.intel.com/Intel_SGX_Provisioning_Certification_RootCA.pem`,
/// as captured in tinfoilsh/verifier `attestation/sgx_root_ca.pem` (the same certificate dcap-qvl bundles as DER).
public enum IntelRootCA {
    /// The certificate in PEM.
    public static let pem = """
-----BEGIN CERTIFICATE-----
MIICjzCCAjSgAwIBAgIUImUM1lqdNInzg7SVUr9QGzknBqwwCgYIKoZIzj0EAwIw
aDEaMBgGA1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENv
cnBvcmF0aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJ
BgNVBAYTAlVTMB4XDTE4MDUyMTEwNDUxMFoXDTQ5MTIzMTIzNTk1OVowaDEaMBgG
A1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENvcnBvcmF0
aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJBgNVBAYT
AlVTMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC6nEwMDIYZOj/iPWsCzaEKi7
1OiOSLRFhWGjbnBVJfVnkY4u3IjkDYYL0MxO4mqsyYjlBalTVYxFP2sJBK5zlKOB
uzCBuDAfBgNVHSMEGDAWgBQiZQzWWp00ifODtJVSv1AbOScGrDBSBgNVHR8ESzBJ
MEegRaBDhkFodHRwczovL2NlcnRpZmljYXRlcy50cnVzdGVkc2VydmljZXMuaW50
ZWwuY29tL0ludGVsU0dYUm9vdENBLmRlcjAdBgNVHQ4EFgQUImUM1lqdNInzg7SV
Ur9QGzknBqwwDgYDVR0PAQH/BAQDAgEGMBIGA1UdEwEB/wQIMAYBAf8CAQEwCgYI
KoZIzj0EAwIDSQAwRgIhAOW/5QkR+S9CiSDcNoowLuPRLsWGf/Yi7GSX94BgwTwg
AiEA4J0lrHoMs+Xo5o/sX6O9QWxHRAvZUGOdRQ7cvqRXaqI=
-----END CERTIFICATE-----
"""

    /// The bundled root.
    ///
    /// - Throws: only if the bundled text was damaged at build time.
    public static func bundled() throws -> X509Certificate {
        try bundledRoot.get()
    }

    private static let bundledRoot = Result<X509Certificate, Error> {
        guard let der = try PEMFile.derDocuments(in: Array(pem.utf8), labels: ["CERTIFICATE"]).first else {
            throw TDXError(.certificateChain, "the bundled Intel SGX Root CA is not PEM")
        }
        return try X509Certificate(derEncoded: der)
    }
}
