#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import Gate
import GuestAgent
import GuestAttester
import HermeticCore
import InitData
import KBSClient
import Testing
import TPM
import KeyBroker
import TestSupport

@Suite("hermetic-agent: control port lookup, the gate over a byte stream, boot with the init-data check, the executable")
struct AgentTests {
    static let policy = "package agent_policy\n\ndefault CreateSandboxRequest := true\n"

    static func temporary(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("the control port is found by name under /sys/class/virtio-ports; a missing name is an error naming it")
    func virtioPort() throws {
        let root = try Self.temporary("virtio")
        for (entry, name) in [("vport0p1", "org.qemu.guest_agent.0"), ("vport1p1", "hermetic.0")] {
            try FileManager.default.createDirectory(atPath: "\(root)/class/\(entry)", withIntermediateDirectories: true)
            try GuestFiles.write("\(root)/class/\(entry)/name", Array("\(name)\n".utf8), create: true)
        }
        let port = try VirtioPort(named: "hermetic.0", classRoot: "\(root)/class", deviceRoot: "\(root)/dev")
        #expect(port.devicePath == "\(root)/dev/vport1p1")
        let error = try #require(throws: GuestAttesterError.self) { try VirtioPort(named: "hermetic.1", classRoot: "\(root)/class") }
        #expect(error.message.contains("hermetic.1"))
        #expect(throws: GuestAttesterError.self) { try VirtioPort(named: "../x", classRoot: "\(root)/class") }
    }

    @Test("READY, then one reply per frame over a stream; a malformed header is answered and ends serving")
    func gateOverStream() throws {
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        defer { close(fds[1]) }
        let gate = Gate(policy: try AgentPolicy(source: Self.policy), executor: NoneExecutor())
        let serverFD = fds[0]
        let server = GateStreamServer(gate: gate, input: serverFD, output: serverFD)
        let ended = Mutex<GateStreamServer.End?>(nil)
        Thread.detachNewThread {
            server.announce("READY")
            let end = server.serve()
            ended.withLock { $0 = end }
            close(serverFD)
        }
        func readExactly(_ count: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count), offset = 0
            while offset < count {
                let got = bytes.withUnsafeMutableBytes { read(fds[1], $0.baseAddress! + offset, count - offset) }
                if got <= 0 { break }
                offset += got
            }
            return Array(bytes[0..<offset])
        }
        func exchange(_ frame: Frame) throws -> Frame {
            let bytes = FrameCodec.encode(frame)
            #expect(bytes.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) } == bytes.count)
            let header = readExactly(Frame.headerSize)
            let decoded = try FrameCodec.decodeHeader(header[...], limits: FrameLimits())
            return try FrameCodec.decode(header + readExactly(decoded.bodyLength))
        }
        #expect(readExactly(6) == Array("READY\n".utf8))
        #expect(try exchange(.order(.createSandbox, uid: 1, noun: Array(#"{"hostname":"pod"}"#.utf8))) == .reply(.ok, uid: 1))
        #expect(try exchange(.poll(uid: 1)) == .reply(.ok, uid: 1))
        #expect(try exchange(.order(.createSandbox, uid: 2, noun: Array(#"{"hostname":"again"}"#.utf8))).code != GateStatus.ok.rawValue)
        var bad = FrameCodec.encode(.poll(uid: 9))
        bad[0] = UInt8(ascii: "X")
        _ = bad.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        let reply = try FrameCodec.decode(readExactly(Frame.headerSize))
        #expect(reply == .reply(.malformedFrame, uid: 9))
        for _ in 0..<100 where ended.withLock({ $0 }) == nil { usleep(10_000) }
        #expect(ended.withLock { $0 } == .malformed)
    }

    struct FixedRuntime: PodRuntime {
        func prepare(image: String, container: String, keys: KBSSession) async throws -> String { "sha256:" + String(repeating: "cd", count: 32) }
    }

