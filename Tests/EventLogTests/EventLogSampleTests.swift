import Foundation
import HermeticCore
import Testing
import TestSupport
import TPM
@testable import EventLog

@Suite("TCG event logs: every sample parses and replays as EXPECTED.json says")
struct EventLogSampleTests {
    static let samples: [(entry: String, file: String)] = [
        ("gotpmtools-arch-linux-workstation", "arch-linux-workstation.bin"),
        ("gotpmtools-cos-85-amd-sev", "cos-85-amd-sev.bin"),
        ("gotpmtools-debian-10", "debian-10.bin"),
        ("gotpmtools-eventlogwithsp800155", "eventlogwithsp800155.bin"),
        ("gotpmtools-glinux-alex", "glinux-alex.bin"),
        ("gotpmtools-rhel8-uefi", "rhel8-uefi.bin"),
        ("gotpmtools-ubuntu-2404-amd-sevsnp", "ubuntu-2404-amd-sevsnp.bin"),
        ("goattestation-crypto-agile", "crypto_agile_eventlog"),
        ("goattestation-option-rom", "option_rom_eventlog"),
        ("trustee-ccel-aael-alibabacloud", "CCEL_AAEL_alibabacloud"),
        ("trustee-ccel-data", "CCEL_data"),
        ("trustee-ccel-data-ovmf", "CCEL_data_ovmf"),
    ]

    static let expected: [String: JSONValue] = {
        guard let data = try? Data(contentsOf: Fixtures.url("tpm/EXPECTED.json")),
              let json = try? JSONDecoder().decode(JSONValue.self, from: data) else { return [:] }
        return json.objectValue ?? [:]
    }()

    static func bankID(_ name: String) -> UInt16? {
        ["sha1": TCGEventLog.sha1, "sha256": TCGEventLog.sha256, "sha384": TCGEventLog.sha384][name]
    }

