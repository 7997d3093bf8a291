import Attestation
import Crypto
import Foundation
import HermeticCore
import KBSClient
import KeyBroker
import Sandbox
import Storage
import TPM
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Where the pod test finds the kernel cache and the static agent, and the in-process broker it starts.
enum PodEnvironment {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `HERMETIC_VM_CACHE`, or `.build/vm-cache` (where `.ci/run` unpacks Debian's kernel package).
    static var cache: String {
        ProcessInfo.processInfo.environment["HERMETIC_VM_CACHE"] ?? packageRoot.appendingPathComponent(".build/vm-cache").path
    }

    static var kernel: KernelPackage? { KernelPackage.cached(in: cache).last }

    /// `HERMETIC_AGENT`, or the static release build `.ci/run` makes
    /// (`swift build -c release --product hermetic-agent --static-swift-stdlib -Xswiftc -static-executable`).
    static var agent: String? {
        let candidates: [String?] = [ProcessInfo.processInfo.environment["HERMETIC_AGENT"], packageRoot.appendingPathComponent(".build/release/hermetic-agent").path]
        return candidates.compactMap { $0 }.first { isStaticExecutable($0) }
    }

    /// An ELF executable without a program interpreter (PT_INTERP): the guest image carries no Swift runtime.
    static func isStaticExecutable(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path), data.count > 64 else { return false }
        let bytes = [UInt8](data.prefix(1 << 16))
        guard bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]), bytes[4] == 2 else { return false }
        func read(_ offset: Int, _ size: Int) -> Int {
            guard offset + size <= bytes.count else { return 0 }
            return (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        let phoff = read(0x20, 8), phentsize = read(0x36, 2), phnum = read(0x38, 2)
        guard phentsize > 0, phnum > 0 else { return false }
        for index in 0..<phnum where read(phoff + index * phentsize, 4) == 3 { return false }
        return true
    }

    static var available: Bool {
        HostTools.find("qemu-system-x86_64") != nil && HostTools.find("swtpm") != nil && HostTools.find("swtpm_setup") != nil
            && HostTools.find("busybox") != nil && FileManager.default.fileExists(atPath: "/usr/share/ovmf/OVMF.fd") && kernel != nil && agent != nil
    }

    static let skipMessage: Comment = """
        skipped: the pod test needs qemu-system-x86_64, swtpm, swtpm_setup, busybox, /usr/share/ovmf/OVMF.fd, Debian's kernel \
        unpacked under .build/vm-cache, and the static agent (swift build -c release --product hermetic-agent --static-swift-stdlib \
        -Xswiftc -static-executable, or HERMETIC_AGENT=PATH); .ci/run provides all of them
        """

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "/hermetic-pod-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A copy of `agent` without symbols (`strip`, when binutils is here), so the initramfs is half the size.
    static func stripped(_ agent: String, into directory: String) -> String {
        guard let strip = HostTools.find("strip") else { return agent }
        let output = "\(directory)/hermetic-agent"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: strip)
        process.arguments = ["--strip-all", "-o", output, agent]
        guard (try? process.run()) != nil else { return agent }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? output : agent
    }

    static let adminKey = Curve25519.Signing.PrivateKey()

    private static let goldens = Mutex<[String: GoldenPCRs]>([:])

    /// PCR 0–7 from one golden boot of `plain` per test run (the tests share the firmware, QEMU and RAM).
    static func golden(_ plain: GuestImage) throws -> GoldenPCRs {
        if let known = goldens.withLock({ $0[plain.key] }) { return known }
        let recorded = try GoldenPCRs.record(SandboxVM.Configuration(image: plain))
        goldens.withLock { $0[plain.key] = recorded }
        return recorded
    }

    /// A broker (SQLite store in a temporary file) that verifies `tpm` evidence only through EK binding to the vTPM's
    /// private local CA (its root and the issuer of the EK certificates): no AK is trusted otherwise.
    static func broker(ekCertificates: [String]) async throws -> KeyBroker {
        var verifiers = VerifierRegistry()
        verifiers.register(TPMAttestationVerifier(trust: AKTrust()))
        var configuration = BrokerConfiguration()
        configuration.tpmEKBinding = try TPMEKBinding.load(rootPaths: ekCertificates, required: true)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pod-broker-\(UUID().uuidString).sqlite").path
        return try await KeyBroker(
            store: try SQLiteStore(path: path, kek: .generate()), configuration: configuration, verifiers: verifiers,
            signer: await EARSigner(), admin: try await AdminAuthenticator(publicKeysPEM: [adminKey.publicKey.pemRepresentation])
        )
    }
}

struct PodTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Sends client requests straight to a broker, as the HTTP server would (the admin side of the test).
struct InProcessTransport: KBSTransport {
    let broker: KeyBroker

    func send(method: String, path: String, headers: [String: String], body: [UInt8]) async throws -> KBSHTTPResponse {
        let full = path.hasPrefix("/kbs/v0/") ? String(path.dropFirst("/kbs/v0/".count)) : path
        let parts = full.split(separator: "?", maxSplits: 1).map(String.init)
        let response = await broker.handle(BrokerRequest(method: method, path: parts[0], query: parts.count > 1 ? parts[1] : "", headers: headers, body: body, client: "pod-test"))
        return KBSHTTPResponse(status: response.status, headers: Dictionary(response.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { a, _ in a }), body: response.body)
    }
}
