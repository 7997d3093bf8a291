import GuestAgent
import GuestAttester
import Testing

@Suite("PodBootstrap: the kernel command line's pod parameters and the report lines")
struct PodBootstrapTests {
    @Test("hermetic.kbs and hermetic.resource are read from the command line; either missing is a bad-input error naming it")
    func parameters() throws {
        let parameters = try PodBootstrap.Parameters(commandLine: "console=ttyS0 panic=-1 quiet hermetic.kbs=http://10.0.2.100:8080 hermetic.resource=pod/key/one\n")
        #expect(parameters.kbs == "http://10.0.2.100:8080")
        #expect(parameters.resource == "pod/key/one")
        let noBroker = #expect(throws: GuestAttesterError.self) { try PodBootstrap.Parameters(commandLine: "quiet hermetic.resource=a/b/c") }
        #expect(noBroker?.code == .badInput && noBroker?.message.contains("hermetic.kbs") == true)
        let noResource = #expect(throws: GuestAttesterError.self) { try PodBootstrap.Parameters(commandLine: "hermetic.kbs=http://h:1 hermetic.resource=") }
        #expect(noResource?.message.contains("hermetic.resource") == true)
    }

    @Test("a boot that fails (init-data mismatch) reports FAILED boot and DONE, never READY, and releases nothing")
    func failedBoot() async {
        var lines: [String] = []
        let released = await PodBootstrap.run(boot: { throw GuestAttesterError(.mismatch, "PCR 8 is not the init-data's\nbinding") },
                                              resource: "pod/key/one", report: { lines.append($0) })
        #expect(!released)
        #expect(lines == ["FAILED boot mismatch: PCR 8 is not the init-data's binding", "DONE"], "one line per report: the newline became a space")
        #expect(!lines.contains("READY"))
    }
}
