import Foundation
import Storage
import Testing

@Suite("hermetic quickstart and audit")
struct BrokerCommandTests {
    @Test("quickstart: both guests get the secret over HTTP, verdicts and an intact audit chain are printed")
    func quickstart() throws {
        let run = try CLIRun.hermetic(["quickstart"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.components(separatedBy: "(matches)").count == 3, "\(run.stdout)")
        #expect(run.stdout.contains("EAR verdict: affirming"))
        #expect(run.stdout.contains("chain: intact, 7 records"))
        #expect(!run.stdout.contains("DOES NOT MATCH"))
    }

    @Test("audit verify: an intact chain exits 0 and prints its head; a missing store is bad input")
    func auditVerify() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).sqlite").path
        let store = try SQLiteStore(path: path, kek: .generate())
        let record = try await store.appendAudit(AuditEvent(kind: .release, time: Date(), verdict: "released", resourcePath: "a/b/c"))
        let run = try CLIRun.hermetic(["audit", "verify", "--store", "sqlite:\(path)"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("head: \(record.hash)"))
        #expect(run.stdout.contains("chain: intact"))
        let missing = try CLIRun.hermetic(["audit", "verify", "--store", "sqlite:/nonexistent/x.sqlite"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no store"))
    }
}
