import Crypto
import Foundation
import OCI
import OCIURLSession
import TestSupport
import Testing

/// Token auth where the registry is the real judge: docker-registry configured with `auth: token` challenges every
/// request and checks each token's issuer, audience, lifetime, signature and certificate chain itself.
@Suite("Registry client: token auth checked by docker-registry", .enabled(if: Peer.find("docker-registry") != nil, "skipped: docker-registry is missing (apt-get install docker-registry; .ci/run installs it)"))
struct RegistryTokenAuthTests {
    @Test("push and pull through the registry's Bearer challenge, with basic credentials at the token service; none or wrong ones are refused")
    func pushAndPull() async throws {
        let scratch = try Scratch()
        let tokens = try await RegistryTokenService(user: "tenant", password: "s3cret")
        let registry = try LoopbackRegistry(storage: scratch.path + "/registry", tokenAuth: tokens.registryAuth)
        let layers = try TestImage.make(at: scratch.path + "/img", layerSizes: [10_000, 300_000])
        let reference = try ImageReference(parsing: "\(registry.host)/hermetic/private:v1")
        let client = RegistryClient(transport: URLSessionRegistryTransport(), plainHTTP: true, credentials: (user: "tenant", password: "s3cret"))
        try await client.push(from: LayoutReference(directory: scratch.path + "/img", tag: "latest"), to: reference)
        // A second client starts without a token, so its pull is challenged afresh.
        let reader = RegistryClient(transport: URLSessionRegistryTransport(), plainHTTP: true, credentials: (user: "tenant", password: "s3cret"))
        let pulled = try await reader.pull(reference, into: LayoutReference(directory: scratch.path + "/pulled", tag: nil))
        #expect(pulled.digest == (try ImageLayout(opening: scratch.path + "/img").resolve(tag: "latest")).digest)
        #expect(try TestImage.manifest(at: scratch.path + "/pulled", tag: "v1").layers == layers)

        for (name, credentials) in [("anonymous", nil), ("wrong password", (user: "tenant", password: "guess"))] as [(String, (user: String, password: String)?)] {
            let refused = RegistryClient(transport: URLSessionRegistryTransport(), plainHTTP: true, credentials: credentials)
            let destination = scratch.path + "/refused-\(name.replacingOccurrences(of: " ", with: "-"))"
            do {
                try await refused.pull(reference, into: LayoutReference(directory: destination, tag: nil))
                Issue.record("\(name): the pull succeeded")
            } catch let error as OCIError {
                #expect(error.message.contains("token service") && error.message.contains("401"), "\(name): \(error.message)")
            }
            #expect(!FileManager.default.fileExists(atPath: destination), "\(name)")
        }
    }

    @Test("a token whose certificate the registry does not trust is refused by the registry, and the error names the 401")
    func untrustedSigner() async throws {
        let scratch = try Scratch()
        let tokens = try await RegistryTokenService(user: "tenant", password: "s3cret", trustedKey: P384.Signing.PrivateKey())
        let registry = try LoopbackRegistry(storage: scratch.path + "/registry", tokenAuth: tokens.registryAuth)
        _ = try TestImage.make(at: scratch.path + "/img", layerSizes: [1_000])
        let client = RegistryClient(transport: URLSessionRegistryTransport(), plainHTTP: true, credentials: (user: "tenant", password: "s3cret"))
        do {
            try await client.push(from: LayoutReference(directory: scratch.path + "/img", tag: "latest"), to: try ImageReference(parsing: "\(registry.host)/hermetic/private:v1"))
            Issue.record("the push succeeded with an untrusted token")
        } catch let error as OCIError {
            // The registry's own refusal of the token it was given, not the token service's.
            #expect(error.message.contains("HTTP 401") && error.message.contains("UNAUTHORIZED") && !error.message.contains("token service"), "\(error.message)")
        }
    }
}
