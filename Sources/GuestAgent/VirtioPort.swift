import GuestAttester

/// Finds a virtio-serial port by the name the host gave it (`-device virtserialport,name=…`): without udev there
/// is no `/dev/virtio-ports/<name>` link, so the name is read from `/sys/class/virtio-ports/<vportNpM>/name` and the
/// device is `/dev/<vportNpM>`.
public struct VirtioPort: Sendable, Hashable {
    /// The port's name.
    public let name: String
    /// The character device.
    public let devicePath: String

    /// Looks the port up.
    ///
    /// - Parameters:
    ///   - classRoot: the sysfs class directory (configurable for tests).
    ///   - deviceRoot: where the device nodes are.
    /// - Throws: ``GuestAttesterError`` (`io`) naming the port that is not there.
    public init(named name: String, classRoot: String = "/sys/class/virtio-ports", deviceRoot: String = "/dev") throws(GuestAttesterError) {
        guard !name.isEmpty, !name.contains("/") else { throw GuestAttesterError(.badInput, "virtio port name \(name) is empty or has a slash") }
        for entry in try Self.entries(classRoot).sorted() {
            guard let found = try? GuestFiles.readText("\(classRoot)/\(entry)/name"), found == name else { continue }
            self.name = name
            devicePath = "\(deviceRoot)/\(entry)"
            return
        }
        throw GuestAttesterError(.io, "no virtio port named \(name) under \(classRoot)")
    }

    private static func entries(_ directory: String) throws(GuestAttesterError) -> [String] {
        guard let stream = opendir(directory) else { throw GuestAttesterError(.io, "cannot list \(directory) (errno \(errno))") }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
