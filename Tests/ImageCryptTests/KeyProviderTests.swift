import Attestation
import Crypto
import Foundation
import HermeticCore
import ImageCrypt
import ImageCryptKBS
import JOSE
import KeyBroker
import OCI
import Storage
import Testing

/// Sends client requests straight to a broker, as the HTTP server would.
private struct InProcessTransport: KBSTransport {
    let broker: KeyBroker

    func send(method: String, path: String, headers: [String: String], body: [UInt8]) async throws -> KBSHTTPResponse {
        let full = path.hasPrefix("/kbs/v0/") ? String(path.dropFirst("/kbs/v0/".count)) : path
        let parts = full.split(separator: "?", maxSplits: 1).map(String.init)
        let response = await broker.handle(BrokerRequest(
            method: method, path: parts.first ?? "", query: parts.count > 1 ? parts[1] : "", headers: headers, body: body, client: "test"
        ))
        return KBSHTTPResponse(
            status: response.status, headers: Dictionary(response.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { a, _ in a }),
            body: response.body
        )
    }
}

/// A broker in process with the sample TEE allowed; `affirming` sets reference values the sample claims meet and the
/// resource policy that releases to affirming attestations.
private struct Broker {
    let client: KBSClient
    let adminToken: String

    static func start(affirming: Bool) async throws -> Broker {
        let adminKey = Curve25519.Signing.PrivateKey()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("image-kbs-\(UUID().uuidString).sqlite").path
        let broker = try await KeyBroker(
            store: try SQLiteStore(path: path, kek: .generate()), configuration: BrokerConfiguration(),
            verifiers: VerifierRegistry(allowSample: true), signer: await EARSigner(),
            admin: try await AdminAuthenticator(publicKeysPEM: [adminKey.publicKey.pemRepresentation])
        )
        let client = KBSClient(transport: InProcessTransport(broker: broker))
        let token = try await AdminToken.make(privateKeyPEM: adminKey.pemRepresentation)
        if affirming {
            try await client.setReferenceValues([
                "launch_digest": .array([.string("abcde")]), "svn": .array([.string("1")]), "major_version": .int(1), "minimum_minor_version": .int(0),
            ], adminToken: token)
            try await client.setResourcePolicy(rego: DefaultPolicies.affirming, adminToken: token)
        }
        return Broker(client: client, adminToken: token)
    }
}

@Suite("Image encryption: the CoCo key provider (kbs://)")
struct KeyProviderTests {
    @Test func resourcePaths() throws {
        #expect(try KeyProviderPacket.resourcePath(of: "kbs:///default/image-kek/1") == "default/image-kek/1")
        #expect(try KeyProviderPacket.resourcePath(of: "kbs://10.0.0.1:8080/a/b/c") == "a/b/c")
        #expect(try KeyProviderPacket.resourcePath(of: "kbs+pkcs11:///a/b/c") == "a/b/c")
        for bad in ["kbs:///a/b", "kbs:///a/../c", "http:///a/b/c", "kbs:///a/b/c/d", "kbs:///a//c"] {
            #expect(throws: ImageCryptError(.malformed, "")) { try KeyProviderPacket.resourcePath(of: bad) }
        }
    }

    /// The packet as coco_keyprovider writes it: JSON members, AES-256-GCM with the tag appended and no AAD.
    @Test func packetLayout() throws {
        let kek = [UInt8](repeating: 9, count: 32)
        let packet = try KeyProviderPacket(wrapping: Array("{\"symkey\":\"x\"}".utf8), kek: kek, kid: "kbs:///default/key/1")
        let annotation = try packet.annotation()
        let decoded = try #require(Data(base64Encoded: annotation))
        let json = try #require(try JSONSerialization.jsonObject(with: decoded) as? [String: String])
        #expect(Set(json.keys) == ["kid", "wrapped_data", "iv", "wrap_type"])
        #expect(json["wrap_type"] == "A256GCM")
        let ivText = try #require(json["iv"])
        let wrappedText = try #require(json["wrapped_data"])
        let iv = try #require(Data(base64Encoded: ivText))
        let wrapped = try #require(Data(base64Encoded: wrappedText))
        let box = try AES.GCM.SealedBox(nonce: try AES.GCM.Nonce(data: iv), ciphertext: wrapped.dropLast(16), tag: wrapped.suffix(16))
        #expect(try AES.GCM.open(box, using: SymmetricKey(data: kek)) == Data("{\"symkey\":\"x\"}".utf8))
        #expect(try packet.unwrap(kek: kek) == Array("{\"symkey\":\"x\"}".utf8))
        #expect(throws: ImageCryptError(.noUsableKey, "")) { try packet.unwrap(kek: [UInt8](repeating: 8, count: 32)) }
    }

