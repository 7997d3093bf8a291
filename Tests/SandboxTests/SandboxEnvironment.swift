import Foundation
import Sandbox
import Testing

/// Where the tests find fixtures and the kernel cache, and whether the VM's tools are here.
enum SandboxEnvironment {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: packageRoot.appendingPathComponent("Tests/Fixtures/\(path)")))
    }

    /// `HERMETIC_VM_CACHE`, or `.build/vm-cache` in the package (where `.ci/run` unpacks Debian's kernel package).
    static var cache: String {
        ProcessInfo.processInfo.environment["HERMETIC_VM_CACHE"] ?? packageRoot.appendingPathComponent(".build/vm-cache").path
    }

    /// The newest kernel package unpacked in the cache.
    static var kernel: KernelPackage? { KernelPackage.cached(in: cache).last }

    /// Everything a measured boot needs.
    static var vmAvailable: Bool {
        HostTools.find("qemu-system-x86_64") != nil && HostTools.find("swtpm") != nil && HostTools.find("swtpm_setup") != nil
            && HostTools.find("busybox") != nil && FileManager.default.fileExists(atPath: "/usr/share/ovmf/OVMF.fd") && kernel != nil
    }

    static let vmSkipMessage: Comment = "skipped: a measured boot needs qemu-system-x86_64, swtpm, swtpm_setup, busybox, /usr/share/ovmf/OVMF.fd and Debian's kernel unpacked under .build/vm-cache (apt-get install qemu-system-x86 ovmf swtpm swtpm-tools busybox-static; .ci/run installs them and unpacks linux-image-*-amd64)"

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "/hermetic-sandbox-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
