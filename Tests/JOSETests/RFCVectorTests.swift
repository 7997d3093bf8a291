import HermeticCore
@testable import JOSE
import Testing

/// Vectors from the RFCs themselves (RFC 7516 Appendix A.1 and A.2, RFC 7518 Appendix C), checked independently with
/// python `cryptography` before being written here.
@Suite("JOSE: RFC vectors")
struct RFCVectorTests {
    static func b64(_ text: String) -> [UInt8] { Base64.decode(text) ?? [] }

    @Test("Concat KDF: RFC 7518 Appendix C (ECDH-ES, A128GCM, apu Alice, apv Bob)")
    func concatKDF() throws {
        let z: [UInt8] = [158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156,
                          251, 49, 110, 163, 218, 128, 106, 72, 246, 218, 167, 121, 140, 254, 144, 196]
        let key = ConcatKDF.derive(sharedSecret: z, keyBits: 128, algorithmID: "A128GCM", partyUInfo: Array("Alice".utf8), partyVInfo: Array("Bob".utf8))
        #expect(Base64.encodeURL(key) == "VqqN6vgjbSBcIijNcacQGg")
        // The agreement itself: Bob's key with Alice's ephemeral public key gives that Z.
        let bob = try PrivateJWK(p256Scalar: Self.b64("VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw"))
        guard case .ec(let ec) = bob.storage else { Issue.record("not an EC key"); return }
        let shared = try ec.sharedSecret(
            curve: .p256, x: Self.b64("gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0"), y: Self.b64("SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps")
        )
        #expect(shared == z)
        #expect(bob.publicJWK.json["x"]?.stringValue == "weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ")
        // A longer output takes a second round.
        #expect(ConcatKDF.derive(sharedSecret: z, keyBits: 512, algorithmID: "x").count == 64)
    }

    static let a1Compact = """
        eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.\
        OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDb\
        Sv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je8\
        1860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg.\
        48V1_ALb6US04U3b.\
        5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.\
        XFBoMYUZodetZdvTiFvSkQ
        """

    static func a1Key() throws -> PrivateJWK {
        try PrivateJWK(
            rsaN: b64("oahUIoWw0K0usKNuOR6H4wkf4oBUXHTxRvgb48E-BVvxkeDNjbC4he8rUWcJoZmds2h7M70imEVhRU5djINXtqllXI4DFqcI1DgjT9LewND8MW2Krf3Spsk_ZkoFnilakGygTwpZ3uesH-PFABNIUYpOiN15dsQRkgr0vEhxN92i2asbOenSZeyaxziK72UwxrrKoExv6kc5twXTq4h-QChLOln0_mtUZwfsRaMStPs6mS6XrgxnxbWhojf663tuEQueGC-FCMfra36C9knDFGzKsNa7LZK2djYgyD3JR_MB_4NUJW_TqOQtwHYbxevoJArm-L5StowjzGy-_bq6Gw"),
            e: b64("AQAB"),
            d: b64("kLdtIj6GbDks_ApCSTYQtelcNttlKiOyPzMrXHeI-yk1F7-kpDxY4-WY5NWV5KntaEeXS1j82E375xxhWMHXyvjYecPT9fpwR_M9gV8n9Hrh2anTpTD93Dt62ypW3yDsJzBnTnrYu1iwWRgBKrEYY46qAZIrA2xAwnm2X7uGR1hghkqDp0Vqj3kbSCz1XyfCs6_LehBwtxHIyh8Ripy40p24moOAbgxVw3rxT_vlt3UVe4WO3JkJOzlpUf-KTVI2Ptgm-dARxTEtE-id-4OJr0h-K-VFs3VSndVTIznSxfyrj8ILL6MG_Uv8YAu7VILSB3lOW085-4qE3DzgrTjgyQ"),
            p: b64("1r52Xk46c-LsfB5P442p7atdPUrxQSy4mti_tZI3Mgf2EuFVbUoDBvaRQ-SWxkbkmoEzL7JXroSBjSrK3YIQgYdMgyAEPTPjXv_hI2_1eTSPVZfzL0lffNn03IXqWF5MDFuoUYE0hzb2vhrlN_rKrbfDIwUbTrjjgieRbwC6Cl0"),
            q: b64("wLb35x7hmQWZsWJmB_vle87ihgZ19S8lBEROLIsZG4ayZVe9Hi9gDVCOBmUDdaDYVTSNx_8Fyw1YYa9XGrGnDew00J28cRUoeBB_jKI1oma0Orv1T9aXIWxKwd4gvxFImOWr3QRL9KEBRzk2RatUBnmDZJTIAfwTs0g68UZHvtc"),
            algorithm: .rsaOAEP
        )
    }

