import ArgumentParser
import Foundation
import HermeticCore
import HermeticServer
import KeyBroker
import Storage
import StoragePostgres

/// `hermetic audit`: the broker's hash-chained audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Check the broker's audit log.", subcommands: [VerifyChain.self])

    struct VerifyChain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check the audit chain: every record's hash, every link, no gap. Exit 0 intact, 1 broken.",
            discussion: """
                Keep the printed head hash elsewhere: comparing it later also detects records cut from the end. With
                --kbs URL --admin-key KEY the log is read through the broker's admin API (GET /kbs/v0/audit-log, the
                audit.read permission: the auditor role has it) and checked here.
                """
        )
        @Option(help: "The store: sqlite:PATH or postgres://user@host:port/database.") var store: String?
        @Option(help: "A key broker's base URL, instead of --store.") var kbs: String?
        @Option(help: "With --kbs: the admin private key (PEM, Ed25519 or P-256).") var adminKey: String?
        @Option(help: "With --kbs: the admin token's role.") var adminRole: String = "auditor"

        func validate() throws {
            guard (store == nil) != (kbs == nil) else { throw ValidationError("give exactly one of --store or --kbs") }
            if kbs != nil, adminKey == nil { throw ValidationError("--kbs needs --admin-key") }
        }

        func run() async throws {
            let records: [AuditRecord]
            if let kbs { records = try await brokerRecords(kbs) } else { records = try await storeRecords() }
            let report = AuditChain.verify(records)
            print("records: \(report.count)")
            print("head: \(report.headHash)")
            for problem in report.problems { print("problem: \(problem)") }
            print(report.isIntact ? "chain: intact" : "chain: BROKEN")
            if !report.isIntact { throw ExitCode(ExitStatus.rejected.rawValue) }
        }

        private func brokerRecords(_ url: String) async throws -> [AuditRecord] {
            guard let base = URL(string: url), base.scheme == "http" || base.scheme == "https" else {
                throw ValidationError("--kbs \(url) is not an http(s) URL")
            }
            guard let adminKey else { throw ValidationError("--kbs needs --admin-key") }
            let token = try await AdminToken.make(privateKeyPEM: try readText(adminKey), role: adminRole)
            let response: KBSHTTPResponse
            do {
                response = try await KBSClient(transport: URLSessionTransport(baseURL: base)).call("GET", "audit-log", headers: ["Authorization": "Bearer \(token)"])
            } catch let error as KBSClientError {
                FileHandle.standardError.write(Data("audit: the broker refused: \(error)\n".utf8))
                throw ExitCode(error.variant.hasPrefix("AdminAuth") ? ExitStatus.rejected.rawValue : ExitStatus.badInput.rawValue)
            }
            guard let entries = (try? JSONValue(parsing: response.body))?.arrayValue else {
                throw InputError(description: "audit: the broker's audit log is not a JSON array")
            }
            return try entries.enumerated().map { index, entry in
                guard let sequence = entry["sequence"]?.intValue, let event = entry["event"]?.stringValue,
                      let previous = entry["previous_hash"]?.stringValue, let hash = entry["hash"]?.stringValue else {
                    throw InputError(description: "audit: record \(index + 1) of the broker's log lacks sequence, event, previous_hash or hash")
                }
                return AuditRecord(sequence: sequence, eventJSON: event, previousHash: previous, hash: hash)
            }
        }

        private func storeRecords() async throws -> [AuditRecord] {
            guard let store else { throw ValidationError("give --store or --kbs") }
            if store.hasPrefix("sqlite:") {
                let path = String(store.dropFirst("sqlite:".count))
                guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no store at \(path)") }
            } else if !PostgresURL.matches(store) {
                throw ValidationError("--store must be sqlite:PATH or postgres://user@host:port/database")
            }
            // The audit log is not encrypted; the key is only needed for resources, which this does not read.
            return try await BrokerServer.openStore(store, kek: .generate()).auditRecords()
        }
    }
}
