#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A destination layout built in a sibling staging directory and published only when complete: new blobs are moved
/// into the destination (content-addressed, each complete) and `index.json` is replaced atomically last. A failed
/// operation removes the staging directory and leaves the destination as it was.
public struct StagedLayout {
    let destination: LayoutReference
    let staging: ImageLayout

    private init(_ destination: LayoutReference) throws {
        self.destination = destination
        let url = URL(fileURLWithPath: destination.directory).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: parent) else {
            throw OCIError(.notFound, "the destination's parent directory \(parent) does not exist")
        }
        staging = try ImageLayout.create(at: parent + "/." + url.lastPathComponent + ".staging-" + UUID().uuidString)
    }

    /// Runs `body` against the staging layout, then publishes the manifest it returns under the destination tag (or
    /// `sourceTag`); on any failure the staging directory is removed and the destination is untouched.
    ///
    /// - Returns: the published descriptor.
    public static func write(to destination: LayoutReference, sourceTag: String?, _ body: (ImageLayout) async throws -> Descriptor) async throws -> Descriptor {
        let staged = try StagedLayout(destination)
        defer { try? FileManager.default.removeItem(atPath: staged.staging.path) }
        var descriptor = try await body(staged.staging)
        let tag = destination.tag ?? sourceTag
        var annotations = descriptor.annotations ?? [:]
        annotations[Annotation.referenceName] = tag
        descriptor.annotations = annotations.isEmpty ? nil : annotations
        try staged.publish(descriptor, tag: tag)
        return descriptor
    }

    private func publish(_ descriptor: Descriptor, tag: String?) throws {
        let manager = FileManager.default
        let target: ImageLayout
        if manager.fileExists(atPath: destination.directory) {
            target = try ImageLayout(opening: destination.directory)
        } else {
            var index = ImageIndex()
            index.manifests = [descriptor]
            try staging.writeIndex(index)
            do {
                try manager.moveItem(atPath: staging.path, toPath: destination.directory)
            } catch {
                throw OCIError(.io, "cannot move the new layout to \(destination.directory): \(error)")
            }
            return
        }
        var index = try target.index()
        let names = (try? manager.contentsOfDirectory(atPath: staging.path + "/blobs/sha256")) ?? []
        for name in names where !name.hasPrefix(".") {
            let to = target.path + "/blobs/sha256/" + name
            if manager.fileExists(atPath: to) { continue }
            do {
                try manager.moveItem(atPath: staging.path + "/blobs/sha256/" + name, toPath: to)
            } catch {
                throw OCIError(.io, "cannot move blob \(name) into \(target.path): \(error)")
            }
        }
        index.manifests.removeAll { tag != nil && $0.referenceName == tag }
        index.manifests.append(descriptor)
        try target.writeIndex(index)
    }
}
