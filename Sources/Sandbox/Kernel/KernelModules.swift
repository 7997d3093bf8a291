import Foundation

/// The loadable modules of an unpacked kernel package, by name, with their dependencies resolved the way
/// `modprobe --show-depends` orders them: every dependency before the module that needs it.
public struct KernelModules: Sendable {
    /// One module file.
    public struct Module: Sendable, Hashable {
        /// The module name (the file name without `.ko`, dashes as underscores).
        public let name: String
        /// The file's path.
        public let path: String
        /// The modules it needs.
        public let dependencies: [String]
    }

    /// The module tree's path.
    public let root: String
    /// The built-in modules (`modules.builtin`), which need no file.
    public let builtin: Set<String>
    private let files: [String: String]

    /// Indexes the `.ko` files under `root` (`lib/modules/<release>`): from `modules.order` (every loadable
    /// module, as the kernel build lists them), or by walking `kernel/` when the package has no such file.
    ///
    /// - Throws: ``SandboxError/Code/module`` when the tree has no `kernel/` directory.
    public init(root: String) throws(SandboxError) {
        let kernel = "\(root)/kernel"
        var relativePaths: [String] = []
        if let order = try? String(contentsOfFile: "\(root)/modules.order", encoding: .utf8) {
            relativePaths = order.split(separator: "\n").map(String.init).filter { $0.hasPrefix("kernel/") }.map { String($0.dropFirst("kernel/".count)) }
        } else {
            guard let enumerator = FileManager.default.enumerator(atPath: kernel) else {
                throw SandboxError(.module, "\(kernel) does not exist: not an unpacked kernel module tree")
            }
            while let relative = enumerator.nextObject() as? String { relativePaths.append(relative) }
        }
        var files: [String: String] = [:]
        for relative in relativePaths {
            let file = (relative as NSString).lastPathComponent
            guard let dot = file.range(of: ".ko") else { continue }
            files[Self.normalize(String(file[..<dot.lowerBound]))] = "\(kernel)/\(relative)"
        }
        let builtinText = (try? String(contentsOfFile: "\(root)/modules.builtin", encoding: .utf8)) ?? ""
        builtin = Set(builtinText.split(separator: "\n").compactMap { line in
            let file = (String(line) as NSString).lastPathComponent
            return file.hasSuffix(".ko") ? Self.normalize(String(file.dropLast(3))) : nil
        })
        self.root = root
        self.files = files
    }

    /// Module names use underscores; file names may use dashes (`virtio-rng.ko` is `virtio_rng`).
    public static func normalize(_ name: String) -> String { name.replacingOccurrences(of: "-", with: "_") }

    /// The modules to load for `names`, dependencies first, each once; built-in modules are left out.
    ///
    /// - Throws: ``SandboxError/Code/module`` when a module (or a dependency) is neither a file nor built in, a
    ///   file is unreadable or compressed, or the dependencies form a cycle.
    public func resolve(_ names: [String]) throws(SandboxError) -> [Module] {
        var ordered: [Module] = []
        var done: Set<String> = []
        var visiting: Set<String> = []
        func visit(_ raw: String, neededBy: String?) throws(SandboxError) {
            let name = Self.normalize(raw)
            if done.contains(name) { return }
            guard !visiting.contains(name) else { throw SandboxError(.module, "module dependencies form a cycle through \(name)") }
            guard let path = files[name] else {
                if builtin.contains(name) {
                    done.insert(name)
                    return
                }
                let by = neededBy.map { " (needed by \($0))" } ?? ""
                throw SandboxError(.module, "no module \(name)\(by) in \(root), and it is not built in")
            }
            visiting.insert(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                if let compressed = [".xz", ".zst", ".gz"].first(where: { FileManager.default.fileExists(atPath: path + $0) }) {
                    throw SandboxError(.module, "\(path)\(compressed) is compressed; busybox insmod needs plain .ko files")
                }
                throw SandboxError(.module, "cannot read \(path)")
            }
            let dependencies = try ModuleInfo(object: [UInt8](data), file: path).dependencies
            for dependency in dependencies { try visit(dependency, neededBy: name) }
            visiting.remove(name)
            done.insert(name)
            ordered.append(Module(name: name, path: path, dependencies: dependencies))
        }
        for name in names { try visit(name, neededBy: nil) }
        return ordered
    }

    /// The modules the sandbox's guest needs: virtio PCI, the console (virtio-serial control port), the RNG, the
    /// network card, fw_cfg (init-data) and overlayfs.
    public static let sandboxModules = [
        "virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci",
        "virtio_console", "virtio_rng", "virtio_net", "qemu_fw_cfg", "overlay",
    ]
}
