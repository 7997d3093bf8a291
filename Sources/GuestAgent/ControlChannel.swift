#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Gate
import GuestAttester

/// The control channel: the virtio-serial port's character device, opened read-write, `READY` written once, then
/// the gate served on it. A terminal device (a pty in tests, an hvc console) is switched to raw mode first so that
/// frames pass byte for byte.
public enum ControlChannel {
    /// Serves `gate` on `port` until the stream breaks; when the host side closes, the device is reopened after
    /// `reopenDelay` microseconds, unless `stopOnClose`.
    ///
    /// - Throws: ``GuestAttesterError`` (`io`) when the device cannot be opened or the stream breaks (a malformed
    ///   header, a frame cut short, a reply that cannot be written).
    public static func serve(_ gate: Gate, on port: VirtioPort, reopenDelay: UInt32 = 100_000, stopOnClose: Bool = false) throws(GuestAttesterError) {
        var announced = false
        while true {
            let fd = open(port.devicePath, O_RDWR | O_CLOEXEC | O_NOCTTY)
            guard fd >= 0 else { throw GuestAttesterError(.io, "cannot open the control port \(port.devicePath) (errno \(errno))") }
            if isatty(fd) == 1 {
                var settings = termios()
                if tcgetattr(fd, &settings) == 0 {
                    cfmakeraw(&settings)
                    _ = tcsetattr(fd, TCSANOW, &settings)
                }
            }
            let server = GateStreamServer(gate: gate, input: fd, output: fd)
            if !announced { announced = server.announce("READY") }
            let end = server.serve()
            close(fd)
            switch end {
            case .closed:
                if stopOnClose { return }
                usleep(reopenDelay)
            case .malformed, .truncated, .writeFailed:
                throw GuestAttesterError(.io, "the control channel broke (\(end)); the agent stops serving")
            }
        }
    }
}
