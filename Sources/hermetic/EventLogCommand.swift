import ArgumentParser
import EventLog
import Foundation
import HermeticCore
import TPM

/// `hermetic eventlog show|replay`: read a TCG event log (legacy SHA-1 or crypto-agile) and replay it.
struct EventLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eventlog",
        abstract: "Read a TCG event log (legacy SHA-1 or crypto-agile) and replay it into its PCR banks.",
        subcommands: [Show.self, Replay.self]
    )

    /// `hermetic eventlog show FILE`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every event: PCR, type, digests and what its data says.")

        @Argument(help: "The event log (e.g. /sys/kernel/security/tpm0/binary_bios_measurements).")
        var file: String

        @Flag(help: "Print one JSON object.")
        var json = false

        func run() async throws {
            let log = try EventLogCommand.read(file)
            let events = log.events.enumerated().map { EventLogCommand.eventJSON($0.offset + 1, $0.element) }
            if json {
                var object: [String: JSONValue] = ["format": .string(log.formatDescription), "events": .array(events)]
                if let header = log.header { object["spec_id"] = EventDetails.extended(of: header) }
                print(JSONValue.object(object).serialized(pretty: true))
                return
            }
            print("\(log.formatDescription), \(log.events.count) events")
            for (number, event) in log.events.enumerated() {
                let pcr = event.index == 0xFFFF_FFFF ? "0xFFFFFFFF" : String(event.index)
                let digests = event.digests.map { "\(TCGEvent.algorithmName($0.algorithm)):\(Hex.encode($0.bytes.prefix(8)))…" }.joined(separator: " ")
                let details = EventDetails.extended(of: event)
                let summary = details.objectValue?.isEmpty == false ? " " + details.serialized(pretty: false) : ""
                print("#\(number + 1) PCR \(pcr) \(event.typeName) \(digests) (\(event.data.count) bytes)\(summary.prefix(240))")
            }
        }
    }

    /// `hermetic eventlog replay FILE [--pcrs FILE]`.
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay the log into every bank it carries; with --pcrs, say which PCRs match.",
            discussion: "Exit 0 when every given PCR of a replayed bank matches (or none is given), 1 when one differs, 2 when a file cannot be read."
        )

        @Argument(help: "The event log.")
        var file: String

        @Option(help: "PCR values to compare: JSON (bank → index → hex), PCR_SHA256_0 HEX lines, tpm2_pcrread output, or a tpm2-tools PCR file.")
        var pcrs: String?

        @Flag(help: "Print one JSON object.")
        var json = false

        func run() async throws {
            let log = try EventLogCommand.read(file)
            let replay = EventLogReplay(log)
            var given: [UInt16: [UInt32: [UInt8]]]?
            if let pcrs {
                guard let data = FileManager.default.contents(atPath: pcrs) else { throw EventLogCommand.fail("cannot read PCR file \(pcrs)") }
                do {
                    let values = try PCRBanks.read(file: [UInt8](data))
                    given = Dictionary(uniqueKeysWithValues: values.values.map { bank, entries in
                        (bank.rawValue, Dictionary(uniqueKeysWithValues: entries.map { (UInt32($0.key), $0.value) }))
                    })
                } catch let error as TPMError { throw EventLogCommand.fail("\(pcrs): \(error.message)") }
            }
            let mismatches = given.map(replay.mismatches) ?? []
            let compared = given.map(replay.comparedCount) ?? 0
            if json {
                var object: [String: JSONValue] = [
                    "format": .string(log.formatDescription), "events": .int(Int64(log.events.count)),
                    "banks": EventLogCommand.banksJSON(replay.banks),
                ]
                if given != nil {
                    object["compared"] = .int(Int64(compared))
                    object["match"] = .bool(mismatches.isEmpty)
                    object["mismatches"] = .array(mismatches.map {
                        .object(["bank": .string(EventLogCommand.bankName($0.algorithm)), "pcr": .int(Int64($0.index)),
                                 "expected": .string(Hex.encode($0.expected)), "replayed": .string(Hex.encode($0.replayed))])
                    })
                }
                print(JSONValue.object(object).serialized(pretty: true))
            } else {
                print("\(log.formatDescription), \(log.events.count) events")
                for algorithm in replay.banks.keys.sorted() {
                    for (index, value) in replay.banks[algorithm, default: [:]].sorted(by: { $0.key < $1.key }) {
                        let status: String
                        if let expected = given?[algorithm]?[index] { status = expected == value ? "  matches" : "  DIFFERS from \(Hex.encode(expected))" } else { status = "" }
                        print("\(EventLogCommand.bankName(algorithm)):\(index) \(Hex.encode(value))\(status)")
                    }
                }
                if given != nil {
                    if let first = mismatches.first {
                        FileHandle.standardError.write(Data("eventlog: the log does not replay: \(mismatches.count) of \(compared) PCRs differ, first \(EventLogCommand.bankName(first.algorithm)):\(first.index)\n".utf8))
                    } else {
                        print("all \(compared) given PCRs of the replayed banks match")
                    }
                }
            }
            if !mismatches.isEmpty { throw ExitCode(ExitStatus.rejected.rawValue) }
        }
    }

    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data(("eventlog: " + message + "\n").utf8))
        return ExitCode(ExitStatus.badInput.rawValue)
    }

    static func read(_ path: String) throws -> TCGEventLog {
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read event log \(path)") }
        do { return try TCGEventLog(bytes: [UInt8](data)) } catch let error as EventLogError { throw fail(error.message) }
    }

    static func bankName(_ algorithm: UInt16) -> String { TPMAlgorithm(rawValue: algorithm).description }

    static func banksJSON(_ banks: [UInt16: [UInt32: [UInt8]]]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: banks.map { algorithm, values in
            (bankName(algorithm), JSONValue.object(Dictionary(uniqueKeysWithValues: values.map { (String($0.key), JSONValue.string(Hex.encode($0.value))) })))
        }))
    }

    static func eventJSON(_ number: Int, _ event: TCGEvent) -> JSONValue {
        .object([
            "number": .int(Int64(number)),
            "pcr": .int(Int64(event.index)),
            "type": .int(Int64(event.type)),
            "type_name": .string(event.typeName),
            "digests": .array(event.digests.map {
                .object(["alg": .string(TCGEvent.algorithmName($0.algorithm)), "digest": .string(Hex.encode($0.bytes))])
            }),
            "data": .string(Base64.encode(event.data)),
            "details": EventDetails.extended(of: event),
        ])
    }
}
