import Benchmark
import EventLog
import Foundation
import TPM
#if canImport(Glibc)
import Glibc
#endif

/// The swtpm sample quotes (tpm2-tools files), the GCE go-tpm-tools evidence, and a real event log.
private enum Sample {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures")

    static func path(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
    static func bytes(_ name: String) -> [UInt8] { (try? Data(contentsOf: fixtures.appendingPathComponent(name))).map { [UInt8]($0) } ?? [] }

    static let time = ISO8601DateFormatter().date(from: "2026-11-21T00:00:00Z") ?? Date()
    static let nonce = bytes("tpm/swtpm-sample/nonce.bin")

    static func swtpm(_ quote: String, ak: String) throws -> (TPMEvidence, TPMVerifier) {
        let evidence = try TPMEvidence.tpm2Tools(
            message: bytes("tpm/swtpm-sample/\(quote).msg"), signature: bytes("tpm/swtpm-sample/\(quote).sig"), pcrs: bytes("tpm/swtpm-sample/\(quote).pcrs"))
        let trust = try AKTrust(files: [("ak", bytes("tpm/swtpm-sample/\(ak).tss.pub")), ("ek", bytes("tpm/swtpm-sample/ek.pub"))])
        return (evidence, TPMVerifier(trust: trust))
    }

    static func gce() throws -> (TPMEvidence, TPMVerifier) {
        let trust = try AKTrust(files: [("intermediate", bytes("tpm/_gcp-ca-certs/tpm_ek_intermediate_2.crt"))],
                                rootFiles: [("root", bytes("tpm/_gcp-ca-certs/tpm_ek_root_1.cer"))])
        return (try TPMEvidence.parse(bytes("tpm/gotpmtools-gce-cos-85/gce-cos-85-nonce9009.pb")), TPMVerifier(trust: trust))
    }

    static func tool(_ name: String) -> String? {
        ["/usr/bin", "/usr/local/bin", "/bin"].map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a program with posix_spawn (stdout and stderr to /dev/null) and returns its exit status.
    static func spawn(_ path: String, _ arguments: [String]) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status >> 8) & 0xFF
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock, .mallocCountTotal], maxDuration: .seconds(3))

    let rsa = try? Sample.swtpm("quote_rsa", ak: "ak_rsa")
    let ecc = try? Sample.swtpm("quote_ecc", ak: "ak_ecc")
    for (name, sample) in [("RSASSA-2048", rsa), ("ECDSA P-256", ecc)] {
        Benchmark("TPM quote verify, \(name) (swtpm sample: signature, qualified signer, PCR digest, nonce)") { benchmark in
            guard let (evidence, verifier) = sample else { return }
            for _ in benchmark.scaledIterations {
                blackHole(try verifier.verify(evidence, expectedNonce: .value(Sample.nonce), expectedInitData: .notProvided, at: Sample.time))
            }
        }
    }

    // The peer, on the same quote: tpm2_checkquote as a process (what an operator runs), so the figure includes
    // process start; compare with "hermetic verify" below for the like-for-like process figure.
    let checkquote = Sample.tool("tpm2_checkquote")
    Benchmark("tpm2_checkquote process, RSASSA-2048 (peer, same quote)") { benchmark in
        guard let checkquote else { return }
        let arguments = ["-u", Sample.path("tpm/swtpm-sample/ak_rsa.pem"), "-m", Sample.path("tpm/swtpm-sample/quote_rsa.msg"),
                         "-s", Sample.path("tpm/swtpm-sample/quote_rsa.sig"), "-f", Sample.path("tpm/swtpm-sample/quote_rsa.pcrs"),
                         "-g", "sha256", "-q", Sample.nonce.map { String(format: "%02x", $0) }.joined()]
        guard Sample.spawn(checkquote, arguments) == 0 else {
            FileHandle.standardError.write(Data("tpm2_checkquote rejected the sample; not measured\n".utf8))
            return
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Sample.spawn(checkquote, arguments)) }
    }

    // The cost of starting any process here, to separate it from tpm2_checkquote's own work.
    let floor = Sample.tool("true")
    Benchmark("process start floor (/bin/true, posix_spawn + waitpid)") { benchmark in
        guard let floor else { return }
        for _ in benchmark.scaledIterations { blackHole(Sample.spawn(floor, [])) }
    }

    let gce = try? Sample.gce()
    Benchmark("GCE go-tpm-tools evidence verify (3 quotes, AK certificate chain, event log replay)") { benchmark in
        guard let (evidence, verifier) = gce else { return }
        let nonce: [UInt8] = [0x90, 0x09]
        for _ in benchmark.scaledIterations {
            blackHole(try verifier.verify(evidence, expectedNonce: .value(nonce), expectedInitData: .notProvided, at: Sample.time))
        }
    }

    let log = gce?.0.eventLog ?? []
    Benchmark("Event log parse + replay (GCE COS 85, all banks)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(EventLogReplay(try TCGEventLog(bytes: log)))
        }
    }

    let ek = try? PublicArea(bytes: Sample.bytes("tpm/swtpm-sample/ekcert-chain/ek.pub"))
    let akName = Sample.bytes("tpm/swtpm-sample/ekcert-chain/ak.name")
    Benchmark("MakeCredential, RSA 2048 EK (the broker's EK-binding challenge)") { benchmark in
        guard let ek else { return }
        let secret = [UInt8](repeating: 7, count: 32)
        for _ in benchmark.scaledIterations { blackHole(try MakeCredential.protect(secret, for: akName, ek: ek)) }
    }
}
