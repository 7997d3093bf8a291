import GRDB
import Synchronization

/// Runs write transactions on a GRDB database, committing the writes that arrive together in one transaction (group
/// commit).
///
/// A durable SQLite commit waits for the disk (WAL mode, `synchronous = FULL`: one `fsync` of the log per commit, about
/// 0.2 ms here). Writes are serial, so a commit per write caps a busy broker at a few thousand writes per second with
/// its cores idle. Here, while one transaction is committing, the writes that arrive queue up, and the next
/// transaction takes all of them: one sync for the group, and each caller is answered only once the group's commit has
/// returned, so an acknowledged write is exactly as durable as one committed on its own.
///
/// Each write runs in its own savepoint, in arrival order, on the single writer connection: it sees the writes queued
/// before it, and one that throws is rolled back alone and gets its own error. A failed commit, or a failure that ends
/// the whole transaction, fails every write of the group.
package final class GroupCommitWriter: Sendable {
    /// One queued write: runs in the group's transaction and answers its caller after the commit.
    private struct PendingWrite: Sendable {
        /// Runs the write in a savepoint; returns how to answer the caller once the group has committed.
        let run: @Sendable (Database) -> @Sendable () -> Void
        /// Answers the caller with the group's failure.
        let fail: @Sendable (any Error) -> Void
    }

    private struct State {
        var queue: [PendingWrite] = []
        var committing = false
        var transactions = 0
    }

    private let writer: any DatabaseWriter
    private let maximumGroup: Int
    private let state = Mutex(State())

    /// Creates a writer over `writer` (a pool or a queue), taking at most `maximumGroup` writes per transaction.
    package init(_ writer: any DatabaseWriter, maximumGroup: Int = 256) {
        self.writer = writer
        self.maximumGroup = max(1, maximumGroup)
    }

    /// How many groups have been taken into a transaction so far.
    package var transactions: Int { state.withLock { $0.transactions } }

    /// How many writes wait for the next group.
    package var queuedWrites: Int { state.withLock { $0.queue.count } }

    /// Runs `body` in the next group's transaction and returns its result once that transaction has committed.
    package func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let pending = PendingWrite(
                run: { db in
                    do {
                        var value: T?
                        try db.inSavepoint {
                            value = try body(db)
                            return .commit
                        }
                        guard let value else { return { continuation.resume(throwing: StoreError(.unavailable, "a write returned nothing")) } }
                        return { continuation.resume(returning: value) }
                    } catch {
                        return { continuation.resume(throwing: error) }
                    }
                },
                fail: { continuation.resume(throwing: $0) }
            )
            let startsGroup = state.withLock { state in
                state.queue.append(pending)
                guard !state.committing else { return false }
                state.committing = true
                return true
            }
            if startsGroup { commitNextGroup() }
        }
    }

    /// Takes the queued writes (up to the group limit) into one transaction; when it has committed, answers them and
    /// starts the next group, or stops when none is queued.
    private func commitNextGroup() {
        let group: [PendingWrite] = state.withLock { state in
            guard !state.queue.isEmpty else {
                state.committing = false
                return []
            }
            let taken = Array(state.queue.prefix(maximumGroup))
            state.queue.removeFirst(taken.count)
            state.transactions += 1
            return taken
        }
        guard !group.isEmpty else { return }
        writer.asyncWriteWithoutTransaction { db in
            var answers: [@Sendable () -> Void] = []
            answers.reserveCapacity(group.count)
            do {
                try db.inTransaction(.immediate) {
                    // When SQLite ends the whole transaction (a full disk, an I/O error), GRDB makes every later
                    // statement and the commit throw, so the group fails as one and no write is reported stored.
                    for pending in group { answers.append(pending.run(db)) }
                    return .commit
                }
                answers.forEach { $0() }
            } catch {
                group.forEach { $0.fail(error) }
            }
            self.commitNextGroup()
        }
    }
}
