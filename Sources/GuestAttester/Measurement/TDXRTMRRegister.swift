#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// TDX's RTMR3 through Linux's tsm-mr sysfs interface (Linux 6.16 and later):
/// `/sys/devices/virtual/misc/tdx_guest/measurements/rtmr3:sha384`, a 48-byte binary attribute. Reading it gives the
/// register's raw value; writing exactly 48 bytes at offset 0 has the TDX module extend it
/// (TDG.MR.RTMR.EXTEND: `RTMR = SHA-384(RTMR ‖ data)`).
///
/// The register is RTMR3 and only RTMR3: firmware and the kernel own RTMR0 and RTMR1, the EFI stub measures the
/// command line and initrd into RTMR2 (which reference-value policies pin), and guest-components maps its default
/// runtime PCR 17 to CC MR index 4, that is RTMR3.
public struct TDXRTMRRegister: MeasurementRegister {
    /// Where Linux puts the TDX measurement registers.
    public static let defaultDirectory = "/sys/devices/virtual/misc/tdx_guest/measurements"
    /// The RTMR this register extends.
    public static let rtmr = 3
    /// The register's index in a CC event log (RTMR n is MR index n + 1).
    public static let measurementRegisterIndex: UInt32 = 4

    /// The measurements directory (a test's fake tree, or ``defaultDirectory``).
    public let directory: String

    /// Creates the register over `directory`.
    public init(directory: String = defaultDirectory) {
        self.directory = directory
    }

    /// The attribute file, `<directory>/rtmr3:sha384`.
    public var path: String { "\(directory)/rtmr\(Self.rtmr):sha384" }

    public var algorithm: AAELAlgorithm { .sha384 }

    /// The register's 48 bytes.
    ///
    /// - Throws: ``GuestAttesterError``: `io` when the attribute is missing (a kernel older than 6.16) or cannot be
    ///   read, `malformedReport` when it does not hold exactly 48 bytes.
    public func read() throws(GuestAttesterError) -> [UInt8] {
        let fd = try open(O_RDONLY)
        defer { close(fd) }
        var value: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64)
        while value.count <= 48 {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw GuestAttesterError(.io, "cannot read \(path): \(Self.describe(errno))")
            }
            if got == 0 { break }
            value += chunk[0..<got]
        }
        guard value.count == 48 else {
            throw GuestAttesterError(.malformedReport, "\(path) holds \(value.count > 48 ? "more than 48" : String(value.count)) bytes; an RTMR is 48 (SHA-384)")
        }
        return value
    }

    /// Extends the register with `digest`: one write of its 48 bytes at offset 0.
    ///
    /// - Throws: ``GuestAttesterError``: `badInput` for a digest that is not 48 bytes, `io` when the attribute is
    ///   missing or cannot be opened, `firmware` when the kernel or the TDX module refuses the extend (the errno is
    ///   named: `EINVAL` size or offset, `ENXIO` invalid operand, `EBUSY` operand busy, `EIO` another TDCALL
    ///   failure), `io` for a short write.
    public func extend(_ digest: [UInt8]) throws(GuestAttesterError) {
        guard digest.count == 48 else {
            throw GuestAttesterError(.badInput, "an RTMR is extended with 48 bytes (SHA-384), not \(digest.count)")
        }
        let fd = try open(O_WRONLY)
        defer { close(fd) }
        while true {
            let wrote = digest.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            if wrote == 48 { return }
            if wrote < 0 {
                if errno == EINTR { continue }
                throw Self.writeError(errno, path: path)
            }
            throw GuestAttesterError(.io, "wrote \(wrote) of 48 bytes to \(path); the kernel takes the digest in one write")
        }
    }

    private func open(_ mode: Int32) throws(GuestAttesterError) -> Int32 {
        let fd = Glibc.open(path, mode | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT {
                throw GuestAttesterError(.io, "\(path) does not exist: RTMRs are in sysfs from Linux 6.16 (tsm-mr), so this kernel is older or this is not a TDX guest")
            }
            throw GuestAttesterError(.io, "cannot open \(path) for \(mode == O_RDONLY ? "reading" : "writing"): \(Self.describe(code))")
        }
        return fd
    }

    /// What a failed write means, by errno (Linux's `tsm-mr.c` and `tdx_mcall_extend_rtmr`).
    static func writeError(_ code: Int32, path: String) -> GuestAttesterError {
        let reason = switch code {
        case EINVAL: "the kernel refused the write's size or offset (EINVAL)"
        case ENXIO: "the TDX module refused the operand (ENXIO, TDCALL_INVALID_OPERAND)"
        case EBUSY: "the TDX module reports the register busy (EBUSY, TDCALL_OPERAND_BUSY)"
        case EIO: "TDG.MR.RTMR.EXTEND failed (EIO)"
        default: describe(code)
        }
        return GuestAttesterError(code == EINVAL || code == ENXIO || code == EBUSY || code == EIO ? .firmware : .io,
                                  "cannot extend \(path): \(reason)")
    }

    private static func describe(_ code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }
}
