#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OCI

/// Applies tar entries to a root directory, layer after layer, refusing anything that would land outside it: `..`
/// components, a path through a symlink, an absolute symlink target or a relative one that climbs out, a hard link to
/// a path outside. OCI whiteouts (`.wh.NAME`, `.wh..wh..opq`) remove what lower layers put there. Device nodes are
/// made only when allowed (otherwise skipped and counted); ownership is applied only when running as root.
final class RootfsWriter {
    let root: String
    let allowDevices: Bool
    private(set) var skippedDevices = 0
    private var createdThisLayer: Set<String> = []
    private var openFile: Int32 = -1
    private var openPath = ""

    init(root: String, allowDevices: Bool) {
        self.root = root
        self.allowDevices = allowDevices
    }

    deinit { if openFile >= 0 { close(openFile) } }

    /// Starts a new layer (whiteouts and opaque directories only affect lower layers).
    func beginLayer() { createdThisLayer = [] }

    /// The cleaned components of an entry path; `..` anywhere is an escape.
    static func components(_ path: String, entry: String) throws -> [String] {
        var parts: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            guard part != ".." else { throw UnpackError(.escape, "entry \"\(entry)\" has a \"..\" component") }
            parts.append(String(part))
        }
        return parts
    }

    /// The on-disk path for `parts`, creating missing parent directories; every existing parent must be a real
    /// directory (not a symlink).
    private func prepareParents(_ parts: [String], entry: String) throws -> String {
        var current = root
        for part in parts.dropLast() {
            current += "/" + part
            var info = stat()
            if lstat(current, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw UnpackError(.escape, "entry \"\(entry)\" goes through \"\(part)\", which is not a directory (a symlink?)")
                }
            } else {
                guard mkdir(current, 0o755) == 0 else { throw UnpackError(.io, "cannot create \(current): \(String(cString: strerror(errno)))") }
            }
        }
        return parts.isEmpty ? root : current + "/" + (parts.last ?? "")
    }

    private func removeExisting(_ path: String, keepDirectory: Bool) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if keepDirectory && info.st_mode & S_IFMT == S_IFDIR { return }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw UnpackError(.io, "cannot replace \(path): \(error)")
        }
    }

    func begin(_ header: TarHeader) throws {
        let parts = try Self.components(header.name, entry: header.name)
        guard let base = parts.last else {
            if header.kind == .directory { return }  // the root itself
            throw UnpackError(.malformed, "entry \"\(header.name)\" has an empty name")
        }
        let relative = parts.joined(separator: "/")
        let path = try prepareParents(parts, entry: header.name)
        if base.hasPrefix(".wh.") {
            let directory = String(path.dropLast(base.count + 1))
            if base == ".wh..wh..opq" {
                let dirRelative = parts.dropLast().joined(separator: "/")
                for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
                    let childRelative = dirRelative.isEmpty ? name : dirRelative + "/" + name
                    if !createdThisLayer.contains(childRelative) { try removeExisting(directory + "/" + name, keepDirectory: false) }
                }
            } else {
                try removeExisting(directory + "/" + String(base.dropFirst(4)), keepDirectory: false)
            }
            return
        }
        createdThisLayer.insert(relative)
        let mode = mode_t(header.mode & 0o7777)
        switch header.kind {
        case .directory:
            try removeExisting(path, keepDirectory: true)
            var info = stat()
            if lstat(path, &info) != 0 {
                guard mkdir(path, 0o700) == 0 else { throw UnpackError(.io, "cannot create \(path): \(String(cString: strerror(errno)))") }
            }
            chmod(path, mode)
        case .file:
            try removeExisting(path, keepDirectory: false)
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw UnpackError(.io, "cannot create \(path): \(String(cString: strerror(errno)))") }
            fchmod(fd, mode)
            openFile = fd
            openPath = path
        case .symbolicLink:
            let target = header.linkName
            guard !target.hasPrefix("/") else {
                throw UnpackError(.escape, "symlink \"\(header.name)\" has the absolute target \"\(target)\"")
            }
            var depth = parts.count - 1
            for part in target.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
                depth += part == ".." ? -1 : 1
                guard depth >= 0 else { throw UnpackError(.escape, "symlink \"\(header.name)\" -> \"\(target)\" climbs out of the root") }
            }
            try removeExisting(path, keepDirectory: false)
            guard symlink(target, path) == 0 else { throw UnpackError(.io, "cannot create symlink \(path): \(String(cString: strerror(errno)))") }
        case .hardLink:
            let targetParts = try Self.components(header.linkName, entry: header.name)
            guard !targetParts.isEmpty else { throw UnpackError(.escape, "hard link \"\(header.name)\" points at the root") }
            let targetPath = try prepareParents(targetParts, entry: header.linkName)
            var info = stat()
            guard lstat(targetPath, &info) == 0, info.st_mode & S_IFMT != S_IFDIR else {
                throw UnpackError(.malformed, "hard link \"\(header.name)\" -> \"\(header.linkName)\": the target is not an earlier file")
            }
            try removeExisting(path, keepDirectory: false)
            guard link(targetPath, path) == 0 else { throw UnpackError(.io, "cannot link \(path): \(String(cString: strerror(errno)))") }
        case .fifo:
            try removeExisting(path, keepDirectory: false)
            guard mkfifo(path, mode) == 0 else { throw UnpackError(.io, "cannot create fifo \(path): \(String(cString: strerror(errno)))") }
        case .characterDevice, .blockDevice:
            guard allowDevices else {
                skippedDevices += 1
                createdThisLayer.remove(relative)
                return
            }
            try removeExisting(path, keepDirectory: false)
            let type = header.kind == .characterDevice ? S_IFCHR : S_IFBLK
            let device = (UInt(header.deviceMajor & 0xfff) << 8) | UInt(header.deviceMinor & 0xff) | (UInt(header.deviceMinor & ~0xff) << 12)
            guard mknod(path, type | mode, dev_t(device)) == 0 else {
                throw UnpackError(.io, "cannot create device \(path): \(String(cString: strerror(errno)))")
            }
        default:
            throw UnpackError(.unsupported, "entry \"\(header.name)\" has a tar type this does not unpack")
        }
        if geteuid() == 0 && header.kind != .file {
            lchown(path, uid_t(clamping: header.uid), gid_t(clamping: header.gid))
        } else if geteuid() == 0, openFile >= 0 {
            fchown(openFile, uid_t(clamping: header.uid), gid_t(clamping: header.gid))
        }
    }

    func write(_ bytes: ArraySlice<UInt8>) throws {
        guard openFile >= 0 else { return }
        if let error = bytes.withUnsafeBytes({ FileDescriptorWrite.all($0, to: openFile) }) {
            throw UnpackError(.io, "cannot write \(openPath): \(String(cString: strerror(error)))")
        }
    }

    func finishEntry() throws {
        if openFile >= 0 {
            close(openFile)
            openFile = -1
        }
    }
}
