import Crypto
import Foundation
import HermeticCore
import Testing
@testable import Sandbox

/// The initramfs pieces against real peers: busybox's gunzip and cpio read what NewcArchive and GzipWriter write,
/// module dependencies come from the `.modinfo` of Debian's modules, libraries from ldd.
@Suite("Guest image")
struct ImageTests {
    static var busybox: String? { HostTools.find("busybox") }

    @Test("a newc archive with parents, files, modes and a symlink is extracted by busybox cpio exactly",
          .enabled(if: busybox != nil, "skipped: busybox is missing (apt-get install busybox-static)"))
    func cpioPeer() throws {
        let busybox = try #require(Self.busybox)
        var archive = NewcArchive()
        let payload = (0..<70_001).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        archive.addFile("usr/lib/deep/data.bin", bytes: payload, mode: 0o640)
        archive.addFile("init", bytes: Array("#!/bin/sh\n".utf8), mode: 0o755)
        archive.addSymlink("bin/sh", target: "busybox")
        archive.addDirectory("proc")
        let replaced = archive.addFile("init", bytes: [1], mode: 0o644)
        #expect(!replaced)
        #expect(archive.entries.map(\.path) == ["usr", "usr/lib", "usr/lib/deep", "usr/lib/deep/data.bin", "init", "bin", "bin/sh", "proc"])
        let bytes = archive.serialized()
        #expect(bytes.count % 512 == 0)
        #expect(archive.serialized() == bytes)

        let directory = try SandboxEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data(try GzipWriter.compress(bytes)).write(to: URL(fileURLWithPath: "\(directory)/a.cpio.gz"))
        let out = "\(directory)/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let result = try HostTools.run("/bin/sh", ["-c", "\(busybox) gunzip -c ../a.cpio.gz | \(busybox) cpio -id 2>&1"], in: out)
        #expect(result.status == 0, "\(result.output)")
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(out)/usr/lib/deep/data.bin"))) == payload)
        let attributes = try FileManager.default.attributesOfItem(atPath: "\(out)/init")
        #expect((attributes[.posixPermissions] as? Int) == 0o755)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(out)/bin/sh") == "busybox")
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: "\(out)/proc", isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    @Test("gzip output is read by gzip -d and is deterministic")
    func gzipPeer() throws {
        let input = (0..<3_000_000).map { UInt8(truncatingIfNeeded: ($0 / 7) &* 13) }
        let compressed = try GzipWriter.compress(input)
        #expect(compressed.prefix(3) == [0x1F, 0x8B, 0x08])
        #expect(try GzipWriter.compress(input) == compressed)
        #expect(compressed.count < input.count / 4)
        let gzip = try #require(HostTools.find("gzip"))
        let directory = try SandboxEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data(compressed).write(to: URL(fileURLWithPath: "\(directory)/x.gz"))
        #expect(try HostTools.run(gzip, ["-d", "\(directory)/x.gz"]).status == 0)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(directory)/x"))) == input)
    }

    @Test("a module's .modinfo names its dependencies; non-ELF and compressed modules are typed errors")
    func modinfo() throws {
        let object = try SandboxEnvironment.fixture("vtpm-boot/virtio-rng.ko")
        let info = try ModuleInfo(object: object, file: "virtio-rng.ko")
        #expect(info.name == "virtio_rng")
        #expect(info.dependencies == ["virtio", "virtio_ring"])
        #expect(throws: SandboxError(.module, "")) { try ModuleInfo(object: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0], file: "x.ko.xz") }
        #expect(throws: SandboxError(.module, "")) { try ModuleInfo(object: Array(object.prefix(63)), file: "short.ko") }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var bytes = object
            for _ in 0..<2 { bytes[Int.random(in: 0x18..<0x40, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            do { _ = try ModuleInfo(object: bytes, file: "mutated.ko") } catch { #expect(error.code == .module) }
        }
    }

    @Test("the sandbox's modules resolve in Debian's kernel, dependencies first",
          .enabled(if: SandboxEnvironment.kernel != nil, "skipped: no kernel package unpacked under .build/vm-cache (.ci/run unpacks linux-image-*-amd64)"))
    func resolveModules() throws {
        let kernel = try #require(SandboxEnvironment.kernel)
        let modules = try KernelModules(root: kernel.modulesPath).resolve(KernelModules.sandboxModules)
        let names = modules.map(\.name)
        for module in modules {
            let position = try #require(names.firstIndex(of: module.name))
            for dependency in module.dependencies where names.contains(dependency) {
                #expect(try #require(names.firstIndex(of: dependency)) < position, "\(dependency) before \(module.name)")
            }
        }
        #expect(Set(KernelModules.sandboxModules).isSubset(of: Set(names)))
        #expect(names.contains("net_failover") && names.contains("failover"))
        #expect(throws: SandboxError(.module, "")) { try KernelModules(root: kernel.modulesPath).resolve(["no_such_module"]) }
    }

    @Test("ldd output: libraries and the loader, not the vDSO; a missing library is an error")
    func lddParsing() throws {
        let output = """
            \tlinux-vdso.so.1 (0x00007ffd)
            \tlibseccomp.so.2 => /lib/x86_64-linux-gnu/libseccomp.so.2 (0x00007f01)
            \tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f02)
            \t/lib64/ld-linux-x86-64.so.2 (0x00007f03)
            """
        #expect(try SharedLibraries.parse(output, program: "runc") == [
            "/lib/x86_64-linux-gnu/libseccomp.so.2", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2",
        ])
        #expect(throws: SandboxError(.image, "")) { try SharedLibraries.parse("\tlibx.so.1 => not found\n", program: "p") }
        if let runc = HostTools.find("runc") {
            let libraries = try SharedLibraries.of(runc)
            #expect(libraries.contains { $0.hasSuffix("/libc.so.6") } || libraries.isEmpty)
        }
    }

    @Test("the image is cached by its inputs: a second build is a cache hit, another agent is a different image",
          .enabled(if: SandboxEnvironment.kernel != nil && busybox != nil, "skipped: needs busybox and a kernel package under .build/vm-cache"))
    func cache() throws {
        let kernel = try #require(SandboxEnvironment.kernel)
        let directory = try SandboxEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let builder = GuestImageBuilder(cache: directory)
        let inputs = GuestImageBuilder.Inputs(kernel: kernel, runc: nil)
        let first = try builder.build(inputs)
        #expect(!first.cached)
        let second = try builder.build(inputs)
        #expect(second.cached && second.key == first.key && second.initrdPath == first.initrdPath)
        let agent = "\(directory)/agent"
        try "#!/bin/sh\necho agent\n".write(toFile: agent, atomically: true, encoding: .utf8)
        let withAgent = try builder.build(GuestImageBuilder.Inputs(kernel: kernel, runc: nil, agent: agent))
        #expect(!withAgent.cached && withAgent.key != first.key)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/images").filter { $0.hasPrefix(".") }.isEmpty)
    }
}