    @Test func brokerReleasesTheKEKToAnAttestedGuest() async throws {
        let scratch = try Scratch()
        let broker = try await Broker.start(affirming: true)
        let original = try TestImage.make(at: scratch.path + "/img", layerSizes: [20_000, 300_000])
        let wrapper = try await BrokerKeyProvisioning.provision(kid: "kbs:///default/image-kek/test", client: broker.client, adminToken: broker.adminToken)
        let jweKey = try TestKey(.p256, in: scratch)
        try await ImageEncryptor(wrappers: [wrapper, JWEKeyWrapper(recipients: [try PublicJWK(pem: jweKey.publicPEM)])])
            .encrypt(from: LayoutReference(directory: scratch.path + "/img", tag: "latest"), to: LayoutReference(directory: scratch.path + "/enc", tag: "latest"))
        let encrypted = try TestImage.manifest(at: scratch.path + "/enc")
        #expect(encrypted.layers.allSatisfy { $0.annotations?[EncryptionAnnotation.attestationAgent] != nil && $0.annotations?[EncryptionAnnotation.jwe] != nil })

        let source = BrokerKeySource(client: broker.client, evidence: SampleEvidenceSource())
        try await ImageDecryptor(unwrappers: [KeyProviderUnwrapper(source: source)])
            .decrypt(from: LayoutReference(directory: scratch.path + "/enc", tag: "latest"), to: LayoutReference(directory: scratch.path + "/dec", tag: "latest"))
        #expect(try TestImage.manifest(at: scratch.path + "/dec").layers == original)
        // The JWE recipient of the same image still decrypts on its own.
        try await ImageDecryptor(unwrappers: [JWEKeyUnwrapper(keys: [try PrivateJWK(pem: jweKey.privatePEM)])])
            .decrypt(from: LayoutReference(directory: scratch.path + "/enc", tag: "latest"), to: LayoutReference(directory: scratch.path + "/dec2", tag: "latest"))
        #expect(try TestImage.manifest(at: scratch.path + "/dec2").layers == original)
    }

    @Test func brokerRefusalIsAKeyProviderErrorAndNothingIsWritten() async throws {
        let scratch = try Scratch()
        let broker = try await Broker.start(affirming: false)
        try TestImage.make(at: scratch.path + "/img", layerSizes: [5000])
        let wrapper = try await BrokerKeyProvisioning.provision(kid: "kbs:///default/image-kek/denied", client: broker.client, adminToken: broker.adminToken)
        try await ImageEncryptor(wrappers: [wrapper])
            .encrypt(from: LayoutReference(directory: scratch.path + "/img", tag: "latest"), to: LayoutReference(directory: scratch.path + "/enc", tag: "latest"))
        let source = BrokerKeySource(client: broker.client, evidence: SampleEvidenceSource())
        await #expect(throws: ImageCryptError(.keyProvider, "")) {
            try await ImageDecryptor(unwrappers: [KeyProviderUnwrapper(source: source)])
                .decrypt(from: LayoutReference(directory: scratch.path + "/enc", tag: "latest"), to: LayoutReference(directory: scratch.path + "/dec", tag: "latest"))
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/dec"))
    }

    @Test func wrongKEKIsNoUsableKey() async throws {
        let scratch = try Scratch()
        try TestImage.make(at: scratch.path + "/img", layerSizes: [5000])
        let wrapper = try KeyProviderWrapper(kid: "kbs:///default/key/1", kek: [UInt8](repeating: 1, count: 32))
        try await ImageEncryptor(wrappers: [wrapper])
            .encrypt(from: LayoutReference(directory: scratch.path + "/img", tag: nil), to: LayoutReference(directory: scratch.path + "/enc", tag: nil))
        struct Fixed: KeyEncryptionKeySource {
            func keyEncryptionKey(at resourcePath: String) async throws -> [UInt8] { [UInt8](repeating: 2, count: 32) }
        }
        await #expect(throws: ImageCryptError(.noUsableKey, "")) {
            try await ImageDecryptor(unwrappers: [KeyProviderUnwrapper(source: Fixed())])
                .decrypt(from: LayoutReference(directory: scratch.path + "/enc", tag: nil), to: LayoutReference(directory: scratch.path + "/dec", tag: nil))
        }
    }
}
