import Benchmark
import Foundation
import Measure

/// Launch measurements of Debian's OVMF.fd (the committed fixture): the SEV-SNP firmware-and-metadata digest (one
/// SHA-384 per 4 KiB page plus the PAGE_INFO chain), the VMSAs of 64 vCPUs chained on top of it, the table of every
/// QEMU model × 1…64 vCPUs that the peer test compares, and the TDX MRTD. The peer, sev-snp-measure, is timed on the
/// same firmware by `python3 Benchmarks/peers/sev_snp_measure_timing.py` (same cases, same names).
private enum Firmware {
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures/ovmf/OVMF.fd")

    static func image() throws -> FirmwareImage { try FirmwareImage(bytes: [UInt8](Data(contentsOf: path))) }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock, .mallocCountTotal], maxDuration: .seconds(3))

    // The image is read once, outside the measured closures.
    let image = Result { try Firmware.image() }
    let prepared = Result { try SNPMeasurement(image: try image.get()) }
    let milan = VCPUType.named("EPYC-Milan")

    Benchmark("SNP: firmware pages and metadata (OVMF.fd, 2 MiB)") { benchmark in
        let image = try image.get()
        for _ in benchmark.scaledIterations {
            blackHole(try SNPMeasurement(image: image).prefix)
        }
    }

    Benchmark("SNP: launch digest, 64 EPYC-Milan vCPUs on a prepared firmware") { benchmark in
        let measurement = try prepared.get()
        guard let milan else { return }
        for _ in benchmark.scaledIterations {
            blackHole(try measurement.digest(vcpus: 64, type: milan))
        }
    }

    Benchmark("SNP: 16 models × 1…64 vCPUs (1,024 digests) on a prepared firmware", configuration: .init(maxDuration: .seconds(5))) { benchmark in
        let measurement = try prepared.get()
        for _ in benchmark.scaledIterations {
            for type in VCPUType.all {
                for vcpus in 1...64 { blackHole(try measurement.digest(vcpus: vcpus, type: type)) }
            }
        }
    }

    Benchmark("TDX: MRTD (OVMF.fd)") { benchmark in
        let measurement = try TDXMeasurement(image: try image.get())
        for _ in benchmark.scaledIterations {
            blackHole(measurement.mrtd())
        }
    }
}
