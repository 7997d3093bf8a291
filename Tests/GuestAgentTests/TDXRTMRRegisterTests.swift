import Crypto
import Foundation
import Testing
@testable import GuestAttester

@Suite("TDX RTMR3 through Linux's tsm-mr sysfs attributes (a fake tree)")
struct TDXRTMRRegisterTests {
    @Test("extend writes the 48 bytes at offset 0; two extends read back as the SHA-384 chain; other registers untouched")
    func extendTwice() throws {
        let tree = try FakeTDXMeasurements()
        #expect(tree.register.path == tree.directory + "/rtmr3:sha384")
        #expect(try tree.read() == [UInt8](repeating: 0, count: 48))
        let first = [UInt8](repeating: 0x11, count: 48), second = Array(SHA384.hash(data: Array("second".utf8)))
        try tree.extend(first)
        try tree.extend(second)
        #expect(tree.writes.withLock { $0 } == [first, second], "each write left exactly the digest in the attribute")
        let chain = Array(SHA384.hash(data: Array(SHA384.hash(data: [UInt8](repeating: 0, count: 48) + first)) + second))
        #expect(try tree.register.read() == chain)
        #expect(try GuestFiles.read(tree.directory + "/rtmr2:sha384") == [UInt8](repeating: 0xA2, count: 48), "RTMR2 is never written")
        #expect(TDXRTMRRegister().path == "/sys/devices/virtual/misc/tdx_guest/measurements/rtmr3:sha384")
        #expect(TDXRTMRRegister.measurementRegisterIndex == 4)
    }

    @Test("a missing attribute names the path and Linux 6.16, for reads and for extends")
    func missing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tdx-mr-none-\(UUID().uuidString)").path
        let register = TDXRTMRRegister(directory: directory)
        for error in [try #require(throws: GuestAttesterError.self) { try register.read() },
                      try #require(throws: GuestAttesterError.self) { try register.extend([UInt8](repeating: 1, count: 48)) }] {
            #expect(error.code == .io)
            #expect(error.message.contains(register.path))
            #expect(error.message.contains("6.16"))
        }
    }

    @Test("an attribute of the wrong size, a digest of the wrong size and a failing write are typed errors")
    func wrongSizes() throws {
        let tree = try FakeTDXMeasurements()
        try GuestFiles.write(tree.register.path, [UInt8](repeating: 7, count: 47), create: true)
        let short = try #require(throws: GuestAttesterError.self) { try tree.register.read() }
        #expect(short.code == .malformedReport && short.message.contains("47 bytes"))

        try FileManager.default.removeItem(atPath: tree.register.path)
        try FileManager.default.createSymbolicLink(atPath: tree.register.path, withDestinationPath: "/dev/zero")
        let long = try #require(throws: GuestAttesterError.self) { try tree.register.read() }
        #expect(long.code == .malformedReport && long.message.contains("more than 48"))

        let digest = try #require(throws: GuestAttesterError.self) { try tree.register.extend([UInt8](repeating: 1, count: 32)) }
        #expect(digest.code == .badInput)

        try FileManager.default.removeItem(atPath: tree.register.path)
        try FileManager.default.createSymbolicLink(atPath: tree.register.path, withDestinationPath: "/dev/full")
        let full = try #require(throws: GuestAttesterError.self) { try tree.register.extend([UInt8](repeating: 1, count: 48)) }
        #expect(full.code == .io && full.message.contains("errno \(ENOSPC)") && full.message.contains(tree.register.path))
    }

    @Test("the kernel's extend errors are named: EINVAL, ENXIO, EBUSY, EIO")
    func kernelErrors() {
        for (code, name) in [(EINVAL, "EINVAL"), (ENXIO, "ENXIO"), (EBUSY, "EBUSY"), (EIO, "EIO")] {
            let error = TDXRTMRRegister.writeError(code, path: "/x/rtmr3:sha384")
            #expect(error.code == .firmware)
            #expect(error.message.contains(name) && error.message.contains("/x/rtmr3:sha384"))
        }
        #expect(TDXRTMRRegister.writeError(EACCES, path: "p").code == .io)
    }
}
