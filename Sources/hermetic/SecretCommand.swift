import ArgumentParser
import Crypto
import Foundation
import KBSClient

/// `hermetic secret`: Confidential Containers' sealed secrets, written offline by the tenant.
struct SecretCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret",
        abstract: "Seal secrets in Confidential Containers' format, for a Kubernetes Secret a guest opens with the broker.",
        subcommands: [Seal.self]
    )

    struct Seal: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seal",
            abstract: "Print a sealed secret (vault type) naming a broker resource, signed with a P-256 key.",
            discussion: """
                The output, sealed.<header>.<payload>.<signature>, goes into a Kubernetes Secret; a container taking it
                as an environment variable gets the resource's bytes instead, opened in the guest after attestation
                (the host sees only the sealed form). Store the resource at --resource's path and the public JWK
                (--public-jwk-out) at --key-id's path, and list both among the pod's resources (hermetic pod run
                --resource-file). Exit 2 for bad input.
                """
        )

        @Option(help: "The broker resource holding the secret, kbs:///REPO/TYPE/TAG.") var resource: String
        @Option(name: .customLong("key-id"), help: "Where the broker holds the signing key's public JWK, kbs:///REPO/TYPE/TAG.") var keyID: String
        @Option(name: .customLong("signing-key"), help: "The P-256 private key (PEM) that signs the sealed secret.") var signingKey: String
        @Option(name: .customLong("public-jwk-out"), help: "Write the signing key's public JWK here (the resource to store at --key-id).") var publicJWKOut: String?

        func run() throws {
            let uri: ResourceURI
            do {
                uri = try ResourceURI(resource)
                _ = try ResourceURI(keyID)
            } catch {
                throw ValidationError("--resource and --key-id must be kbs:///REPO/TYPE/TAG: \(error)")
            }
            let key: P256.Signing.PrivateKey
            do { key = try P256.Signing.PrivateKey(pemRepresentation: try readText(signingKey)) } catch let error as ValidationError {
                throw error
            } catch {
                throw ValidationError("--signing-key \(signingKey) is not a P-256 private key in PEM")
            }
            if let publicJWKOut {
                do { try Data(SealedSecret.publicJWK(key.publicKey)).write(to: URL(fileURLWithPath: publicJWKOut)) } catch {
                    throw ValidationError("cannot write --public-jwk-out \(publicJWKOut): \(error.localizedDescription)")
                }
            }
            print(try SealedSecret.seal(payload: SealedSecret.vaultPayload(uri), keyID: keyID, key: key))
        }
    }
}
