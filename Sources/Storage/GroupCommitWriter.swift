import GRDB
import Synchronization

/// Write transactions that arrive while another is committing share the next commit (group commit).
///
/// Each write runs in its own savepoint, in arrival order, inside one transaction per batch: a write that throws is
/// rolled back alone and gets its own error; the others commit. No write is answered before its batch has
/// committed, so an acknowledged write is as durable as with one transaction per write, and a failed commit fails
/// every write of the batch. Under load this turns many small transactions, each a hop to the writer queue and a
/// commit, into a few larger ones; an isolated write waits for nothing.
final class GroupCommitWriter: Sendable {
    private struct State {
        var queue: [any BatchedWrite] = []
        var committing = false
    }

    private let pool: DatabasePool
    private let state = Mutex(State())

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `body` in the next batch and returns its value once the batch has committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let write = PendingWrite(body: body, continuation: continuation)
            state.withLock { $0.queue.append(write) }
            commitNextBatch()
        }
    }

    private func commitNextBatch() {
        let batch: [any BatchedWrite]? = state.withLock { state in
            guard !state.committing, !state.queue.isEmpty else { return nil }
            state.committing = true
            defer { state.queue.removeAll(keepingCapacity: true) }
            return state.queue
        }
        guard let batch else { return }
        pool.asyncWrite({ db in
            for write in batch { write.run(in: db) }
        }, completion: { _, result in
            let commitError: (any Error)? = if case .failure(let error) = result { error } else { nil }
            for write in batch { write.finish(commitError: commitError) }
            self.state.withLock { $0.committing = false }
            self.commitNextBatch()
        })
    }
}

/// One write waiting for a batch.
private protocol BatchedWrite: AnyObject, Sendable {
    /// Runs the write in a savepoint on the writer connection.
    func run(in db: Database)
    /// Answers the caller once the batch has committed (or failed to).
    func finish(commitError: (any Error)?)
}

// `@unchecked`: `outcome` is written by `run(in:)` on GRDB's writer queue and read by `finish(commitError:)` after
// the batch's transaction, on the same queue, so the two never overlap.
private final class PendingWrite<T: Sendable>: BatchedWrite, @unchecked Sendable {
    private let body: @Sendable (Database) throws -> T
    private let continuation: CheckedContinuation<T, any Error>
    private var outcome: Result<T, any Error>?

    init(body: @escaping @Sendable (Database) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func run(in db: Database) {
        var value: T?
        do {
            try db.inSavepoint {
                value = try body(db)
                return .commit
            }
            if let value { outcome = .success(value) }
        } catch {
            outcome = .failure(error)
        }
    }

    func finish(commitError: (any Error)?) {
        switch (outcome, commitError) {
        case (.failure(let error)?, _): continuation.resume(throwing: error)
        case (_, let error?): continuation.resume(throwing: error)
        case (.success(let value)?, nil): continuation.resume(returning: value)
        case (nil, nil): continuation.resume(throwing: StoreError(.unavailable, "the write did not run"))
        }
    }
}
