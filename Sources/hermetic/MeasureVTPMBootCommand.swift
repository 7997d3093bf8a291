import ArgumentParser
import Foundation
import HermeticCore
import InitData
import Measure
import Sandbox

/// `hermetic measure vtpm-boot`.
struct MeasureVTPMBoot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vtpm-boot",
        abstract: "Predict PCR 4, PCR 9 (and PCR 8) of a QEMU/OVMF guest booted directly from a kernel with a vTPM.",
        discussion: """
            Predictions computed from the artifacts, no golden run. PCR 4: the kernel as QEMU 7.2 patches its setup
            header (loader type, heap, command-line pointer, initrd address and size, which depend on the initrd size
            and the guest RAM), hashed as OVMF measures a PE image, then OVMF's "Calling EFI Application from Boot
            Option" and the separator. PCR 9: the Linux EFI stub's two tagged events, the load options (the command
            line plus " initrd=initrd", UTF-16LE with its NUL) and the initrd. PCR 8: sha256(0^32 || init-data
            digest), after the guest agent's one extend (SHA-256 bank only). Assumes -machine q35. PCR 0–7 other
            than 4 depend on the OVMF build and the QEMU machine: record them with `hermetic pod golden`.
            A kernel that is not a bzImage with a PE header, or an initrd QEMU would refuse, exits 2.
            """
    )

    @Option(help: "The bzImage given to QEMU's -kernel.") var kernel: String
    @Option(help: "The initrd given to -initrd (omit for none).") var initrd: String?
    @Option(help: "The kernel command line given to -append.") var append: String = ""
    @Option(help: "Guest RAM in MiB (-m).") var memory: Int
    @Option(help: "An init-data TOML file (predicts PCR 8).") var initdata: String?
    @Option(help: "Banks: sha256, sha384, or all.") var bank: String = "all"
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let banks: [VTPMBootMeasurement.Bank]
        switch bank.lowercased() {
        case "all": banks = VTPMBootMeasurement.Bank.allCases
        case let name:
            guard let one = VTPMBootMeasurement.Bank(rawValue: name) else { throw ValidationError("unknown --bank \"\(bank)\"; known: sha256, sha384, all") }
            banks = [one]
        }
        let measurement: VTPMBootMeasurement
        do {
            measurement = try VTPMBootMeasurement(kernel: try MeasureSNP.read(kernel, what: "kernel"), initrd: try initrd.map { try MeasureSNP.read($0, what: "initrd") },
                                                  commandLine: append, memoryMiB: memory)
        } catch let error as MeasureError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
        var pcr8: [UInt8]?
        if let initdata {
            do {
                pcr8 = try InitDataFile.read(initdata).pcr8()
            } catch {
                FileHandle.standardError.write(Data(("measure: \(error)\n").utf8))
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
        }
        if json {
            var perBank: [String: JSONValue] = [:]
            var referenceValues: [String: JSONValue] = [:]
            for bank in banks {
                var object: [String: JSONValue] = [
                    "kernel_digest": .string(Hex.encode(measurement.kernelDigest(bank))),
                    "pcr4": .string(Hex.encode(measurement.pcr4(bank))),
                    "pcr4_events": .array(measurement.pcr4Events(bank).map { .string(Hex.encode($0)) }),
                    "pcr9": .string(Hex.encode(measurement.pcr9(bank))),
                    "pcr9_events": .array(measurement.pcr9Events(bank).map { .string(Hex.encode($0)) }),
                ]
                if bank == .sha256, let pcr8 { object["pcr8"] = .string(Hex.encode(pcr8)) }
                perBank[bank.rawValue] = .object(object)
            }
            if banks.contains(.sha256) {
                referenceValues[VTPMReferenceIDs.pcr(4)] = .array([.string(Hex.encode(measurement.pcr4(.sha256)))])
                referenceValues[VTPMReferenceIDs.pcr(9)] = .array([.string(Hex.encode(measurement.pcr9(.sha256)))])
                if let pcr8 { referenceValues[VTPMReferenceIDs.pcr(8)] = .array([.string(Hex.encode(pcr8))]) }
            }
            var object: [String: JSONValue] = [
                "prediction": .bool(true),
                "machine": .string("q35"),
                "kernel": .string(kernel),
                "append": .string(append),
                "load_options": .string(measurement.loadOptions),
                "memory_mib": .int(Int64(memory)),
                "banks": .object(perBank),
                "reference_values": .object(referenceValues),
            ]
            if let initrd { object["initrd"] = .string(initrd) }
            if let address = measurement.kernelImage.initrdAddress { object["initrd_address"] = .string("0x" + String(address, radix: 16)) }
            if let initdata { object["initdata"] = .string(initdata) }
            print(JSONValue.object(object).canonicalJSON())
            return
        }
        print("predictions (QEMU q35, OVMF direct kernel boot, vTPM; not measured):")
        for bank in banks {
            print("pcr4 \(bank.rawValue): \(Hex.encode(measurement.pcr4(bank)))")
            print("  kernel event:  \(Hex.encode(measurement.kernelDigest(bank)))  (initrd at \(measurement.kernelImage.initrdAddress.map { "0x" + String($0, radix: 16) } ?? "none"), \(memory) MiB)")
            print("pcr9 \(bank.rawValue): \(Hex.encode(measurement.pcr9(bank)))")
            let events = measurement.pcr9Events(bank)
            if let options = events.first { print("  load options:  \(Hex.encode(options))  \"\(measurement.loadOptions)\"") }
            if let initrd = events.dropFirst().first { print("  initrd:        \(Hex.encode(initrd))") }
        }
        if let pcr8 { print("pcr8 sha256: \(Hex.encode(pcr8))  (after the agent extends the init-data digest)") }
    }
}
