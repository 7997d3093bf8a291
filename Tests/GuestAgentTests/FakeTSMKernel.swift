#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GuestAttester
import Synchronization

/// Stands in for the kernel's configfs-tsm, and only where the kernel acts: `mkdir` of a report entry makes its
/// attributes (`provider`, `generation`, `privlevel` as files; `inblob`, `outblob`, `auxblob` as FIFOs) and starts
/// a responder that reads what the driver writes to `inblob`, bumps `generation` and answers on `outblob` and
/// `auxblob`. The driver under test reads and writes these with its ordinary file calls.
final class FakeTSMKernel: TSMReportEntries, Sendable {
    struct Answer: Sendable {
        var outblob: [UInt8]
        var auxblob: [UInt8] = []
        /// Extra generation increments, as if another process had written to the entry.
        var racingWrites = 0
    }

    let provider: String
    let respond: @Sendable ([UInt8]) -> Answer
    let received = Mutex<[[UInt8]]>([])

    init(provider: String, respond: @escaping @Sendable ([UInt8]) -> Answer) {
        signal(SIGPIPE, SIG_IGN)
        self.provider = provider
        self.respond = respond
    }

    static func root() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tsm-\(UUID().uuidString)/report").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    func create(_ path: String) throws(GuestAttesterError) {
        guard mkdir(path, 0o700) == 0 else { throw GuestAttesterError(.io, "mkdir \(path)") }
        do {
            try GuestFiles.write("\(path)/provider", Array("\(provider)\n".utf8), create: true)
            try GuestFiles.write("\(path)/generation", Array("0\n".utf8), create: true)
            try GuestFiles.write("\(path)/privlevel", [], create: true)
        }
        for name in ["inblob", "outblob", "auxblob"] { mkfifo("\(path)/\(name)", 0o600) }
        Thread.detachNewThread { [self] in serve(path) }
    }

    func remove(_ path: String) {
        // Unblock a responder the driver left waiting (a refused provider never opens inblob).
        let fd = open("\(path)/inblob", O_WRONLY | O_NONBLOCK)
        if fd >= 0 { close(fd) }
        try? FileManager.default.removeItem(atPath: path)
    }

    private func serve(_ path: String) {
        guard let inblob = try? GuestFiles.read("\(path)/inblob"), !inblob.isEmpty else { return }
        received.withLock { $0.append(inblob) }
        let answer = respond(inblob)
        let privlevel = (try? GuestFiles.read("\(path)/privlevel")) ?? []
        let generation = 1 + (privlevel.isEmpty ? 0 : 1) + answer.racingWrites
        try? GuestFiles.write("\(path)/generation", Array("\(generation)\n".utf8), create: true)
        try? GuestFiles.write("\(path)/outblob", answer.outblob)
        // auxblob: answer only if the driver opens it within a second.
        for _ in 0..<100 {
            let fd = open("\(path)/auxblob", O_WRONLY | O_NONBLOCK)
            if fd >= 0 {
                _ = fcntl(fd, F_SETFL, 0)
                _ = answer.auxblob.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
                return
            }
            usleep(10_000)
        }
    }
}