    @Test("format, event count, indices and every replayed bank equal EXPECTED.json", arguments: samples)
    func sample(entry: String, file: String) throws {
        let log = try TCGEventLog(bytes: try Fixtures.bytes("eventlog/\(entry)/\(file)"))
        let expected = try #require(Self.expected["eventlog/\(entry)"])
        let checks = try #require(expected["checks"])
        #expect(log.formatDescription == checks["format"]?.stringValue)
        #expect(log.events.count == Int(checks["events"]?.intValue ?? -1))
        #expect(log.indices.map { JSONValue.int(Int64($0)) } == checks["mr_indices"]?.arrayValue)
        let replay = EventLogReplay(log)
        let fields = try #require(expected["fields"]?.objectValue)
        #expect(!fields.isEmpty)
        for (bankName, values) in fields {
            let bank = try #require(Self.bankID(bankName))
            for (index, value) in try #require(values.objectValue) {
                let pcr = try #require(UInt32(index))
                #expect(replay.banks[bank]?[pcr].map(Hex.encode) == value.stringValue, "\(entry) \(bankName):\(index)")
            }
        }
    }

    @Test("the go-tpm-tools logs replay to their expected_pcrs.json through the PCR-file reader; a changed value is the first mismatch",
          arguments: samples.filter { $0.entry.hasPrefix("gotpmtools") })
    func expectedPCRFiles(entry: String, file: String) throws {
        let log = try TCGEventLog(bytes: try Fixtures.bytes("eventlog/\(entry)/\(file)"))
        let values = try PCRBanks.read(file: try Fixtures.bytes("eventlog/\(entry)/expected_pcrs.json"))
        var given = Dictionary(uniqueKeysWithValues: values.values.map { bank, entries in
            (bank.rawValue, Dictionary(uniqueKeysWithValues: entries.map { (UInt32($0.key), $0.value) }))
        })
        let replay = EventLogReplay(log)
        #expect(replay.comparedCount(given) == given.values.reduce(0) { $0 + $1.count })
        #expect(replay.mismatches(given).isEmpty)
        let bank = try #require(given.keys.sorted().last)
        let pcr = try #require(given[bank]?.keys.sorted().last)
        given[bank]?[pcr]?[0] ^= 0xFF
        let mismatches = replay.mismatches(given)
        #expect(mismatches.map(\.index) == [pcr])
    }

    @Test("the OVMF + swtpm log replays to the SHA-256 PCRs 0-7 and 9 the guest read")
    func ovmfSwtpm() throws {
        let log = try TCGEventLog(bytes: try Fixtures.bytes("tpm/swtpm-sample/ovmf-eventlog/binary_bios_measurements.bin"))
        #expect(log.events.count == 25, "26 records with the Spec ID header")
        let values = try PCRBanks.read(file: try Fixtures.bytes("tpm/swtpm-sample/ovmf-eventlog/pcrs_in_guest.txt"))
        let replay = EventLogReplay(log)
        for pcr in [0, 1, 2, 3, 4, 5, 6, 7, 9] {
            #expect(replay.banks[TCGEventLog.sha256]?[UInt32(pcr)] == values[.sha256, pcr], "PCR \(pcr)")
        }
    }

    @Test("EV_NO_ACTION details: the Spec ID header, SP800-155 events, StartupLocality; option-ROM PCR 0xFFFFFFFF kept")
    func details() throws {
        let sp800 = try TCGEventLog(bytes: try Fixtures.bytes("eventlog/gotpmtools-eventlogwithsp800155/eventlogwithsp800155.bin"))
        let header = try #require(sp800.header)
        #expect(EventDetails.extended(of: header)["signature"] == .string("Spec ID Event03"))
        let names = sp800.events.filter { $0.type == TCGEvent.noAction }.compactMap { EventDetails.extended(of: $0)["signature"]?.stringValue }
        #expect(names.contains { $0.hasPrefix("SP800-155 Event") }, "\(names)")
        let rom = try TCGEventLog(bytes: try Fixtures.bytes("eventlog/goattestation-option-rom/option_rom_eventlog"))
        #expect(rom.events.contains { $0.index == 0xFFFF_FFFF })
        #expect(rom.format == .legacySHA1)
        let separators = rom.events.filter { $0.type == 4 }
        #expect(!separators.isEmpty && separators.allSatisfy { EventDetails.extended(of: $0)["value"] != nil })
    }

    @Test("GPT events list their partitions; boot services applications their device paths")
    func gptAndImages() throws {
        var sawGPT = false, sawImage = false
        for (entry, file) in Self.samples where entry.hasPrefix("gotpmtools") {
            let log = try TCGEventLog(bytes: try Fixtures.bytes("eventlog/\(entry)/\(file)"))
            for event in log.events {
                if event.type == 0x8000_0006, let partitions = EventDetails.extended(of: event)["partitions"]?.arrayValue, !partitions.isEmpty {
                    sawGPT = true
                }
                if event.type == 0x8000_0003, EventDetails.extended(of: event)["device_paths"] != nil { sawImage = true }
            }
        }
        #expect(sawGPT)
        #expect(sawImage)
    }

    @Test("a Spec ID header that declares a zero-size digest parses and replays without a crash")
    func zeroSizeDigest() throws {
        var header = Array("Spec ID Event03\0".utf8) + [0, 0, 0, 0, 0, 2, 0, 2] + [1, 0, 0, 0] + [0x0B, 0x00, 0x00, 0x00] + [0]
        let first: [UInt8] = [0, 0, 0, 0, 3, 0, 0, 0] + [UInt8](repeating: 0, count: 20) + [UInt8(header.count), 0, 0, 0]
        header = first + header
        let event: [UInt8] = [0, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0x0B, 0x00, 4, 0, 0, 0, 0, 0, 0, 0]
        let log = try TCGEventLog(bytes: header + event)
        #expect(log.events.count == 1)
        #expect(EventLogReplay(log).banks.isEmpty)
    }

    @Test("truncated logs are clean errors or shorter logs, never a crash", arguments: samples.prefix(9))
    func truncated(entry: String, file: String) throws {
        let bytes = try Fixtures.bytes("eventlog/\(entry)/\(file)")
        let full = try TCGEventLog(bytes: bytes)
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 150)) {
            do {
                let log = try TCGEventLog(bytes: Array(bytes.prefix(length)))
                #expect(log.events.count <= full.events.count)
            } catch let error as EventLogError {
                #expect(!error.message.isEmpty)
            }
        }
        #expect(throws: EventLogError.self) { try TCGEventLog(bytes: Array(bytes.prefix(30))) }
    }
}
