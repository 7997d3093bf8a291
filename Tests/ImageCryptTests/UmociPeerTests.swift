import Crypto
import Foundation
import ImageUnpack
import OCI
import Testing

/// `image unpack` against umoci on an image umoci built (a static busybox, a symlink, a hard link, a deleted file that
/// becomes a whiteout): the same tree, file for file.
@Suite("Image unpack: umoci peer", .enabled(if: Peer.find("umoci") != nil && FileManager.default.fileExists(atPath: "/bin/busybox"),
                                             "skipped: umoci or busybox-static is missing (.ci/run installs them)"))
struct UmociPeerTests {
    /// Each entry under `root`: its type, permissions, and content digest or link target.
    static func tree(_ root: String) throws -> [String: String] {
        var entries: [String: String] = [:]
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: root) else { return entries }
        while let relative = walker.nextObject() as? String {
            let path = root + "/" + relative
            let attributes = try manager.attributesOfItem(atPath: path)
            let type = attributes[.type] as? FileAttributeType
            let mode = String((attributes[.posixPermissions] as? Int) ?? 0, radix: 8)
            switch type {
            case .typeSymbolicLink?: entries[relative] = "link \(mode) -> " + (try manager.destinationOfSymbolicLink(atPath: path))
            case .typeDirectory?: entries[relative] = "dir \(mode)"
            default:
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                entries[relative] = "file \(mode) " + Digest(of: data).description
            }
        }
        return entries
    }

    @Test func sameTreeAsUmoci() throws {
        let umoci = try #require(Peer.find("umoci"))
        let scratch = try Scratch()
        let layout = scratch.path + "/L"
        func run(_ arguments: [String]) throws {
            let result = try Peer.run(umoci, arguments)
            try #require(result.status == 0, "umoci \(arguments.joined(separator: " ")): \(result.output)")
        }
        try run(["init", "--layout", layout])
        try run(["new", "--image", layout + ":latest"])
        let bundle = scratch.path + "/b1"
        try run(["unpack", "--image", layout + ":latest", bundle])
        let rootfs = bundle + "/rootfs"
        let manager = FileManager.default
        try manager.createDirectory(atPath: rootfs + "/bin", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: rootfs + "/etc", withIntermediateDirectories: true)
        try manager.copyItem(atPath: "/bin/busybox", toPath: rootfs + "/bin/busybox")
        try manager.createSymbolicLink(atPath: rootfs + "/bin/sh", withDestinationPath: "busybox")
        try Data("hi\n".utf8).write(to: URL(fileURLWithPath: rootfs + "/etc/motd"))
        try Data("gone\n".utf8).write(to: URL(fileURLWithPath: rootfs + "/etc/old"))
        try run(["repack", "--image", layout + ":latest", bundle])
        let bundle2 = scratch.path + "/b1b"
        try run(["unpack", "--image", layout + ":latest", bundle2])
        try manager.removeItem(atPath: bundle2 + "/rootfs/etc/old")
        try manager.linkItem(atPath: bundle2 + "/rootfs/etc/motd", toPath: bundle2 + "/rootfs/etc/motd2")
        try run(["repack", "--image", layout + ":latest", bundle2])
        try run(["unpack", "--image", layout + ":latest", scratch.path + "/b2"])

        let ours = scratch.path + "/ours"
        let report = try ImageUnpacker().unpack(from: LayoutReference(directory: layout, tag: "latest"), to: ours)
        #expect(report.layers >= 2)
        let theirs = try Self.tree(scratch.path + "/b2/rootfs")
        #expect(try Self.tree(ours) == theirs)
        #expect(theirs["etc/old"] == nil)
        var first = stat(), second = stat()
        #expect(lstat(ours + "/etc/motd", &first) == 0 && lstat(ours + "/etc/motd2", &second) == 0)
        #expect(first.st_ino == second.st_ino)
    }
}
