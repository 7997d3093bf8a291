#if canImport(Glibc)
import Glibc
#endif
import Pod
import Testing

@Suite("PodOutcome: the agent's control-channel lines")
struct PodOutcomeTests {
    @Test("READY, ATTESTED and RESOURCE are timed; the digest is taken from sha256:<hex>")
    func released() {
        var outcome = PodOutcome()
        outcome.take("READY", at: 11.5)
        outcome.take("ATTESTED", at: 12)
        outcome.take("RESOURCE pod/key/one sha256:00ff", at: 12.25)
        outcome.take("DONE", at: 12.3)
        #expect(outcome.ready == 11.5 && outcome.attested == 12 && outcome.released == 12.25)
        #expect(outcome.keyReleased && outcome.resourceDigest == "00ff")
        #expect(outcome.refusal == nil && outcome.failure == nil)
        #expect(outcome.lines.count == 4)
    }

    @Test("a refusal or failure is kept and releases nothing; a malformed RESOURCE line is no release")
    func refused() {
        var outcome = PodOutcome()
        outcome.take("READY", at: 1)
        outcome.take("REFUSED resource PolicyDeny the resource policy denies pod/key/one to this token", at: 2)
        outcome.take("RESOURCE pod/key/one 00ff", at: 3)
        #expect(!outcome.keyReleased)
        #expect(outcome.refusal == "resource PolicyDeny the resource policy denies pod/key/one to this token")
        var failed = PodOutcome()
        failed.take("FAILED boot io: cannot open /dev/tpmrm0", at: 1)
        #expect(failed.failure == "boot io: cannot open /dev/tpmrm0" && failed.ready == nil && !failed.keyReleased)
    }
}

@Suite("LoopbackPort")
struct LoopbackPortTests {
    @Test("a free port is below the ephemeral range and bindable; a listening port is not free")
    func freePort() throws {
        let port = try LoopbackPort.free()
        #expect(LoopbackPort.range.contains(port))
        #expect(LoopbackPort.isFree(port))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        #expect(bound == 0 && listen(fd, 1) == 0)
        #expect(!LoopbackPort.isFree(port))
    }
}