    @Test("boot on a vTPM: the first boot extends PCR 8 and serves; a different init-data refuses; pulls are measured",
          .enabled(if: Swtpm.available, "skipped: swtpm is missing (apt-get install swtpm; .ci/run installs it)"))
    func bootOnTPM() async throws {
        let tpm = try Swtpm()
        let directory = try Self.temporary("agent")
        let initData = try InitData(policy: Self.policy)
        try GuestFiles.write("\(directory)/initdata", Array(initData.text.utf8), create: true)
        var configuration = AgentConfiguration(tee: .tpm, kbsURL: "http://127.0.0.1:1")
        configuration.initDataPath = "\(directory)/initdata"
        configuration.aaelPath = "\(directory)/aael"
        configuration.eventLogPath = "\(directory)/no-log"
        let agent = try GuestAgent.boot(configuration, tpmTransport: tpm.transport)
        #expect(agent.initDataOutcome == .extendedPCR8)
        let gate = try agent.gate(executor: NoneExecutor())
        #expect(gate.handle(.order(.createSandbox, uid: 1, noun: Array(#"{"hostname":"pod"}"#.utf8))) == .reply(.ok, uid: 1))
        #expect(try await agent.pullImage("registry.local/app:1", container: "app", runtime: FixedRuntime()).hasPrefix("sha256:cdcd"))
        let log = try AAEL(text: String(decoding: try GuestFiles.read("\(directory)/aael"), as: UTF8.self))
        #expect(log.events.map(\.operation) == ["PullImage"])
        #expect(log.replay() == (try TPMPCRRegister(transport: tpm.transport).read()))

        let other = try InitData(policy: Self.policy + "\ndefault ExecProcessRequest := true\n")
        try GuestFiles.write("\(directory)/initdata", Array(other.text.utf8), create: true)
        let error = try #require(throws: GuestAttesterError.self) { try GuestAgent.boot(configuration, tpmTransport: tpm.transport) }
        #expect(error.code == .mismatch)
    }

    static var binary: URL? {
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }
        let candidates = [bundle?.bundleURL.deletingLastPathComponent(), URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug")]
        return candidates.compactMap { $0?.appendingPathComponent("hermetic-agent") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    @Test("the executable's exit codes: 2 for bad input (TEE, broker URL, init-data), 3 for a file or interface that is not there")
    func exitCodes() throws {
        guard let binary = Self.binary else {
            Issue.record("hermetic-agent is not built beside the tests")
            return
        }
        func run(_ arguments: [String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments
            let pipe = Pipe()
            process.standardError = pipe
            process.standardOutput = Pipe()
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: output, as: UTF8.self))
        }
        let (bogus, message) = try run(["attest", "--tee", "bogus", "--kbs", "http://127.0.0.1:1"])
        #expect(bogus == 2 && message.contains("--tee"))
        #expect(try run(["attest", "--tee", "tpm", "--kbs", "https://broker"]).0 == 2)
        let directory = try Self.temporary("agent-cli")
        #expect(try run(["attest", "--tee", "tpm", "--kbs", "http://127.0.0.1:1", "--initdata", "\(directory)/missing"]).0 == 3)
        try GuestFiles.write("\(directory)/bad", Array("not toml [".utf8), create: true)
        #expect(try run(["attest", "--tee", "tpm", "--kbs", "http://127.0.0.1:1", "--initdata", "\(directory)/bad"]).0 == 2)
        #expect(try run(["attest", "--tee", "snp", "--kbs", "http://127.0.0.1:1", "--tsm-root", "\(directory)/no-tsm"]).0 == 3)
    }
}

@Suite("hermetic-agent on SEV-SNP (fake /dev/sev-guest): HOST_DATA checked at boot and by the broker")
struct AgentSNPTests {
    /// The fake chip, a broker holding its reference values, the affirming resource policy and `default/key/pod`, the
    /// agent's init-data (with ``AgentTests/policy``) written to a new directory, an SNP configuration reading it, and
    /// the certificate table carrying the VCEK.
    static func fixture(_ name: String) async throws -> (FakeSNPChip, BrokerHarness, InitData, AgentConfiguration, [UInt8]) {
        let chip = try Shared.chip.get()
        let harness = try await BrokerHarness.make()
        try await harness.client.setReferenceValues(chip.trusteeReferenceValues, adminToken: harness.adminToken)
        try await harness.client.setResourcePolicy(rego: DefaultPolicies.affirming, adminToken: harness.adminToken)
        try await harness.store("default/key/pod", Array("pod-key".utf8))
        let directory = try AgentTests.temporary(name)
        let initData = try InitData(policy: AgentTests.policy)
        try GuestFiles.write("\(directory)/initdata", Array(initData.text.utf8), create: true)
        var configuration = AgentConfiguration(tee: .snp, kbsURL: "http://127.0.0.1:1")
        configuration.initDataPath = "\(directory)/initdata"
        return (chip, harness, initData, configuration, certificateTable([(vcekGUID, Array(chip.vcek.derBytes))]))
    }

