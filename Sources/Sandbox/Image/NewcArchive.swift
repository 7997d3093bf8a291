/// A cpio archive in the "new ASCII" (newc, `070701`) format, which is what the kernel unpacks as an initramfs.
///
/// Entries keep the order they were added in; every missing parent directory is added before its first child
/// (the kernel does not create parents). Owners are root, times are zero, and inode numbers count from 1, so the
/// same entries always give the same bytes.
public struct NewcArchive: Sendable {
    /// One entry.
    public enum Entry: Sendable, Hashable {
        /// A directory with its permission bits.
        case directory(path: String, mode: UInt32)
        /// A regular file with its permission bits and content.
        case file(path: String, mode: UInt32, bytes: [UInt8])
        /// A symbolic link.
        case symlink(path: String, target: String)

        /// The entry's path inside the archive, without a leading slash.
        public var path: String {
            switch self {
            case .directory(let path, _), .file(let path, _, _), .symlink(let path, _): return path
            }
        }
    }

    /// The entries in archive order.
    public private(set) var entries: [Entry] = []
    private var paths: Set<String> = []

    /// An empty archive.
    public init() {}

    /// Adds a directory (and its parents) unless it is already there.
    public mutating func addDirectory(_ path: String, mode: UInt32 = 0o755) {
        let path = Self.clean(path)
        guard !path.isEmpty, !paths.contains(path) else { return }
        addParents(of: path)
        paths.insert(path)
        entries.append(.directory(path: path, mode: mode))
    }

    /// Adds a regular file, replacing nothing: a path already present is left as it is and false is returned.
    @discardableResult
    public mutating func addFile(_ path: String, bytes: [UInt8], mode: UInt32 = 0o644) -> Bool {
        let path = Self.clean(path)
        guard !path.isEmpty, !paths.contains(path) else { return false }
        addParents(of: path)
        paths.insert(path)
        entries.append(.file(path: path, mode: mode, bytes: bytes))
        return true
    }

    /// Adds a symbolic link unless the path is already present.
    public mutating func addSymlink(_ path: String, target: String) {
        let path = Self.clean(path)
        guard !path.isEmpty, !paths.contains(path) else { return }
        addParents(of: path)
        paths.insert(path)
        entries.append(.symlink(path: path, target: target))
    }

    /// Whether the archive has an entry at `path`.
    public func contains(_ path: String) -> Bool { paths.contains(Self.clean(path)) }

    /// The archive's bytes, ending with the `TRAILER!!!` entry and padded to 512 bytes.
    public func serialized() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(entries.reduce(512) { total, entry in
            if case .file(_, _, let bytes) = entry { return total + bytes.count + 256 }
            return total + 256
        })
        for (index, entry) in entries.enumerated() {
            switch entry {
            case .directory(let path, let mode):
                Self.append(&output, inode: index + 1, mode: 0o040000 | mode, links: 2, name: path, data: [])
            case .file(let path, let mode, let bytes):
                Self.append(&output, inode: index + 1, mode: 0o100000 | mode, links: 1, name: path, data: bytes)
            case .symlink(let path, let target):
                Self.append(&output, inode: index + 1, mode: 0o120777, links: 1, name: path, data: Array(target.utf8))
            }
        }
        Self.append(&output, inode: 0, mode: 0, links: 1, name: "TRAILER!!!", data: [])
        output += [UInt8](repeating: 0, count: (512 - output.count % 512) % 512)
        return output
    }

    private mutating func addParents(of path: String) {
        var parent = ""
        for component in path.split(separator: "/").dropLast() {
            parent = parent.isEmpty ? String(component) : parent + "/" + component
            if !paths.contains(parent) {
                paths.insert(parent)
                entries.append(.directory(path: parent, mode: 0o755))
            }
        }
    }

    private static func clean(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: "/")
    }

    private static func append(_ output: inout [UInt8], inode: Int, mode: UInt32, links: Int, name: String, data: [UInt8]) {
        let nameBytes = Array(name.utf8) + [0]
        let fields = [UInt32(inode), mode, 0, 0, UInt32(links), 0, UInt32(data.count), 0, 0, 0, 0, UInt32(nameBytes.count), 0]
        output += Array("070701".utf8)
        for field in fields {
            let hex = String(field, radix: 16, uppercase: true)
            output += Array((String(repeating: "0", count: 8 - hex.count) + hex).utf8)
        }
        output += nameBytes
        output += [UInt8](repeating: 0, count: (4 - output.count % 4) % 4)
        output += data
        output += [UInt8](repeating: 0, count: (4 - output.count % 4) % 4)
    }
}
