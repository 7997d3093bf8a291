import ArgumentParser
import Attestation
import Foundation
import HermeticCore
import SEVSNP
import TPM

/// `hermetic verify`: check one piece of evidence and print its claims.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify attestation evidence and print its claims as JSON.",
        discussion: """
            On success the claims go to stdout and the exit code is 0. A failed check prints one line naming it on
            stderr and exits 1; unreadable input exits 2; missing collateral exits 3. With --json the verdict and any
            error are printed as one JSON object on stdout instead.
            """
    )

    @Option(help: "The TEE: snp, tdx, sgx, tpm, az-snp-vtpm, az-tdx-vtpm, or sample (development only).")
    var tee: String

    @Option(help: "The evidence file (binary, hex, or Trustee's evidence JSON). tpm: also tpm2-tools' quote.msg, with quote.sig and quote.pcrs beside it.")
    var evidence: String

    @Option(help: "Collateral file or directory; repeatable. tdx/sgx: Intel PCS responses or dcap-qvl collateral JSON. tpm: the AK (SPKI PEM/DER or TPM2B_PUBLIC), AK and intermediate certificates.")
    var collateral: [String] = []

    @Option(help: "Verification time (RFC 3339, e.g. 2025-06-01T00:00:00Z); default: now.")
    var at: String?

    @Option(name: .customLong("expect-report-data"), help: "Hex REPORT_DATA the evidence must carry (zero-padded).")
    var expectReportData: String?

    @Option(name: .customLong("expect-host-data"), help: "Hex HOST_DATA (init-data digest) the evidence must carry, or an init-data TOML file whose digest it must carry.")
    var expectHostData: String?

    @Option(name: .customLong("expect-mrconfigid"), help: "Hex MRCONFIGID (tdx) or CONFIGID (sgx) init-data digest the quote must carry (zero-padded), or an init-data TOML file.")
    var expectMRConfigID: String?

    @Option(help: "tdx/sgx: a root certificate replacing the bundled Intel SGX Root CA. tpm: the root an AK certificate must chain to.")
    var root: String?

    @Option(help: "Validation policy file (YAML or JSON).")
    var policy: String?

    @Flag(help: "Print the verdict, claims and any error as one JSON object.")
    var json = false

    @Flag(name: .customLong("allow-sample"), help: "Allow the unsigned sample TEE (development and CI only).")
    var allowSample = false

    func run() async throws {
        guard let tee = TEE(name: tee) else {
            throw ValidationError("unknown TEE \"\(self.tee)\"; known: \(TEE.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let time = try parseTime()
        let reportData = try expectation(expectReportData, option: "--expect-report-data")
        if expectHostData != nil, expectMRConfigID != nil {
            throw ValidationError("--expect-host-data and --expect-mrconfigid both give the init-data digest; pass one")
        }
        let hostData = try (expectHostData ?? expectMRConfigID).map {
            try InitDataFile.expectation($0, option: expectHostData != nil ? "--expect-host-data" : "--expect-mrconfigid")
        } ?? .notProvided
        do {
            guard let bytes = tee == .tpm ? try TPMEvidenceFiles.read(evidence, collateral: collateral)
                : tee == .azSNPvTPM || tee == .azTDXvTPM ? try TPMEvidenceFiles.readAzure(evidence) : FileManager.default.contents(atPath: evidence) else {
                throw InputError(description: "cannot read evidence file \(evidence)")
            }
            let verifier = try makeRegistry(for: tee).verifier(for: tee)
            let devices = try await verifier.evaluate(
                evidence: [UInt8](bytes), expectedReportData: reportData, expectedInitDataDigest: hostData, at: time
            )
            print(VerdictOutput.accepted(tee: tee, devices: devices, json: json))
        } catch let error as any ClassifiedError {
            let status = ExitStatus(error.kind)
            if json {
                print(VerdictOutput.failed(tee: tee, error: error, status: status))
            } else {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
            }
            throw ExitCode(status.rawValue)
        }
    }

    private func makeRegistry(for tee: TEE) throws -> VerifierRegistry {
        var registry = VerifierRegistry(allowSample: allowSample)
        switch tee {
        case .snp: registry.register(try SNPAttestationVerifier(collateralPaths: collateral, policyPath: policy))
        case .tdx, .sgx: registry.register(try DCAPAttestationVerifier(tee: tee, collateralPaths: collateral, rootPath: root, policyPath: policy))
        case .tpm: registry.register(try TPMAttestationVerifier(collateralPaths: collateral, rootPaths: root.map { [$0] } ?? []))
        case .azSNPvTPM: registry.register(try AzureSNPVTPMAttestationVerifier())
        case .azTDXvTPM: registry.register(try AzureTDXVTPMAttestationVerifier())
        default: break
        }
        return registry
    }

    private func parseTime() throws -> Date {
        guard let at else { return Date() }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: at) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: at) { return date }
        throw ValidationError("--at \"\(at)\" is not an RFC 3339 time such as 2025-06-01T00:00:00Z")
    }

    private func expectation(_ hex: String?, option: String) throws -> ExpectedData {
        guard let hex else { return .notProvided }
        guard let bytes = Hex.decode(hex) else { throw ValidationError("\(option) \"\(hex)\" is not hexadecimal") }
        return .value(bytes)
    }
}

/// Input the command itself cannot read.
struct InputError: ClassifiedError {
    let kind: FailureKind = .malformed
    let description: String
}