    @Test("the agent boots when HOST_DATA binds its init-data and gets the key; another HOST_DATA refuses to boot")
    func bootOnSNP() async throws {
        let (chip, harness, initData, configuration, table) = try await Self.fixture("agent-snp")
        let agent = try GuestAgent.boot(configuration, sevGuest: FakeSEVGuest(chip: chip, table: table, hostData: initData.snpHostData),
                                        transport: InProcessTransport(broker: harness.broker))
        #expect(agent.initDataOutcome == .matched)
        #expect(agent.measurements == nil)
        #expect(try await agent.session.resource("default/key/pod") == Array("pod-key".utf8))

        let error = try #require(throws: GuestAttesterError.self) {
            try GuestAgent.boot(configuration, sevGuest: FakeSEVGuest(chip: chip, table: [], hostData: [UInt8](repeating: 9, count: 32)),
                                transport: InProcessTransport(broker: harness.broker))
        }
        #expect(error.code == .mismatch)
    }
}

@Suite("The control channel on a character device (a pty standing for the virtio port)")
struct ControlChannelTests {
    @Test("the port is found by name, switched to raw mode, READY is written, frames pass byte for byte; the host hanging up ends serving")
    func overPTY() throws {
        // posix_openpt's steps by hand (Glibc's module does not export them): /dev/ptmx, TIOCSPTLCK, TIOCGPTN.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        try #require(master >= 0, "no /dev/ptmx")
        defer { close(master) }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        try #require(ioctl(master, 0x4004_5431, &unlock) == 0 && ioctl(master, 0x8004_5430, &number) == 0)
        let slave = "/dev/pts/\(number)"
        let root = try AgentTests.temporary("vport")
        try FileManager.default.createDirectory(atPath: "\(root)/class/vport2p1", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(root)/dev", withIntermediateDirectories: true)
        try GuestFiles.write("\(root)/class/vport2p1/name", Array("hermetic.0\n".utf8), create: true)
        try FileManager.default.createSymbolicLink(atPath: "\(root)/dev/vport2p1", withDestinationPath: slave)
        let port = try VirtioPort(named: "hermetic.0", classRoot: "\(root)/class", deviceRoot: "\(root)/dev")
        let gate = Gate(policy: try AgentPolicy(source: AgentTests.policy), executor: NoneExecutor())
        let outcome = Mutex<String?>(nil)
        Thread.detachNewThread {
            do {
                try ControlChannel.serve(gate, on: port, stopOnClose: true)
                outcome.withLock { $0 = "closed" }
            } catch { outcome.withLock { $0 = "\(error)" } }
        }
        func readExactly(_ count: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count), offset = 0
            while offset < count {
                let got = bytes.withUnsafeMutableBytes { read(master, $0.baseAddress! + offset, count - offset) }
                if got <= 0 { break }
                offset += got
            }
            return Array(bytes[0..<offset])
        }
        #expect(readExactly(6) == Array("READY\n".utf8), "no CR added: the device is in raw mode")
        // A body with bytes a cooked terminal would rewrite or swallow (CR, ^C, ^D, ^S, DEL).
        var frame = FrameCodec.encode(.order(.createSandbox, uid: 0x0D03_0413_7F0A, noun: Array("{\"hostname\":\"pod\"}".utf8)))
        _ = frame.withUnsafeMutableBytes { write(master, $0.baseAddress, $0.count) }
        let reply = readExactly(Frame.headerSize)
        #expect(try FrameCodec.decode(reply) == .reply(.ok, uid: 0x0D03_0413_7F0A))
        frame = FrameCodec.encode(.poll(uid: 0x0D03_0413_7F0A))
        _ = frame.withUnsafeMutableBytes { write(master, $0.baseAddress, $0.count) }
        #expect(try FrameCodec.decode(readExactly(Frame.headerSize)) == .reply(.ok, uid: 0x0D03_0413_7F0A))
    }
}
