#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names, from `stat`: what `FileManager.fileExists(atPath:isDirectory:)` and URL resource values tell,
/// for targets that link FoundationEssentials only.
public enum FileKind: Sendable, Hashable {
    case regular, directory, symbolicLink, other

    /// The kind of `path`, or `nil` when it does not exist (or cannot be examined).
    /// - Parameter followingLinks: `stat` (a link to a directory is a directory) rather than `lstat`.
    public static func of(_ path: String, followingLinks: Bool = true) -> FileKind? {
        var info = stat()
        guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symbolicLink
        default: return .other
        }
    }
}
