import ArgumentParser
import GuestAttester
import InitData
import KBSClient

/// The agent's exit codes, the same classes as `hermetic`'s: 1 refused or mismatched, 2 bad input, 3 a device or
/// the broker out of reach.
enum AgentExit {
    static func code(for error: any Error) -> Int32 {
        switch error {
        case let error as GuestAttesterError:
            switch error.code {
            case .mismatch: 1
            case .badInput: 2
            default: 3
            }
        case let error as KBSClientError: error.status == 0 ? 3 : 1
        case is SealedSecretError: 1
        case is InitDataError: 2
        default: 3
        }
    }

    /// Reports `error` on stderr and exits with its code.
    static func fail(_ error: any Error) -> ExitCode {
        var standardError = StandardError()
        print("hermetic-agent: \(error)", to: &standardError)
        return ExitCode(code(for: error))
    }

    /// Runs `body`, passing argument-parser exits and usage errors through and turning any other error into its
    /// exit code (reported on stderr).
    static func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail(error)
        }
    }

    /// The asynchronous form of ``reporting(_:)``.
    static func reporting<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail(error)
        }
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        let bytes = Array(string.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
