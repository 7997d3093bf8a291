import Dispatch
import Synchronization

/// Runs async work to completion from a thread outside the concurrency pool (the gate's serving thread), which
/// blocks meanwhile: the executors behind the gate are synchronous, the broker and the registry are not.
enum BlockingWait {
    /// The result of `work`, or the error it threw.
    static func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) -> Result<T, any Error> {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await work()) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 } ?? .failure(CancellationError())
    }
}
