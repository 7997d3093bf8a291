import Foundation
import ImageCrypt
import JOSE
import OCI
import Testing

/// Interoperability with ocicrypt through skopeo, both ways; skipped with a message when skopeo is missing
/// (`.ci/run` installs it).
@Suite("Image encryption: skopeo interop", .enabled(if: Peer.skopeo != nil, "skipped: skopeo is missing (apt-get install skopeo; .ci/run installs it)"))
struct SkopeoInteropTests {
    static let recipientSets: [[TestKey.Kind]] = [[.rsa], [.p256], [.p384], [.p521], [.rsa, .p256]]

    @Test("skopeo decrypts what Hermetic encrypted", arguments: recipientSets)
    func skopeoDecryptsHermetic(kinds: [TestKey.Kind]) async throws {
        let scratch = try Scratch()
        let keys = try kinds.map { try TestKey($0, in: scratch) }
        let original = try TestImage.make(at: scratch.path + "/img", layerSizes: [50_000, 3_000_000])
        try await ImageEncryptor(wrappers: [JWEKeyWrapper(recipients: try keys.map { try PublicJWK(pem: $0.publicPEM) })])
            .encrypt(from: try LayoutReference(parsing: "oci:\(scratch.path)/img:latest"), to: try LayoutReference(parsing: "oci:\(scratch.path)/enc:latest"))
        for (position, key) in keys.enumerated() {
            let result = try Peer.skopeoCopy(["--decryption-key", key.privatePath], from: "oci:\(scratch.path)/enc:latest", to: "oci:\(scratch.path)/dec\(position):latest")
            #expect(result.status == 0, "skopeo: \(result.output)")
            #expect(try TestImage.manifest(at: scratch.path + "/dec\(position)").layers == original)
        }
    }

    @Test("Hermetic decrypts what skopeo encrypted", arguments: recipientSets)
    func hermeticDecryptsSkopeo(kinds: [TestKey.Kind]) async throws {
        let scratch = try Scratch()
        let keys = try kinds.map { try TestKey($0, in: scratch) }
        let original = try TestImage.make(at: scratch.path + "/img", layerSizes: [50_000, 3_000_000])
        let options = keys.flatMap { ["--encryption-key", "jwe:" + $0.publicPath] }
        let result = try Peer.skopeoCopy(options, from: "oci:\(scratch.path)/img:latest", to: "oci:\(scratch.path)/enc:latest")
        try #require(result.status == 0, "skopeo: \(result.output)")
        let encrypted = try TestImage.manifest(at: scratch.path + "/enc")
        #expect(encrypted.layers.allSatisfy { $0.mediaType.hasSuffix("+encrypted") })
        for (position, key) in keys.enumerated() {
            try await ImageDecryptor(unwrappers: [JWEKeyUnwrapper(keys: [try PrivateJWK(pem: key.privatePEM)])])
                .decrypt(from: try LayoutReference(parsing: "oci:\(scratch.path)/enc:latest"), to: try LayoutReference(parsing: "oci:\(scratch.path)/dec\(position):latest"))
            #expect(try TestImage.manifest(at: scratch.path + "/dec\(position)").layers == original)
        }
    }

    @Test("skopeo refuses a wrong key for Hermetic's image")
    func skopeoRefusesWrongKey() async throws {
        let scratch = try Scratch()
        let key = try TestKey(.rsa, in: scratch)
        let wrong = try TestKey(.rsa, in: scratch)
        try TestImage.make(at: scratch.path + "/img", layerSizes: [1000])
        try await ImageEncryptor(wrappers: [JWEKeyWrapper(recipients: [try PublicJWK(pem: key.publicPEM)])])
            .encrypt(from: try LayoutReference(parsing: "oci:\(scratch.path)/img:latest"), to: try LayoutReference(parsing: "oci:\(scratch.path)/enc:latest"))
        let result = try Peer.skopeoCopy(["--decryption-key", wrong.privatePath], from: "oci:\(scratch.path)/enc:latest", to: "oci:\(scratch.path)/dec:latest")
        #expect(result.status != 0)
    }
}

/// Private keys as openssl writes them: PKCS#8, PKCS#1 (`-traditional`) and SEC1.
@Suite("PEM private keys from openssl", .enabled(if: Peer.openssl != nil, "skipped: openssl is missing"))
struct OpenSSLKeyFormatTests {
    @Test(arguments: [
        ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        ["genrsa", "-traditional", "-out", "OUT", "2048"],
        ["ecparam", "-name", "prime256v1", "-genkey", "-noout"],
        ["ecparam", "-name", "secp384r1", "-genkey", "-noout"],
        ["ecparam", "-name", "secp521r1", "-genkey", "-noout"],
        ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    ])
    func opensslKeysDecrypt(arguments: [String]) async throws {
        let openssl = try #require(Peer.openssl)
        let scratch = try Scratch()
        let privatePath = scratch.path + "/key.pem"
        let publicPath = scratch.path + "/pub.pem"
        let command = arguments.contains("OUT") ? arguments.map { $0 == "OUT" ? privatePath : $0 } : arguments + ["-out", privatePath]
        try #require(try Peer.run(openssl, command).status == 0)
        try #require(try Peer.run(openssl, ["pkey", "-in", privatePath, "-pubout", "-out", publicPath]).status == 0)
        let privatePEM = try String(contentsOfFile: privatePath, encoding: .utf8)
        let publicPEM = try String(contentsOfFile: publicPath, encoding: .utf8)
        let original = try TestImage.make(at: scratch.path + "/img", layerSizes: [5000])
        try await ImageEncryptor(wrappers: [JWEKeyWrapper(recipients: [try PublicJWK(pem: publicPEM)])])
            .encrypt(from: try LayoutReference(parsing: "oci:\(scratch.path)/img"), to: try LayoutReference(parsing: "oci:\(scratch.path)/enc"))
        try await ImageDecryptor(unwrappers: [JWEKeyUnwrapper(keys: [try PrivateJWK(pem: privatePEM)])])
            .decrypt(from: try LayoutReference(parsing: "oci:\(scratch.path)/enc"), to: try LayoutReference(parsing: "oci:\(scratch.path)/dec"))
        #expect(try TestImage.manifest(at: scratch.path + "/dec").layers == original)
    }
}
