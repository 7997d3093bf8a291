import Crypto
import Foundation
import GuestAttester
import Synchronization

/// A fake `/sys/devices/virtual/misc/tdx_guest/measurements` tree (regular files holding raw 48-byte values), and
/// the TDX module behind it: a file cannot extend itself, so after each write through the real
/// ``TDXRTMRRegister`` the module reads what the write left in `rtmr3:sha384` (it must be the 48 bytes written, at
/// offset 0) and puts back `SHA-384(RTMR3 ‖ written)`, as TDG.MR.RTMR.EXTEND does.
final class FakeTDXMeasurements: MeasurementRegister, Sendable {
    let register: TDXRTMRRegister
    private let value: Mutex<[UInt8]>
    let writes = Mutex<[[UInt8]]>([])

    /// A new tree with RTMR0–3 (RTMR3 set to `rtmr3`, the others to distinct non-zero values) and MRTD.
    init(rtmr3: [UInt8] = [UInt8](repeating: 0, count: 48)) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tdx-mr-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for index in 0..<3 {
            try GuestFiles.write("\(directory)/rtmr\(index):sha384", [UInt8](repeating: UInt8(0xA0 + index), count: 48), create: true)
        }
        try GuestFiles.write("\(directory)/mrtd:sha384", [UInt8](repeating: 0x5D, count: 48), create: true)
        try GuestFiles.write("\(directory)/rtmr3:sha384", rtmr3, create: true)
        register = TDXRTMRRegister(directory: directory)
        value = Mutex(rtmr3)
    }

    var directory: String { register.directory }
    var algorithm: AAELAlgorithm { register.algorithm }

    func read() throws -> [UInt8] { try register.read() }

    func extend(_ digest: [UInt8]) throws {
        try register.extend(digest)
        let written = try GuestFiles.read(register.path)
        writes.withLock { $0.append(written) }
        let next = value.withLock { value in
            value = Array(SHA384.hash(data: value + written))
            return value
        }
        try GuestFiles.write(register.path, next, create: true)
    }
}
