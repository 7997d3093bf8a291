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
