#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Creates and removes report entries under configfs-tsm's report directory. On Linux the kernel populates a new
/// entry's attributes (`inblob`, `outblob`, `auxblob`, `generation`, `provider`, `privlevel`) at `mkdir`; a test
/// stands in for the kernel here, and only here.
public protocol TSMReportEntries: Sendable {
    /// Creates the entry directory at `path`.
    func create(_ path: String) throws(GuestAttesterError)
    /// Removes it.
    func remove(_ path: String)
}

/// The kernel's configfs: `mkdir` and `rmdir`.
public struct ConfigfsEntries: TSMReportEntries {
    /// Creates the value.
    public init() {}

    public func create(_ path: String) throws(GuestAttesterError) {
        guard mkdir(path, 0o700) == 0 else { throw GuestAttesterError(.io, "cannot create the report entry \(path) (errno \(errno))") }
    }

    public func remove(_ path: String) { rmdir(path) }
}
