import Foundation
import Testing
@testable import Gate

/// The `posix_spawn` runner behind ``RuncExecutor``: exit status, signals, the log files, stdin, a missing program.
@Suite struct ChildProcessTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "/child-process-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func run(_ script: String) throws -> (ChildProcess.Termination, String, String) {
        let out = directory + "/out", err = directory + "/err"
        let child = try ChildProcess.spawn("/bin/sh", arguments: ["-c", script], standardOutput: out, standardError: err)
        let termination = child.wait()
        let stdout = try String(contentsOfFile: out, encoding: .utf8), stderr = try String(contentsOfFile: err, encoding: .utf8)
        return (termination, stdout, stderr)
    }

    @Test func exitStatusAndOutputGoToTheirFiles() throws {
        let (termination, out, err) = try run("echo to-out; echo to-err >&2; exit 3")
        #expect(termination == .exited(3))
        #expect(!termination.isSuccess)
        #expect(out == "to-out\n")
        #expect(err == "to-err\n")
        #expect(try run("true").0.isSuccess)
    }

    @Test func logFilesAreTruncatedForEachRun() throws {
        _ = try run("echo a-much-longer-first-line")
        #expect(try run("echo b").1 == "b\n")
    }

    @Test func standardInputIsDevNull() throws {
        let (termination, out, _) = try run("if read line; then echo got \"$line\"; else echo eof; fi")
        #expect(termination == .exited(0))
        #expect(out == "eof\n")
    }

    @Test func aSignalledChildIsReportedAsSuch() throws {
        let (termination, _, _) = try run("kill -KILL $$")
        #expect(termination == .signalled(SIGKILL))
        #expect(termination.description == "was killed by signal 9")
    }

    @Test func signalDefaultsAreRestoredInTheChild() throws {
        // The test process may ignore SIGPIPE or SIGTERM; the child must not inherit that.
        let (termination, _, _) = try run("kill -TERM $$; sleep 5")
        #expect(termination == .signalled(SIGTERM))
    }

    @Test func aChildCanBeSignalledWhileItRuns() throws {
        let child = try ChildProcess.spawn("/bin/sleep", arguments: ["30"], standardOutput: directory + "/o", standardError: directory + "/e")
        child.signal()
        var forgotten = false
        #expect(child.wait(beforeReaping: { forgotten = true }) == .signalled(SIGTERM))
        #expect(forgotten)
    }

    @Test func aMissingExecutableIsAClearError() throws {
        let error = #expect(throws: ChildProcess.SpawnError.self) {
            try ChildProcess.spawn(directory + "/no-such-runc", arguments: [], standardOutput: directory + "/o", standardError: directory + "/e")
        }
        #expect(error?.code == ENOENT)
        #expect(error?.description.contains("no-such-runc") == true)
        #expect(error?.description.contains("No such file or directory") == true)
    }

    @Test func anUnwritableLogIsAnError() throws {
        let error = #expect(throws: ChildProcess.SpawnError.self) {
            try ChildProcess.spawn("/bin/true", arguments: [], standardOutput: directory + "/missing/dir/out", standardError: directory + "/e")
        }
        #expect(error?.code == ENOENT)
    }
}