    @Test("RFC 7516 A.1: RSA-OAEP + A256GCM compact JWE decrypts to the RFC's plaintext")
    func rfc7516A1() throws {
        let plaintext = try JWE.decrypt(try CompactJWE(Self.a1Compact), with: try Self.a1Key())
        #expect(String(decoding: plaintext, as: UTF8.self) == "The true sign of intelligence is not knowledge but imagination.")
        var tampered = try CompactJWE(Self.a1Compact)
        tampered.flattened.tag = "XFBoMYUZodetZdvTiFvSkA"
        #expect(throws: JOSEError(.decryptionFailed, "")) { try JWE.decrypt(tampered, with: try Self.a1Key()) }
        #expect(try CompactJWE(Self.a1Compact).serialized == Self.a1Compact)
        #expect(throws: JOSEError(.malformed, "")) { try CompactJWE("a.b.c") }
    }

    @Test("RFC 7516 A.2: the RSA1_5 encrypted key opens to the RFC's content key")
    func rfc7516A2KeyUnwrap() throws {
        let key = try PrivateJWK(
            rsaN: Self.b64("sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw"),
            e: Self.b64("AQAB"),
            d: Self.b64("VFCWOqXr8nvZNyaaJLXdnNPXZKRaWCjkU5Q2egQQpTBMwhprMzWzpR8Sxq1OPThh_J6MUD8Z35wky9b8eEO0pwNS8xlh1lOFRRBoNqDIKVOku0aZb-rynq8cxjDTLZQ6Fz7jSjR1Klop-YKaUHc9GsEofQqYruPhzSA-QgajZGPbE_0ZaVDJHfyd7UUBUKunFMScbflYAAOYJqVIVwaYR5zWEEceUjNnTNo_CVSj-VvXLO5VZfCUAVLgW4dpf1SrtZjSt34YLsRarSb127reG_DUwg9Ch-KyvjT1SkHgUWRVGcyly7uvVGRSDwsXypdrNinPA4jlhoNdizK2zF2CWQ"),
            p: Self.b64("9gY2w6I6S6L0juEKsbeDAwpd9WMfgqFoeA9vEyEUuk4kLwBKcoe1x4HG68ik918hdDSE9vDQSccA3xXHOAFOPJ8R9EeIAbTi1VwBYnbTp87X-xcPWlEPkrdoUKW60tgs1aNd_Nnc9LEVVPMS390zbFxt8TN_biaBgelNgbC95sM"),
            q: Self.b64("uKlCKvKv_ZJMVcdIs5vVSU_6cPtYI1ljWytExV_skstvRSNi9r66jdd9-yBhVfuG4shsp2j7rGnIio901RBeHo6TPKWVVykPu1iYhQXw1jIABfw-MVsN-3bQ76WLdt2SDxsHs7q7zPyUyHXmps7ycZ5c72wGkUwNOjYelmkiNS0"),
            algorithm: .rsa1_5
        )
        let encryptedKey = Self.b64("UGhIOguC7IuEvf_NPVaXsGMoLOmwvc1GyqlIKOK1nN94nHPoltGRhWhw7Zx0-kFm1NJn8LE9XShH59_i8J0PH5ZZyNfGy2xGdULU7sHNF6Gp2vPLgNZ__deLKxGHZ7PcHALUzoOegEI-8E66jX2E4zyJKx-YxzZIItRzC5hlRirb6Y5Cl_p-ko3YvkkysZIFNPccxRU7qve1WYPxqbb2Yw8kZqa2rMWI5ng8OtvzlV7elprCbuPhcCdZ6XDP0_F8rkXds2vE4X-ncOIM8hAYHHi29NX0mcKiRaD0-D-ljQTP-cFPgwCp6X-nZZd9OHBv-B3oWh2TbqmScqXMR4gp_A")
        let cek = try key.unwrapKey(header: ProtectedHeader(algorithm: "RSA1_5", encryption: "A128CBC-HS256"), encryptedKey: encryptedKey)
        #expect(cek.withUnsafeBytes { Array($0) } == [4, 211, 31, 197, 84, 157, 252, 254, 11, 100, 157, 250, 63, 170, 106, 206,
                                                      107, 124, 212, 45, 111, 107, 9, 219, 200, 177, 0, 240, 143, 156, 44, 207])
    }

    @Test("the protected header is written as kbs-types re-serialises it (its test vector, and epk sorted)")
    func headerSerialization() throws {
        #expect(ProtectedHeader(algorithm: "fakealg", encryption: "fakeenc").encoded == "eyJhbGciOiJmYWtlYWxnIiwiZW5jIjoiZmFrZWVuYyJ9")
        let scrambled = #"{"epk":{"y":"Y","x":"X","kty":"EC","crv":"P-256"},"enc":"A256GCM","kid":"k","alg":"ECDH-ES+A256KW"}"#
        let header = try ProtectedHeader(json: Array(scrambled.utf8))
        #expect(header.serialized() == #"{"alg":"ECDH-ES+A256KW","enc":"A256GCM","epk":{"crv":"P-256","kty":"EC","x":"X","y":"Y"},"kid":"k"}"#)
        #expect(throws: JOSEError(.malformed, "")) { try ProtectedHeader(json: Array(#"{"enc":"A256GCM"}"#.utf8)) }
        #expect(throws: JOSEError(.malformed, "")) { try ProtectedHeader(encoded: "!!") }
    }
}
