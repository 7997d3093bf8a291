import Foundation
import HermeticCore
import Testing
import TestSupport
@testable import TDX

/// dcap-qvl, the peer verifier, run through `Benchmarks/peers/dcapqvl_compare.py`.
enum DCAPQVLPeer {
    /// Whether `python3` can import `dcap_qvl`.
    static let available: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import dcap_qvl"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// dcap-qvl's status per quote path, from the peer script.
    static func statuses() throws -> [String: String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Benchmarks/peers/dcapqvl_compare.py")
        process.arguments = ["python3", script.path, "--json", "--repeat", "1", "--hermetic", "/nonexistent", "--timing", "/nonexistent"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let rows = try JSONDecoder().decode(JSONValue.self, from: data).arrayValue ?? []
        var statuses: [String: String] = [:]
        for row in rows {
            if let quote = row["quote"]?.stringValue, let status = row["dcap_qvl_status"]?.stringValue { statuses[quote] = status }
        }
        return statuses
    }
}

@Suite("Agreement with dcap-qvl")
struct DCAPQVLPeerTests {
    /// Our outcome in dcap-qvl's terms: the status, or the reason class of a rejection.
    static func outcome(_ sample: Sample) -> String {
        var policy = DCAPPolicy()
        policy.acceptedTCBStatuses = Set(TCBStatus.allCases).subtracting([.revoked])
        do {
            let evidence = try QuoteEvidence.parse(try sample.quoteBytes())
            let (verified, _) = try DCAPVerifier().verify(evidence, tee: evidence.quote.isTDX ? "tdx" : "sgx", collateral: try sample.checked(),
                                                          options: DCAPVerificationOptions(time: sample.date(), policy: policy))
            return verified.verdict.status.rawValue
        } catch let error as TDXError {
            switch error.code {
            case .tcbLevel: return "no matching TCB level"
            case .policy where error.message.contains("debug"): return "debug"
            default: return "rejected: \(error)"
            }
        } catch {
            return "error: \(error)"
        }
    }

    /// dcap-qvl's outcome in the same terms.
    static func normalized(_ status: String) -> String {
        if status.contains("No matching TCB level") { return "no matching TCB level" }
        if status.contains("Debug mode") { return "debug" }
        return status
    }

    @Test("every sample gets the same TCB status or rejection from Hermetic and dcap-qvl",
          .enabled(if: DCAPQVLPeer.available, "skipped: the dcap_qvl Python module is missing (pip install dcap-qvl; .ci/run installs it)"))
    func sameStatuses() throws {
        let statuses = try DCAPQVLPeer.statuses()
        let samples = [Sample.dcapqvlTDX, Sample.dcapqvlSGX, Sample.sprE4, Sample.trustee4, Sample.trustee5, Sample.trustee6, Sample.quoteV5]
        #expect(statuses.count == samples.count)
        for sample in samples {
            let theirs = try #require(statuses[sample.quote], "\(sample)")
            #expect(Self.outcome(sample) == Self.normalized(theirs), "\(sample)")
        }
    }
}
