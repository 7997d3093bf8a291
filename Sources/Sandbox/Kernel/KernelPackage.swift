import Foundation

/// Debian's kernel, unpacked from its package (not installed): `apt-get download linux-image-<version>-amd64`, then
/// `dpkg-deb -x` into a cache directory keyed by the version. The package has no `modules.dep` (depmod writes it at
/// install), so modules are resolved from their `.modinfo` by ``KernelModules``.
public struct KernelPackage: Sendable, Hashable {
    /// The kernel release, e.g. `6.1.0-56-amd64`.
    public let release: String
    /// The unpacked package's root.
    public let root: String

    /// The bzImage (`boot/vmlinuz-<release>`).
    public var kernelPath: String { "\(root)/boot/vmlinuz-\(release)" }
    /// The module tree (`lib/modules/<release>`).
    public var modulesPath: String { "\(root)/lib/modules/\(release)" }

    /// A package already unpacked at `root`.
    public init(release: String, root: String) {
        self.release = release
        self.root = root
    }

    /// The release apt offers for the `linux-image-amd64` metapackage (`apt-cache depends`).
    ///
    /// - Throws: ``SandboxError/Code/kernelPackage`` when apt names no kernel image.
    public static func candidateRelease() throws(SandboxError) -> String {
        let aptCache = try HostTools.require("apt-cache", package: "apt")
        let result = try HostTools.run(aptCache, ["depends", "linux-image-amd64"])
        for line in result.output.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count == 2, words[0] == "Depends:", words[1].hasPrefix("linux-image-"), words[1].hasSuffix("-amd64") else { continue }
            return String(words[1].dropFirst("linux-image-".count))
        }
        throw SandboxError(.kernelPackage, "apt-cache depends linux-image-amd64 names no linux-image-*-amd64 package (exit \(result.status)); run apt-get update")
    }

    /// The package for `release` in `cache`, downloaded and unpacked there when it is not yet.
    ///
    /// - Parameters:
    ///   - release: e.g. `6.1.0-56-amd64`; nil picks ``candidateRelease()``, or the newest release already cached
    ///     when apt cannot answer.
    ///   - cache: the cache directory; the package unpacks into `cache/linux-image-<release>`.
    /// - Throws: ``SandboxError/Code/kernelPackage`` when the download or unpacking fails, or the unpacked tree has
    ///   no kernel; ``SandboxError/Code/toolMissing`` without apt-get or dpkg-deb.
    public static func fetch(release: String?, cache: String) throws(SandboxError) -> KernelPackage {
        let fileManager = FileManager.default
        let chosen: String
        if let release {
            chosen = release
        } else if let offered = try? candidateRelease() {
            chosen = offered
        } else if let newest = cached(in: cache).last {
            return newest
        } else {
            chosen = try candidateRelease()
        }
        guard chosen.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }), !chosen.isEmpty else {
            throw SandboxError(.kernelPackage, "\"\(chosen)\" is not a kernel release name")
        }
        let package = KernelPackage(release: chosen, root: "\(cache)/linux-image-\(chosen)")
        if fileManager.fileExists(atPath: package.kernelPath), fileManager.fileExists(atPath: package.modulesPath) { return package }

        let aptGet = try HostTools.require("apt-get", package: "apt")
        let dpkgDeb = try HostTools.require("dpkg-deb", package: "dpkg")
        let staging = "\(cache)/.staging-\(UUID().uuidString)"
        do {
            try fileManager.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw SandboxError(.kernelPackage, "cannot create \(staging): \(error)")
        }
        defer { try? fileManager.removeItem(atPath: staging) }
        let name = "linux-image-\(chosen)"
        let download = try HostTools.run(aptGet, ["download", "-q", name], in: staging)
        let debs = ((try? fileManager.contentsOfDirectory(atPath: staging)) ?? []).filter { $0.hasSuffix(".deb") }
        guard download.status == 0, let deb = debs.first else {
            throw SandboxError(.kernelPackage, "apt-get download \(name) failed (exit \(download.status)): \(download.output.suffix(400))")
        }
        let unpacked = "\(staging)/root"
        let extract = try HostTools.run(dpkgDeb, ["-x", "\(staging)/\(deb)", unpacked])
        guard extract.status == 0 else {
            throw SandboxError(.kernelPackage, "dpkg-deb -x \(deb) failed (exit \(extract.status)): \(extract.output.suffix(400))")
        }
        guard fileManager.fileExists(atPath: "\(unpacked)/boot/vmlinuz-\(chosen)") else {
            throw SandboxError(.kernelPackage, "\(deb) has no boot/vmlinuz-\(chosen)")
        }
        try? fileManager.removeItem(atPath: package.root)
        do {
            try fileManager.moveItem(atPath: unpacked, toPath: package.root)
        } catch {
            if !fileManager.fileExists(atPath: package.kernelPath) {
                throw SandboxError(.kernelPackage, "cannot move the unpacked package to \(package.root): \(error)")
            }
        }
        return package
    }

    /// The packages already unpacked in `cache`, oldest release name first.
    public static func cached(in cache: String) -> [KernelPackage] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []
        return names.filter { $0.hasPrefix("linux-image-") }.sorted { $0.compare($1, options: .numeric) == .orderedAscending }.compactMap { name in
            let package = KernelPackage(release: String(name.dropFirst("linux-image-".count)), root: "\(cache)/\(name)")
            return FileManager.default.fileExists(atPath: package.kernelPath) ? package : nil
        }
    }
}
