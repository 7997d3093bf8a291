import ArgumentParser
import Foundation
import HermeticServer
import Storage
import StoragePostgres

/// `hermetic audit`: the broker's hash-chained audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Check the broker's audit log.", subcommands: [VerifyChain.self])

    struct VerifyChain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check the audit chain: every record's hash, every link, no gap. Exit 0 intact, 1 broken.",
            discussion: "Keep the printed head hash elsewhere: comparing it later also detects records cut from the end."
        )
        @Option(help: "The store: sqlite:PATH or postgres://user@host:port/database.") var store: String

        func run() async throws {
            if store.hasPrefix("sqlite:") {
                let path = String(store.dropFirst("sqlite:".count))
                guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no store at \(path)") }
            } else if !PostgresURL.matches(store) {
                throw ValidationError("--store must be sqlite:PATH or postgres://user@host:port/database")
            }
            // The audit log is not encrypted; the key is only needed for resources, which this does not read.
            let records = try await BrokerServer.openStore(store, kek: .generate()).auditRecords()
            let report = AuditChain.verify(records)
            print("records: \(report.count)")
            print("head: \(report.headHash)")
            for problem in report.problems { print("problem: \(problem)") }
            print(report.isIntact ? "chain: intact" : "chain: BROKEN")
            if !report.isIntact { throw ExitCode(ExitStatus.rejected.rawValue) }
        }
    }
}
