import Benchmark
import EventLog
import Foundation
import Measure
import Sandbox

/// The measured VM sandbox's host-side costs, with the peers run in the same process: PCR 4/PCR 9 prediction on
/// Debian's kernel and the sandbox's initramfs; event-log parse and replay (peer: `tpm2_eventlog`, one process per
/// iteration, as a broker would call it); packing the initramfs (newc + gzip -1; peer: `busybox cpio -o -H newc |
/// gzip -1` over the same files staged on disk); the image cache hit; and one whole boot to READY (TCG).
/// Needs the kernel package unpacked under the main package's `.build/vm-cache` (`.ci/run` does it); benchmarks
/// whose inputs are missing are not registered.
private enum Inputs {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let cache = root.appendingPathComponent(".build/vm-cache").path
    static let kernel = KernelPackage.cached(in: cache).last
    static func bytes(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map { [UInt8]($0) } }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(3))
    let log = Inputs.bytes(Inputs.root.appendingPathComponent("Tests/Fixtures/vtpm-boot/binary_bios_measurements").path) ?? []

    Benchmark("event log: parse + replay (OVMF boot, 2,060 bytes, 26 events)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(EventLogReplay(try TCGEventLog(bytes: log)).banks)
        }
    }

    if let tool = HostTools.find("tpm2_eventlog") {
        let path = Inputs.root.appendingPathComponent("Tests/Fixtures/vtpm-boot/binary_bios_measurements").path
        Benchmark("peer: tpm2_eventlog (parse + replay, one process)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try HostTools.run(tool, [path]).status)
            }
        }
    }

    guard let kernel = Inputs.kernel, let kernelBytes = Inputs.bytes(kernel.kernelPath) else { return }
    let builder = GuestImageBuilder(cache: Inputs.cache)
    let inputs = GuestImageBuilder.Inputs(kernel: kernel)
    guard let image = try? builder.build(inputs), let initrd = Inputs.bytes(image.initrdPath) else { return }

    Benchmark("PCR 4 + PCR 9 prediction (Debian \(kernel.release), \(initrd.count / 1_000_000) MB initramfs, sha256)") { benchmark in
        for _ in benchmark.scaledIterations {
            let boot = try VTPMBootMeasurement(kernel: kernelBytes, initrd: initrd, commandLine: "console=ttyS0 panic=-1 quiet", memoryMiB: 1024)
            blackHole(boot.pcr4(.sha256))
            blackHole(boot.pcr9(.sha256))
        }
    }

    Benchmark("image: cache hit (digest every input, ldd, modinfo)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try builder.build(inputs).cached)
        }
    }

    let scratch = Inputs.root.appendingPathComponent(".build/vm-bench").path
    try? FileManager.default.removeItem(atPath: scratch)
    Benchmark("image: cold build (resolve, read, newc, gzip -1, write)", configuration: .init(maxDuration: .seconds(10), maxIterations: 5)) { benchmark in
        for _ in benchmark.scaledIterations {
            try? FileManager.default.removeItem(atPath: "\(scratch)/cold")
            blackHole(try GuestImageBuilder(cache: "\(scratch)/cold").build(inputs).key)
        }
    }

    // The peer packs the same tree: the built image unpacked once, outside the measured closure.
    let staged = "\(scratch)/staged"
    if let busybox = HostTools.find("busybox"),
       (try? FileManager.default.createDirectory(atPath: staged, withIntermediateDirectories: true)) != nil,
       (try? HostTools.run("/bin/sh", ["-c", "\(busybox) gunzip -c \(image.initrdPath) | \(busybox) cpio -id 2>/dev/null"], in: staged))?.status == 0 {
        Benchmark("peer: busybox cpio -o -H newc | gzip -1 (same files)", configuration: .init(maxDuration: .seconds(10), maxIterations: 5)) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try HostTools.run("/bin/sh", ["-c", "find . | \(busybox) cpio -o -H newc 2>/dev/null | gzip -1 > ../peer.cpio.gz"], in: staged).status)
            }
        }
    }

    if HostTools.find("qemu-system-x86_64") != nil, HostTools.find("swtpm") != nil {
        Benchmark("boot to READY: swtpm_setup + swtpm + QEMU/OVMF (TCG) + kernel + /init", configuration: .init(maxDuration: .seconds(60), maxIterations: 3)) { benchmark in
            for _ in benchmark.scaledIterations {
                let vm = try SandboxVM(SandboxVM.Configuration(image: image))
                blackHole(try vm.waitForReady(timeout: 120))
                vm.shutdown()
            }
        }
    }
}
