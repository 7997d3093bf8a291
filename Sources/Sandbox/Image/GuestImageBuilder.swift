import Crypto
import Foundation
import HermeticCore

/// Builds the sandbox's guest initramfs and caches it by a digest of everything that goes into it.
///
/// The image holds busybox (with its applets linked at boot), the kernel modules the sandbox needs with their
/// dependencies, runc and the shared libraries of every program in it (from `ldd`), optionally the guest agent,
/// and ``GuestInit``'s `/init`. It is a newc cpio compressed with gzip (level 1: under TCG, OVMF hashes and the
/// kernel inflates every byte, and level 1 boots as fast as zstd -19).
public struct GuestImageBuilder: Sendable {
    /// What to put in the image.
    public struct Inputs: Sendable, Hashable {
        /// The kernel package (modules come from it).
        public var kernel: KernelPackage
        /// The modules to load (dependencies are added).
        public var modules: [String]
        /// busybox; a static build needs no libraries.
        public var busybox: String
        /// runc, or nil to leave it out.
        public var runc: String?
        /// The guest agent, or nil: `/init` then reports the boot itself.
        public var agent: String?
        /// gzip level.
        public var compressionLevel: Int32

        /// Inputs with the sandbox's modules and busybox and runc from the host.
        public init(kernel: KernelPackage, modules: [String] = KernelModules.sandboxModules, busybox: String = "/bin/busybox",
                    runc: String? = HostTools.find("runc"), agent: String? = nil, compressionLevel: Int32 = 1) {
            self.kernel = kernel
            self.modules = modules
            self.busybox = busybox
            self.runc = runc
            self.agent = agent
            self.compressionLevel = compressionLevel
        }
    }

    /// The version of the image layout, part of the cache key.
    public static let layoutVersion = "hermetic-guest-image/1"

    /// The cache directory; images go to `cache/images/<key>.cpio.gz`.
    public let cache: String

    /// A builder caching under `cache`.
    public init(cache: String) {
        self.cache = cache
    }

    /// The image for `inputs`, from the cache when an image with the same input digest is there.
    ///
    /// - Throws: ``SandboxError`` when a module or program is missing or unreadable, or the image cannot be written.
    public func build(_ inputs: Inputs) throws(SandboxError) -> GuestImage {
        let modules = try KernelModules(root: inputs.kernel.modulesPath).resolve(inputs.modules)
        var programs = [(guestPath: "/bin/busybox", hostPath: inputs.busybox, mode: UInt32(0o755))]
        if let runc = inputs.runc { programs.append(("/usr/bin/runc", runc, 0o755)) }
        if let agent = inputs.agent { programs.append((GuestInit.agentPath, agent, 0o755)) }
        var libraries: [String] = []
        for program in programs {
            for library in try SharedLibraries.of(program.hostPath) where !libraries.contains(library) { libraries.append(library) }
        }
        var files = programs
        files += libraries.map { ($0, $0, UInt32(0o755)) }
        files += modules.map { ("\(GuestInit.moduleDirectory)/\($0.name).ko", $0.path, UInt32(0o644)) }
        let initScript = GuestInit.script(modules: modules.map(\.name))

        var contents: [(guestPath: String, bytes: [UInt8], mode: UInt32)] = []
        var key = SHA256()
        key.update(data: Array("\(Self.layoutVersion)\nkernel \(inputs.kernel.release)\ngzip \(inputs.compressionLevel)\n".utf8))
        for file in files {
            guard let data = FileManager.default.contents(atPath: file.hostPath) else {
                throw SandboxError(.image, "cannot read \(file.hostPath) for the guest image")
            }
            let bytes = [UInt8](data)
            contents.append((file.guestPath, bytes, file.mode))
            key.update(data: Array("\(file.guestPath) \(file.mode) \(Hex.encode(SHA256.hash(data: bytes)))\n".utf8))
        }
        key.update(data: Array(initScript.utf8))
        let digest = Hex.encode(key.finalize())
        let directory = "\(cache)/images"
        let path = "\(directory)/\(digest).cpio.gz"
        let image = GuestImage(kernel: inputs.kernel, initrdPath: path, key: digest, cached: true, modules: modules.map(\.name))
        if FileManager.default.fileExists(atPath: path) { return image }

        var archive = NewcArchive()
        for directory in ["dev", "proc", "sys", "tmp", "run", "etc", "root", "mnt", "sbin", "usr/sbin"] { archive.addDirectory(directory) }
        archive.addFile("init", bytes: Array(initScript.utf8), mode: 0o755)
        for file in contents { archive.addFile(file.guestPath, bytes: file.bytes, mode: file.mode) }
        archive.addSymlink("bin/sh", target: "busybox")
        let compressed = try GzipWriter.compress(archive.serialized(), level: inputs.compressionLevel)
        let temporary = "\(directory)/.\(digest).\(UUID().uuidString)"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(compressed).write(to: URL(fileURLWithPath: temporary))
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw SandboxError(.image, "cannot write the guest image \(temporary): \(error)")
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(atPath: temporary)
            throw SandboxError(.image, "cannot rename \(temporary) to \(path): \(String(cString: strerror(code)))")
        }
        return GuestImage(kernel: inputs.kernel, initrdPath: path, key: digest, cached: false, modules: modules.map(\.name))
    }
}
