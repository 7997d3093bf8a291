import Benchmark
import Crypto
import Foundation
import GuestAttester
import HermeticCore
import KBSClient
import SEVSNP
import Synchronization
import TPM

/// The guest agent's own share of attestation work, without the hardware: the sev-guest ABI round trip and the
/// Trustee `snp` JSON built from the report, an AAEL event recorded (extend + log append), an AAEL replayed, and a
/// sealed secret parsed and its ES256 signature checked. With `HERMETIC_SWTPM_PORT` set (a running swtpm, control
/// port one above), also the whole TPM evidence (AK derivation, quote over PCRs 0–23, PCR read, Trustee JSON); its
/// peer, tpm2-tools on the same swtpm, is `Benchmarks/peers/tpm2_quote_timing.sh`. Set-up stays outside the measured
/// closures.

/// A device that answers SNP_GET_EXT_REPORT with a fixed report and an empty certificate table, copying what the
/// kernel would copy: the cost measured is the driver's marshaling and the report's parse.
private struct CannedSEVGuest: SEVGuestIoctl {
    let report: [UInt8]

    func ioctl(_ request: UInt, _ argument: UnsafeMutableRawPointer) -> Int32 {
        let response = UInt(UInt64(littleEndian: argument.load(fromByteOffset: SEVGuestABI.GuestRequest.responseData, as: UInt64.self)))
        guard let pointer = UnsafeMutableRawPointer(bitPattern: response) else { return -14 }
        pointer.storeBytes(of: UInt32(0), toByteOffset: SEVGuestABI.ReportResponse.status, as: UInt32.self)
        pointer.storeBytes(of: UInt32(report.count).littleEndian, toByteOffset: SEVGuestABI.ReportResponse.reportSize, as: UInt32.self)
        (pointer + SEVGuestABI.ReportResponse.report).copyMemory(from: report, byteCount: report.count)
        return 0
    }
}

/// A SHA-256 register in memory.
private final class MemoryRegister: MeasurementRegister, Sendable {
    private let value = Mutex([UInt8](repeating: 0, count: 32))
    var algorithm: AAELAlgorithm { .sha256 }
    func read() throws -> [UInt8] { value.withLock { $0 } }
    func extend(_ digest: [UInt8]) throws { value.withLock { $0 = Array(SHA256.hash(data: $0 + digest)) } }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock, .mallocCountTotal], maxDuration: .seconds(3))

    Benchmark("SNP evidence: SNP_GET_EXT_REPORT marshaling, report parse, Trustee snp JSON") { benchmark in
        var report = AttestationReport()
        report.version = 3
        report.cpuid = AttestationReport.CPUID(family: 0x19, model: 0x01, stepping: 1)
        let source = SNPEvidenceSource(backend: .sevGuest(SEVGuestReport(device: CannedSEVGuest(report: report.encoded()))))
        let reportData = [UInt8](repeating: 0x42, count: 48)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try source.report(reportData: reportData).trusteeJSON().serialized())
        }
    }

    Benchmark("AAEL: record one PullImage event (SHA-256 extend, append to the log file)") { benchmark in
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bench-aael-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let measurements = try RuntimeMeasurements(register: MemoryRegister(), logPath: path)
        let event = try AAELEvent.pullImage("registry.local/app:1", digest: "sha256:" + String(repeating: "ab", count: 32))
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try measurements.record(event)
        }
    }

    Benchmark("AAEL: parse and replay a 1,000-event log") { benchmark in
        var log = AAEL(algorithm: .sha256, initial: [UInt8](repeating: 0, count: 32))
        for index in 0..<1000 { log.append(try .startContainer("c\(index)", image: "registry.local/app:1")) }
        let text = log.text
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try AAEL(text: text).replay())
        }
    }

    Benchmark("Sealed secret: parse and verify ES256") { benchmark in
        let key = P256.Signing.PrivateKey()
        let raw = Array(key.publicKey.rawRepresentation)
        let jwk = Array(JSONValue.object(["kty": .string("EC"), "crv": .string("P-256"), "x": .string(Base64.encodeURL(raw[0..<32])),
                                          "y": .string(Base64.encodeURL(raw[32..<64]))]).serialized().utf8)
        let sealed = try SealedSecret.seal(payload: SealedSecret.vaultPayload(try ResourceURI("kbs:///one/2/trois")), keyID: "kbs:///default/k/1", key: key)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try SealedSecret(sealed).verify(publicJWK: jwk)
        }
    }

    if let text = ProcessInfo.processInfo.environment["HERMETIC_SWTPM_PORT"], let port = UInt16(text) {
        Benchmark("TPM evidence on swtpm: AK (RSA) derivation, quote of PCRs 0–23, PCR read, Trustee tpm JSON",
                  configuration: .init(metrics: [.wallClock], maxDuration: .seconds(10), maxIterations: 30)) { benchmark in
            let source = TPMEvidenceSource(transport: { SwtpmTransport(host: "127.0.0.1", port: port, controlPort: port + 1) }, eventLogPath: nil)
            let reportData = [UInt8](repeating: 0x42, count: 48)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try await source.evidence(reportData: reportData))
            }
        }
    }
}
