import ArgumentParser
import Attestation
import Foundation
import HermeticCore
import HermeticServer
import KeyBroker
import TPM
import Logging

extension ServerExecutor: ExpressibleByArgument {}

/// `hermetic serve`: the Key Broker Service.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Key Broker Service (Trustee KBS protocol) on HTTP.",
        discussion: "Flags override the configuration file. Put TLS in front of it (a reverse proxy) for anything but loopback."
    )

    @Option(help: "A TOML configuration file.") var config: String?
    @Option(help: "HOST:PORT to listen on (default 127.0.0.1:8080).") var listen: String?
    @Option(help: "The store: sqlite:PATH, or postgres://user@host:port/database shared by replicas.") var store: String?
    @Option(name: .customLong("admin-public-key"), help: "An admin public key file (PEM, Ed25519 or P-256); repeatable.") var adminPublicKeys: [String] = []
    @Flag(help: "Accept the sample TEE (development only: its evidence proves nothing).") var allowSample = false
    @Flag(help: "Allow admin calls without a token when no admin key is configured (development only).") var insecureAdmin = false
    @Option(name: .customLong("rv-signer-key"), help: "A tenant public key (PEM: Ed25519, P-256 or P-384) that may sign reference value documents; repeatable.") var rvSignerKeys: [String] = []
    @Flag(name: .customLong("rv-require-signed"), help: "Refuse unsigned RVPS sample messages: reference values only from signed documents.") var rvRequireSigned = false
    @Option(help: "The key-encryption key file (32 bytes, 64 hex digits or base64).") var kekFile: String?
    @Option(help: "A P-256 PEM private key that signs EAR tokens (a fresh key per process when absent).") var earSigningKey: String?
    @Option(name: .customLong("snp-collateral"), help: """
        SEV-SNP collateral file or directory, repeatable: VCEK/VLEK certificates and CRLs for offline use, or an ASK/ARK \
        PEM chain that replaces the bundled AMD roots (e.g. a development chip's roots).
        """)
    var snpCollateral: [String] = []
    @Option(name: .customLong("tdx-collateral"), help: """
        Intel collateral (PCS responses or dcap-qvl collateral JSON), repeatable; when given, TDX and SGX quotes are \
        accepted and verified offline against it.
        """)
    var tdxCollateral: [String] = []
    @Option(name: .customLong("tpm-collateral"), help: "tpm: a trusted attestation key (SPKI PEM/DER or TPM2B_PUBLIC) or AK/intermediate certificate; repeatable. Enables the tpm TEE.") var tpmCollateral: [String] = []
    @Option(name: .customLong("tpm-root"), help: "tpm: a root AK certificates must chain to; repeatable. Enables the tpm TEE.") var tpmRoots: [String] = []
    @Option(name: .customLong("tpm-ek-root"), help: """
        tpm: a root or intermediate CA certificate (PEM/DER) EK certificates must chain to; repeatable. Enables EK \
        binding: a guest that sends its EK certificate and AK at auth must activate a credential for that AK.
        """)
    var tpmEKRoots: [String] = []
    @Flag(name: .customLong("tpm-ek-required"), help: "tpm: refuse guests that do not bind their AK to a certified EK (needs --tpm-ek-root).") var tpmEKRequired = false
    @Option(help: """
        Which threads run the broker's tasks: dispatch (Swift's default pool) or nio (NIO's event loops, one per core, \
        shared with HTTP; on Linux it keeps both cores busy where the default pool left one mostly idle).
        """)
    var executor: ServerExecutor = .dispatch

    func run() async throws {
        var configuration = try config.map(ServerConfiguration.load(file:)) ?? ServerConfiguration()
        if let listen { try configuration.setListen(listen) }
        if let store { configuration.store = store }
        if !adminPublicKeys.isEmpty { configuration.adminPublicKeyFiles = adminPublicKeys }
        if allowSample { configuration.allowSample = true }
        if insecureAdmin { configuration.insecureAdmin = true }
        if let kekFile { configuration.kekFile = kekFile }
        if let earSigningKey { configuration.earSigningKeyFile = earSigningKey }
        if !rvSignerKeys.isEmpty { configuration.referenceValueSignerKeyFiles = rvSignerKeys }
        if rvRequireSigned { configuration.broker.requireSignedReferenceValues = true }
        var verifiers = VerifierRegistry(allowSample: configuration.allowSample)
        verifiers.register(try SNPAttestationVerifier(collateralPaths: snpCollateral, policyPath: nil))
        verifiers.register(try AzureSNPVTPMAttestationVerifier())
        if !tpmCollateral.isEmpty || !tpmRoots.isEmpty {
            verifiers.register(try TPMAttestationVerifier(collateralPaths: tpmCollateral, rootPaths: tpmRoots))
        }
        if !tpmEKRoots.isEmpty {
            configuration.broker.tpmEKBinding = try TPMEKBinding.load(rootPaths: tpmEKRoots, required: tpmEKRequired)
            if tpmCollateral.isEmpty && tpmRoots.isEmpty { verifiers.register(TPMAttestationVerifier(trust: AKTrust())) }
        } else if tpmEKRequired {
            throw ValidationError("--tpm-ek-required needs --tpm-ek-root")
        }
        if !tdxCollateral.isEmpty {
            for tee in [TEE.tdx, .sgx] {
                verifiers.register(try DCAPAttestationVerifier(tee: tee, collateralPaths: tdxCollateral, rootPath: nil, policyPath: nil))
            }
        }
        let broker = try await BrokerServer.makeBroker(configuration, verifiers: verifiers)
        let server = BrokerServer(broker: broker, host: configuration.host, port: configuration.port)
        if configuration.allowSample { FileHandle.standardError.write(Data("warning: the sample TEE is accepted (--allow-sample): development only\n".utf8)) }
        let host = configuration.host
        try await server.run(handleSignals: true) { port in
            FileHandle.standardError.write(Data("hermetic serve: listening on \(host):\(port)\n".utf8))
        }
    }
}
